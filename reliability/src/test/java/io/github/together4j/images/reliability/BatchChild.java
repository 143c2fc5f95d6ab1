package io.github.together4j.images.reliability;

import io.github.together4j.images.ImageBatch;
import io.github.together4j.images.ImageBatchException;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.TogetherImages;
import java.nio.file.Path;

/**
 * A batch in a JVM of its own, for tests that kill it or limit its heap: {@code BatchChild INPUT
 * OUT BASE_URL API_KEY CONCURRENCY [SHARD]}. Prints {@code STARTED} once its client is built, and
 * {@code SUMMARY <json> PEAK_HEAP <bytes>} at the end; exits 0 when every item is done, 3 when some
 * failed, 1 when the batch could not run.
 */
public final class BatchChild {
  private BatchChild() {}

  public static void main(String[] args) {
    ImageBatch.Builder builder =
        ImageBatch.fromFile(Path.of(args[0]))
            .outputDirectory(Path.of(args[1]))
            .defaults(ImageGenerationRequest.builder().size(16, 16))
            .concurrency(Integer.parseInt(args[4]));
    if (args.length > 5) {
      builder.shard(args[5]);
    }
    ImageBatch batch = builder.build();
    try (TogetherImages client =
        TogetherImages.builder().apiKey(args[3]).baseUrl(args[2]).build()) {
      System.out.println("STARTED");
      System.out.flush();
      ImageBatch.Summary summary = batch.run(client);
      System.out.println("SUMMARY " + summary.toJson() + " PEAK_HEAP " + JvmStats.peakHeapUsed());
      System.out.flush();
      System.exit(summary.isComplete() ? 0 : 3);
    } catch (ImageBatchException e) {
      System.out.println("ERROR " + e.getMessage());
      System.exit(1);
    }
  }
}
