package com.example.consumer;

import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.TogetherImages;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/** "Your code" in the README's testkit example: renders a thumbnail for a prompt into a directory. */
public final class ThumbnailService {
  static final int SIZE = 256;

  private final TogetherImages client;

  public ThumbnailService(TogetherImages client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * Generates a {@value #SIZE}×{@value #SIZE} image for {@code prompt} and saves it in {@code dir}
   * under a name made from the prompt ("a red fox" → {@code a_red_fox.jpg}), the extension taken
   * from the image's bytes.
   *
   * @return the file written
   */
  public Path render(String prompt, Path dir) {
    var request = ImageGenerationRequest.builder(prompt).size(SIZE, SIZE).build();
    return client.generate(request).images().get(0).saveTo(dir.resolve(fileName(prompt)));
  }

  /** Lower-case letters and digits of the prompt, every other run of characters one underscore. */
  static String fileName(String prompt) {
    String name = prompt.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    return name.isEmpty() ? "thumbnail" : name;
  }
}
