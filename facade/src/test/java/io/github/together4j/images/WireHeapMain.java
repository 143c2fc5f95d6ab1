package io.github.together4j.images;

import java.nio.file.Path;

/**
 * Run in a child JVM with a small heap by {@link SmallHeapTest}: generates n images from a server
 * and saves them, through the streaming path or the typed one.
 *
 * <p>Arguments: {@code stream|typed <base url> <n> <output dir>}.
 */
final class WireHeapMain {
  private WireHeapMain() {}

  public static void main(String[] args) {
    ImageGenerationRequest request =
        ImageGenerationRequest.builder("a fox")
            .n(Integer.parseInt(args[2]))
            .responseFormat(ImageGenerationRequest.ResponseFormat.BASE64)
            .build();
    try (TogetherImages client =
        TogetherImages.builder().apiKey("k").baseUrl(args[1]).maxRetries(0).build()) {
      Path out = Path.of(args[3]);
      if (args[0].equals("stream")) {
        System.out.println("saved " + client.generateAndSave(request, out).paths());
      } else {
        System.out.println("saved " + client.generate(request).saveAll(out));
      }
    }
  }
}
