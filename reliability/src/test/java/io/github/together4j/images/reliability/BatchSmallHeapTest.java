package io.github.together4j.images.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.testkit.FakeTogetherServer;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 200,000-line prompts file runs in a 64 MiB heap: the input is read lazily (every line is
 * parsed, checked and hashed twice) and nothing is kept per item; shard 1/400 keeps the requests to
 * about 500.
 */
class BatchSmallHeapTest {
  @TempDir Path temp;

  @Test
  void aFileOf200000PromptsRunsIn64MiBOfHeap() throws Exception {
    Path input = temp.resolve("prompts.txt");
    try (BufferedWriter writer = Files.newBufferedWriter(input, UTF_8)) {
      for (int i = 1; i <= 200_000; i++) {
        writer.write("a watercolor of a lighthouse at dusk, variation number " + i + "\n");
      }
    }
    try (FakeTogetherServer server =
        FakeTogetherServer.builder().fixedImage(BatchKillTest.tinyPng()).start()) {
      String classPath =
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx64m",
                  "-cp",
                  classPath,
                  BatchChild.class.getName(),
                  input.toString(),
                  temp.resolve("out").toString(),
                  server.baseUrl(),
                  server.apiKey(),
                  "8",
                  "1/400")
              .redirectErrorStream(true)
              .start();
      String output = new String(child.getInputStream().readAllBytes(), UTF_8);
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();

      assertThat(child.exitValue()).as(output).isZero();
      assertThat(output).contains("SUMMARY {\"items\":");
      long items = Long.parseLong(output.replaceAll("(?s).*\"items\":(\\d+).*", "$1"));
      assertThat(items).isBetween(350L, 650L);
      assertThat(server.generationsServed()).isEqualTo((int) items);
      long peak = Long.parseLong(output.replaceAll("(?s).*PEAK_HEAP (\\d+).*", "$1").strip());
      System.out.printf(
          "BatchSmallHeapTest: %d items of 200,000 lines, peak heap %.1f MiB%n",
          items, peak / 1048576.0);
      assertThat(peak).isLessThan(64L << 20);
    }
  }
}
