package io.github.together4j.images.examples;

import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.SaveOption;
import io.github.together4j.images.TogetherImages;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Generates images for several prompts at once, without blocking a thread per call.
 *
 * <p>Configuration: {@code TOGETHER_API_KEY}, or the embedded fake server when it is unset.
 * Argument: the output directory (default {@code generated-images/async}).
 */
public final class GenerateAsyncExample {
  static final List<String> PROMPTS =
      List.of("a red fox in snow", "a lighthouse at dusk", "a bowl of ramen, top view");

  private GenerateAsyncExample() {}

  /**
   * Runs the example.
   *
   * @param args optionally, the output directory
   */
  public static void main(String[] args) {
    try (Examples.Session session = Examples.connect()) {
      run(session.client(), Examples.outputDir(args, "async")).forEach(System.out::println);
    }
  }

  /** Saves one image per prompt as {@code out/prompt_<n>.<ext>}, in prompt order. */
  static List<Path> run(TogetherImages client, Path out) {
    // All calls start now and run on OkHttp's dispatcher; failures complete their future.
    List<CompletableFuture<ImageGenerationResult>> calls =
        PROMPTS.stream().map(client::generateAsync).toList();
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
    return java.util.stream.IntStream.range(0, calls.size())
        .mapToObj(
            i ->
                calls
                    .get(i)
                    .join()
                    .images()
                    .get(0)
                    .saveTo(out.resolve("prompt_" + i), SaveOption.OVERWRITE))
        .toList();
  }
}
