package io.github.together4j.images.examples;

import dev.langchain4j.data.image.Image;
import dev.langchain4j.model.image.ImageModel;
import dev.langchain4j.model.output.Response;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.langchain4j.TogetherImageModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Generates two images through LangChain4j's {@link ImageModel} and saves them, decoding the base64
 * data LangChain4j's {@link Image} carries and naming each file by its MIME type.
 *
 * <p>Configuration: {@code TOGETHER_API_KEY}, or the embedded fake server when it is unset.
 * Argument: the output directory (default {@code generated-images/langchain4j}).
 */
public final class LangChain4jExample {
  private LangChain4jExample() {}

  /**
   * Runs the example.
   *
   * @param args optionally, the output directory
   */
  public static void main(String[] args) {
    try (Examples.Session session = Examples.connect()) {
      run(session.client(), Examples.outputDir(args, "langchain4j")).forEach(System.out::println);
    }
  }

  /** Saves two foxes as {@code out/fox_<index>.<ext>}. */
  static List<Path> run(TogetherImages client, Path out) {
    // Shares the session's client (its key, base URL and connection pool); with your own key,
    // TogetherImageModel.builder().apiKey(System.getenv("TOGETHER_API_KEY")) does the same.
    ImageModel model =
        TogetherImageModel.builder()
            .client(client)
            .modelName("black-forest-labs/FLUX.1-schnell")
            .responseFormat("base64")
            .size("1024x768")
            .build();
    Response<List<Image>> response = model.generate("A red fox in fresh snow", 2);
    System.out.println(
        "Together id "
            + response.metadata().get(TogetherImageModel.METADATA_ID)
            + ", model "
            + response.metadata().get(TogetherImageModel.METADATA_MODEL));
    List<Path> saved = new ArrayList<>();
    try {
      Files.createDirectories(out);
      for (int i = 0; i < response.content().size(); i++) {
        Image image = response.content().get(i);
        // The MIME type comes from the image's own bytes: image/jpeg, image/png, ...
        String extension = "image/png".equals(image.mimeType()) ? "png" : "jpg";
        Path file = out.resolve("fox_" + i + "." + extension);
        Files.write(file, Base64.getDecoder().decode(image.base64Data()));
        saved.add(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return saved;
  }
}
