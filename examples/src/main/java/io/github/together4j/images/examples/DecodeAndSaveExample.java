package io.github.together4j.images.examples;

import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.SaveOption;
import io.github.together4j.images.TogetherImages;
import java.nio.file.Path;

/**
 * Decodes a base64 image to bytes and saves it, the extension chosen by the bytes.
 *
 * <p>Configuration: {@code TOGETHER_API_KEY}, or the embedded fake server when it is unset.
 * Argument: the output directory (default {@code generated-images/decode-and-save}).
 */
public final class DecodeAndSaveExample {
  private DecodeAndSaveExample() {}

  /**
   * Runs the example.
   *
   * @param args optionally, the output directory
   */
  public static void main(String[] args) {
    try (Examples.Session session = Examples.connect()) {
      System.out.println(
          "saved " + run(session.client(), Examples.outputDir(args, "decode-and-save")));
    }
  }

  /** Generates one image and saves it as {@code out/sunflower.<ext>}. */
  static Path run(TogetherImages client, Path out) {
    GeneratedImage image =
        client
            .generate(
                ImageGenerationRequest.builder("A watercolor sunflower field")
                    .responseFormat(ResponseFormat.BASE64)
                    .build())
            .images()
            .get(0);
    byte[] bytes = image.bytes(); // the decoded image, if you need it
    System.out.println("decoded " + bytes.length + " bytes of " + image.format());
    // Written to a temporary file first and moved into place: never a half-written image.
    return image.saveTo(out.resolve("sunflower"), SaveOption.OVERWRITE);
  }
}
