package io.github.together4j.images.benchmarks;

import io.github.together4j.images.ImageBatch;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.SaveOption;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogetherServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The batch benchmark: a prompts file against the testkit's fake server limited to {@code --rpm}
 * requests a minute with {@code --latency-ms} per image, run by {@link ImageBatch} (adaptive, and
 * with the rate given), by a fixed pool of 16 threads calling {@code generateAndSave} with the
 * client's own retries, and by a sequential loop (on the first {@code --sequential-items} only: at
 * 1.5 s an image, 2,000 would take 50 minutes). Each client runs in a fresh child JVM; the server
 * runs in this one, so its counts (429s sent, generations served) are read directly. Prints a
 * Markdown table and writes it to {@code target/batch-results.md}.
 *
 * <pre>
 * BatchBenchmark [--items 2000] [--rpm 600] [--latency-ms 1500] [--sequential-items 40]
 *                [--clients batch,batch-rpm,fixed-16,sequential]
 * BatchBenchmark --heap [--lines 200000] [--shard 1/20] [--xmx 64m]
 * </pre>
 *
 * <p>{@code --heap} runs one batch of a {@code --lines} prompts file (shard {@code --shard} of it
 * generated, every line read and checked) in a child JVM with {@code -Xmx}, against an unlimited
 * server, and reports its peak heap.
 */
public final class BatchBenchmark {
  private BatchBenchmark() {}

  /**
   * Runs the benchmark, or one client in a child JVM ({@code --child}).
   *
   * @param args see the class documentation
   * @throws Exception if the server or a child cannot be started
   */
  public static void main(String[] args) throws Exception {
    List<String> list = Arrays.asList(args);
    if (list.contains("--child")) {
      child(args);
      return;
    }
    int items = option(list, "--items", 2000);
    int rpm = option(list, "--rpm", 600);
    int latency = option(list, "--latency-ms", 1500);
    int sequentialItems = option(list, "--sequential-items", 40);
    Path work = Files.createTempDirectory("together4j-batch-bench-");
    if (list.contains("--heap")) {
      heap(list, work);
      return;
    }
    List<String> clients =
        Arrays.asList(text(list, "--clients", "batch,batch-rpm,fixed-16,sequential").split(","));
    Path prompts = work.resolve("prompts.txt");
    Files.write(
        prompts,
        IntStream.rangeClosed(1, items)
            .mapToObj(i -> "a benchmark prompt, number " + i)
            .collect(Collectors.toList()));
    List<String> rows = new ArrayList<>();
    try (FakeTogetherServer server =
        FakeTogetherServer.builder()
            .fixedImage(NoisePng.render(64, 42))
            .rateLimit(rpm)
            .generationLatency(Duration.ofMillis(latency))
            .start()) {
      System.out.printf(
          Locale.ROOT,
          "Server: %s, %d requests/min (%d a second), %d ms per image; %d prompts%n",
          server.baseUrl(),
          rpm,
          rpm / 60,
          latency,
          items);
      for (String client : clients) {
        Thread.sleep(2000); // the server's bucket refills between clients
        server.reset();
        int count = client.equals("sequential") ? Math.min(sequentialItems, items) : items;
        Path out = work.resolve(client);
        long start = System.nanoTime();
        String result = runChild(client, prompts, out, server, count, rpm);
        double seconds = (System.nanoTime() - start) / 1e9;
        String[] parts = result.split(" ");
        int done = Integer.parseInt(parts[1]);
        int failed = Integer.parseInt(parts[2]);
        double childSeconds = Double.parseDouble(parts[3]);
        double perMinute = done / (childSeconds / 60);
        String row =
            String.format(
                Locale.ROOT,
                "| %s | %d | %.0f | %.3f | %d | %d | %d | %.1f s |",
                describe(client),
                count,
                perMinute,
                perMinute / rpm,
                server.rateLimitedCount(),
                failed,
                server.generationsServed(),
                childSeconds);
        rows.add(row);
        System.out.println(
            row + "  (child JVM " + String.format(Locale.ROOT, "%.1f", seconds) + " s)");
      }
    } finally {
      deleteTree(work);
    }
    String report =
        String.join(
                "\n",
                List.of(
                    "| client | items | images/min | of the limit | 429s | failed | generations | wall |",
                    "|---|--:|--:|--:|--:|--:|--:|--:|"))
            + "\n"
            + String.join("\n", rows)
            + "\n";
    System.out.println();
    System.out.println(report);
    Path results = Path.of("target", "batch-results.md");
    Files.createDirectories(results.getParent());
    Files.writeString(results, report);
  }

  private static String describe(String client) {
    return switch (client) {
      case "batch" -> "`ImageBatch`, concurrency 32, no rate given";
      case "batch-rpm" -> "`ImageBatch`, concurrency 32, `requestsPerMinute(600)`";
      case "fixed-16" -> "16 threads × `generateAndSave` (client retries 429 twice)";
      case "sequential" -> "sequential `generateAndSave` loop";
      default -> client;
    };
  }

