package io.github.together4j.images.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.TogetherImages;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fake server's HTTP behaviour: concurrency. */
class FakeServerConcurrencyTest extends FakeServerTestBase {

  @Test
  void oneClientFromEightThreadsIsServedEveryTime() throws Exception {
    TogetherImages client = track(server.newClient());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<List<Integer>>> tasks = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        tasks.add(
            () -> {
              List<Integer> sizes = new ArrayList<>();
              for (int call = 0; call < 3; call++) {
                ImageGenerationResult result =
                    client.generate(
                        ImageGenerationRequest.builder("thread " + thread + " call " + call)
                            .size(16, 16)
                            .responseFormat(ResponseFormat.BASE64)
                            .build());
                sizes.add(decode(result.images().get(0).bytes()).getWidth());
              }
              return sizes;
            });
      }
      List<Future<List<Integer>>> futures = pool.invokeAll(tasks, 30, TimeUnit.SECONDS);
      for (Future<List<Integer>> future : futures) {
        assertThat(future.get()).containsExactly(16, 16, 16);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(server.requestCount()).isEqualTo(24);
    Set<Object> prompts = new HashSet<>();
    for (int i = 0; i < 24; i++) {
      prompts.add(server.takeRequest().field("prompt"));
    }
    assertThat(prompts).hasSize(24);
  }
}
