package io.github.together4j.images.benchmarks;

import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.TogetherImages;
import java.io.OutputStream;
import java.nio.file.Files;

/**
 * together4j as the README's recipe uses it: {@code generate()}, then {@code writeTo} per image.
 */
final class Together4jGenerateClient implements ImageClient {
  private final TogetherImages client;
  private final Target target;

  Together4jGenerateClient(Target target) {
    this.target = target;
    this.client =
        TogetherImages.builder().apiKey(target.apiKey()).baseUrl(target.baseUrl()).build();
  }

  /** The request every together4j client sends: base64 PNGs of the benchmark size. */
  static ImageGenerationRequest request(int n) {
    return ImageGenerationRequest.builder(Target.PROMPT)
        .model(Target.MODEL)
        .n(n)
        .size(NoisePng.SIDE, NoisePng.SIDE)
        .responseFormat(ImageGenerationRequest.ResponseFormat.BASE64)
        .outputFormat(ImageGenerationRequest.OutputFormat.PNG)
        .build();
  }

  @Override
  public long generateAndWrite(int worker, int n) throws Exception {
    ImageGenerationResult result = client.generate(request(n));
    long total = 0;
    for (GeneratedImage image : result.images()) {
      try (OutputStream out =
          Files.newOutputStream(
              target.directory().resolve("w" + worker + "_" + image.index() + ".png"))) {
        total += image.writeTo(out);
      }
    }
    return total;
  }

  @Override
  public void close() {
    client.close();
  }
}