  /** Runs {@code client} in a fresh JVM; returns its {@code RESULT done failed seconds} line. */
  private static String runChild(
      String client, Path prompts, Path out, FakeTogetherServer server, int count, int rpm)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                BatchBenchmark.class.getName(),
                "--child",
                client,
                prompts.toString(),
                out.toString(),
                server.baseUrl(),
                server.apiKey(),
                Integer.toString(count),
                Integer.toString(rpm)));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String result = null;
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.startsWith("RESULT ")) {
          result = line;
        } else {
          System.out.println("  " + client + ": " + line);
        }
      }
    }
    process.waitFor(10, TimeUnit.MINUTES);
    if (result == null) {
      throw new IllegalStateException(client + " printed no result; exit " + process.exitValue());
    }
    return result;
  }

  /** One client, in its own JVM: prints {@code RESULT <done> <failed> <seconds>}. */
  private static void child(String[] args) throws Exception {
    String client = args[1];
    Path prompts = Path.of(args[2]);
    Path out = Path.of(args[3]);
    if (client.equals("heap")) {
      try (TogetherImages images =
          TogetherImages.builder().apiKey(args[5]).baseUrl(args[4]).build()) {
        ImageBatch.Summary summary =
            ImageBatch.fromFile(prompts)
                .outputDirectory(out)
                .defaults(ImageGenerationRequest.builder().size(16, 16))
                .shard(args[6])
                .concurrency(8)
                .build()
                .run(images);
        System.out.println(summary);
        System.out.printf(
            Locale.ROOT,
            "peak heap %.1f MiB (the heap pools' peaks, summed)%n",
            ProcessStats.peakHeapBytes() / 1048576.0);
      }
      System.exit(0);
    }
    int count = Integer.parseInt(args[6]);
    int rpm = Integer.parseInt(args[7]);
    ImageGenerationRequest.Builder defaults = ImageGenerationRequest.builder().size(64, 64);
    long start = System.nanoTime();
    int done;
    int failed;
    try (TogetherImages images =
        TogetherImages.builder().apiKey(args[5]).baseUrl(args[4]).build()) {
      if (client.startsWith("batch")) {
        ImageBatch.Builder batch =
            ImageBatch.fromFile(prompts).outputDirectory(out).defaults(defaults).concurrency(32);
        if (client.equals("batch-rpm")) {
          batch.requestsPerMinute(rpm);
        }
        long[] lastPrint = {System.nanoTime()};
        batch.listener(
            new ImageBatch.Listener() {
              @Override
              public void progress(ImageBatch.Summary soFar) {
                if (System.nanoTime() - lastPrint[0] > 15e9) {
                  lastPrint[0] = System.nanoTime();
                  System.out.println(soFar + ", limit " + soFar.concurrency());
                }
              }
            });
        ImageBatch.Summary summary = batch.build().run(images);
        System.out.println(summary);
        done = (int) summary.done();
        failed = (int) summary.failed();
      } else {
        int threads = client.equals("fixed-16") ? 16 : 1;
        List<String> all = Files.readAllLines(prompts).subList(0, count);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger bad = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Thread worker =
              new Thread(
                  () -> {
                    for (int i; (i = next.getAndIncrement()) < all.size(); ) {
                      try {
                        images.generateAndSave(
                            defaults.prompt(all.get(i)).build(),
                            out,
                            String.format(Locale.ROOT, "%06d", i + 1),
                            SaveOption.OVERWRITE);
                        ok.incrementAndGet();
                      } catch (RuntimeException e) {
                        bad.incrementAndGet();
                      }
                    }
                  });
          workers.add(worker);
          worker.start();
        }
        for (Thread worker : workers) {
          worker.join();
        }
        done = ok.get();
        failed = bad.get();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "RESULT %d %d %.3f%n", done, failed, seconds);
    System.exit(0);
  }

  /** The heap check: a large prompts file in a small heap. */
  private static void heap(List<String> list, Path work) throws Exception {
    int lines = option(list, "--lines", 200_000);
    String shard = text(list, "--shard", "1/20");
    String xmx = text(list, "--xmx", "64m");
    Path prompts = work.resolve("prompts.txt");
    try (var writer = Files.newBufferedWriter(prompts)) {
      for (int i = 1; i <= lines; i++) {
        writer.write("a prompt of a large file, a watercolor of subject number " + i + "\n");
      }
    }
    try (FakeTogetherServer server =
        FakeTogetherServer.builder().fixedImage(NoisePng.render(16, 1)).start()) {
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xmx" + xmx,
              "-cp",
              System.getProperty("java.class.path"),
              BatchBenchmark.class.getName(),
              "--child",
              "heap",
              prompts.toString(),
              work.resolve("out").toString(),
              server.baseUrl(),
              server.apiKey(),
              shard);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).inheritIO().start();
      int exit = process.waitFor();
      System.out.printf(
          Locale.ROOT,
          "%,d-line file, shard %s, -Xmx%s: exit %d, %d generations served%n",
          lines,
          shard,
          xmx,
          exit,
          server.generationsServed());
    } finally {
      deleteTree(work);
    }
  }

  private static int option(List<String> args, String name, int fallback) {
    return Integer.parseInt(text(args, name, Integer.toString(fallback)));
  }

  private static String text(List<String> args, String name, String fallback) {
    int at = args.indexOf(name);
    return at >= 0 && at + 1 < args.size() ? args.get(at + 1) : fallback;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
