package io.github.together4j.images.examples;

import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.SaveOption;
import io.github.together4j.images.TogetherImages;
import java.nio.file.Path;
import java.util.List;

/**
 * Generates four variations in one call and saves them all, one at a time.
 *
 * <p>Configuration: {@code TOGETHER_API_KEY}, or the embedded fake server when it is unset.
 * Argument: the output directory (default {@code generated-images/multiple-images}).
 */
public final class MultipleImagesExample {
  private MultipleImagesExample() {}

  /**
   * Runs the example.
   *
   * @param args optionally, the output directory
   */
  public static void main(String[] args) {
    try (Examples.Session session = Examples.connect()) {
      run(session.client(), Examples.outputDir(args, "multiple-images"))
          .forEach(System.out::println);
    }
  }

  /** Saves four sunflowers as {@code out/sunflower_<index>.<ext>}. */
  static List<Path> run(TogetherImages client, Path out) {
    ImageGenerationResult result =
        client.generate(
            ImageGenerationRequest.builder("A watercolor sunflower field").n(4).build());
    // Peak memory: the response plus a 64 KiB buffer, however many images there are.
    return result.saveAll(out, "sunflower_{index}", SaveOption.OVERWRITE);
  }
}
