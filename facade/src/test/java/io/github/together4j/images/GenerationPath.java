package io.github.together4j.images;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The three ways a generation is sent and read: typed, typed and async, streamed to files. Tests
 * that must hold on every path take one as a parameter.
 */
enum GenerationPath {
  SYNC,
  ASYNC,
  STREAMING;

  /**
   * Generates one image of a fox this way; see {@link #call(TogetherImages, ImageGenerationRequest,
   * Path)}.
   */
  String call(TogetherImages client, Path dir) throws Throwable {
    return call(client, ImageGenerationRequest.builder("a fox").build(), dir);
  }

  /**
   * Sends {@code request} this way (streamed into {@code dir}); returns the result's {@code
   * toString()} and throws what the call threw, an async failure unwrapped.
   */
  String call(TogetherImages client, ImageGenerationRequest request, Path dir) throws Throwable {
    try {
      return switch (this) {
        case SYNC -> client.generate(request).toString();
        case ASYNC -> client.generateAsync(request).get(10, TimeUnit.SECONDS).toString();
        case STREAMING -> client.generateAndSave(request, dir).toString();
      };
    } catch (ExecutionException e) {
      throw e.getCause();
    }
  }
}
