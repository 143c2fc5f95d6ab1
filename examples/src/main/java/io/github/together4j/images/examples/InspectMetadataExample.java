package io.github.together4j.images.examples;

import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.TogetherImages;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints what a response says about itself and its images.
 *
 * <p>Configuration: {@code TOGETHER_API_KEY}, or the embedded fake server when it is unset.
 */
public final class InspectMetadataExample {
  private InspectMetadataExample() {}

  /**
   * Runs the example.
   *
   * @param args none
   */
  public static void main(String[] args) {
    try (Examples.Session session = Examples.connect()) {
      run(session.client()).forEach(System.out::println);
    }
  }

  /** Returns one line for the response and one per image. */
  static List<String> run(TogetherImages client) {
    ImageGenerationResult result =
        client.generate(
            ImageGenerationRequest.builder("A watercolor sunflower field")
                .n(2)
                .size(768, 512)
                .seed(7)
                .build());
    List<String> lines = new ArrayList<>();
    lines.add(
        "id="
            + result.id()
            + " model="
            + result.model()
            + " object="
            + result.object()
            + " images="
            + result.images().size());
    for (GeneratedImage image : result.images()) {
      BufferedImage pixels = image.toBufferedImage();
      lines.add(
          "image "
              + image.index()
              + ": "
              + (image.isUrl() ? "url" : "base64")
              + ", "
              + image.format()
              + ", "
              + pixels.getWidth()
              + "x"
              + pixels.getHeight());
    }
    return lines;
  }
}
