package io.github.together4j.images.examples;

import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.SaveOption;
import io.github.together4j.images.TogetherImages;
import java.nio.file.Path;

/**
 * Gets a URL result, Together's default, and downloads it.
 *
 * <p>Configuration: {@code TOGETHER_API_KEY}, or the embedded fake server when it is unset.
 * Argument: the output directory (default {@code generated-images/url-results}).
 */
public final class UrlResultsExample {
  private UrlResultsExample() {}

  /**
   * Runs the example.
   *
   * @param args optionally, the output directory
   */
  public static void main(String[] args) {
    try (Examples.Session session = Examples.connect()) {
      System.out.println("saved " + run(session.client(), Examples.outputDir(args, "url-results")));
    }
  }

  /** Downloads one URL result as {@code out/sunflower.<ext>}. */
  static Path run(TogetherImages client, Path out) {
    GeneratedImage image =
        client
            .generate(
                ImageGenerationRequest.builder("A watercolor sunflower field")
                    .responseFormat(ResponseFormat.URL)
                    .build())
            .images()
            .get(0);
    // The URL is signed and short-lived; toString() shows it without its signature.
    System.out.println("got " + image);
    // Downloaded with the client's timeouts and retries, never sending the API key to the host.
    return image.saveTo(out.resolve("sunflower"), SaveOption.OVERWRITE);
  }
}
