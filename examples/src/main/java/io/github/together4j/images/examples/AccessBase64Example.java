package io.github.together4j.images.examples;

import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.TogetherImages;

/**
 * Asks for base64 instead of a URL and reads the text as sent.
 *
 * <p>Configuration: {@code TOGETHER_API_KEY}, or the embedded fake server when it is unset.
 */
public final class AccessBase64Example {
  private AccessBase64Example() {}

  /**
   * Runs the example.
   *
   * @param args none
   */
  public static void main(String[] args) {
    try (Examples.Session session = Examples.connect()) {
      String b64 = run(session.client());
      System.out.println(
          "b64_json: " + b64.length() + " characters, starting " + b64.substring(0, 16) + "…");
    }
  }

  /** Returns the base64 text of one generated image. */
  static String run(TogetherImages client) {
    // Together answers with a URL unless asked for base64.
    ImageGenerationResult result =
        client.generate(
            ImageGenerationRequest.builder("A watercolor sunflower field")
                .responseFormat(ResponseFormat.BASE64)
                .build());
    return result.images().get(0).b64Json();
  }
}
