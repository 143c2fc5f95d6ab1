package io.github.together4j.images.benchmarks;

import io.github.together4j.images.testkit.FakeTogetherServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import okhttp3.Response;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * The whole-process load benchmark. Starts the testkit's fake Together server in a separate JVM,
 * serving one pre-rendered ~1.5 MB noise PNG (so rendering is not measured), then measures each
 * client in each scenario, with the default heap and with {@code -Xmx32m}, each measurement in a
 * fresh child JVM ({@link LoadChild}), several runs interleaved; then the cold start (a new JVM to
 * its first image on disk). Prints a Markdown report and writes it to {@code target/results.md}
 * ({@code target/results-smoke.md} with {@code --smoke}).
 *
 * <pre>
 * LoadBenchmark [--smoke] [--runs 3] [--duration 3] [--warmup 1.5] [--cold-runs 5]
 *               [--clients a,b] [--scenarios A,B,C] [--heaps default,32m]
 *               [--child-jvm-arg ARG]... [--dir DIR] [--out target/results.md]
 * </pre>
 *
 * <p>{@code --dir}: where the clients write their files (a new directory in it, deleted
 * afterwards); default {@code java.io.tmpdir}. The disk matters for the clients that wait for it.
 *
 * <p>{@code --smoke} is CI's pass: one run of a few requests per client and cell, one cold start
 * each; it exits 1 if a child reports nothing or a default-heap request fails.
 */
public final class LoadBenchmark {
  static final List<String> CLIENTS =
      List.of(
          ImageClient.TOGETHER4J_GENERATE,
          ImageClient.TIGHT_BUFFERED,
          ImageClient.RAW_STRING,
          ImageClient.TOGETHER4J_STREAM,
          ImageClient.TIGHT_STREAM,
          ImageClient.TIGHT_STREAM_FSYNC,
          ImageClient.TIGHT_STREAM_ATOMIC,
          ImageClient.RAW_STREAM);

  /**
   * Each client's baseline: together4j's paths against the tight hand-written clients; the
   * convenient raw clients are shown against the same tight ones, for scale.
   */
  static final Map<String, String> BASELINES =
      Map.of(
          ImageClient.TOGETHER4J_GENERATE, ImageClient.TIGHT_BUFFERED,
          ImageClient.RAW_STRING, ImageClient.TIGHT_BUFFERED,
          ImageClient.TOGETHER4J_STREAM, ImageClient.TIGHT_STREAM,
          ImageClient.RAW_STREAM, ImageClient.TIGHT_STREAM,
          ImageClient.TIGHT_STREAM_FSYNC, ImageClient.TIGHT_STREAM,
          ImageClient.TIGHT_STREAM_ATOMIC, ImageClient.TIGHT_STREAM);

  /**
   * More comparisons: generateAndSave against the tight client given part of its disk work (one
   * fsync per file) and all of it (a new file, fsynced, renamed into place).
   */
  static final Map<String, List<String>> SAME_DISK_WORK =
      Map.of(
          ImageClient.TOGETHER4J_STREAM,
          List.of(ImageClient.TIGHT_STREAM_FSYNC, ImageClient.TIGHT_STREAM_ATOMIC));

  static final String SMALL_HEAP = "32m";
  static final String DEFAULT_HEAP = "default";

  private final Options options;
  private final String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private final String classPath = System.getProperty("java.class.path");
  private final Map<Cell, List<Measurement>> results = new LinkedHashMap<>();
  private final Map<String, List<Cold>> colds = new LinkedHashMap<>();

  /** What makes a smoke pass fail. */
  private final List<String> failures = new ArrayList<>();

  private String baseUrl = "";
  private byte[] image = new byte[0];

  private LoadBenchmark(Options options) {
    this.options = options;
  }

  /** A table row: one client in one scenario with one heap. */
  record Cell(Scenario scenario, String heap, String client) {}

  /** One cold start: from spawning the JVM to the line it prints once its image is on disk. */
  record Cold(
      long spawnToImageNanos,
      long jvmStartToMainNanos,
      long mainToClientNanos,
      long mainToImageNanos) {}

  /**
   * Runs the benchmark.
   *
   * @param args see the class documentation
   * @throws Exception if the server cannot be started
   */
  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    int exit = new LoadBenchmark(options).run();
    System.exit(exit);
  }

  private int run() throws Exception {
    long started = System.nanoTime();
    List<String> clients = options.clients;
    image = NoisePng.render(NoisePng.SIDE, 42);
    Path work =
        options.dir == null
            ? Files.createTempDirectory("together4j-bench-")
            : Files.createTempDirectory(Files.createDirectories(options.dir), "together4j-bench-");
    Path png = work.resolve("fixed.png");
    Files.write(png, image);
    System.out.printf(
        Locale.ROOT,
        "Image: %dx%d noise PNG, %,d bytes (%,d base64 characters)%n",
        NoisePng.SIDE,
        NoisePng.SIDE,
        image.length,
        (image.length + 2) / 3 * 4);
    System.out.println("Estimated time: " + estimateSeconds(clients) + " s");

    Process server = startServer(png);
    Thread stopServer = new Thread(server::destroy);
    Runtime.getRuntime().addShutdownHook(stopServer);
    try {
      warmServer();
      for (int run = 1; run <= options.runs; run++) {
        for (Scenario scenario : options.scenarios) {
          for (String heap : options.heaps) {
            for (String client : clients) {
              Cell cell = new Cell(scenario, heap, client);
              Measurement m = measure(cell, work);
              results.computeIfAbsent(cell, c -> new ArrayList<>()).add(m);
              System.out.printf(
                  Locale.ROOT,
                  "run %d/%d  %-22s %-7s %-20s %s%n",
                  run,
                  options.runs,
                  scenario.describe(),
                  heap,
                  client,
                  summary(m));
            }
          }
        }
      }
      for (int i = 0; i < options.coldRuns; i++) {
        for (String client : clients) {
          Cold cold = cold(client, work);
          if (cold != null) {
            colds.computeIfAbsent(client, c -> new ArrayList<>()).add(cold);
            System.out.printf(
                Locale.ROOT,
                "cold %d/%d %-20s %.0f ms to the first image on disk%n",
                i + 1,
                options.coldRuns,
                client,
                cold.spawnToImageNanos / 1e6);
          }
        }
      }
    } finally {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
      Runtime.getRuntime().removeShutdownHook(stopServer);
      deleteTree(work);
    }
    String report = report(clients, (System.nanoTime() - started) / 1e9);
    System.out.println();
    System.out.println(report);
    Path out = options.out;
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, report);
    System.out.println("Written to " + out.toAbsolutePath());
    return options.smoke ? smokeVerdict() : 0;
  }

  private long estimateSeconds(List<String> clients) {
    double perChild = options.smoke ? 1.0 : options.warmup + options.duration + 1.2;
    return Math.round(
        options.runs * options.scenarios.size() * options.heaps.size() * clients.size() * perChild
            + options.coldRuns * clients.size() * 1.0
            + 5);
  }

  /** Starts the fake server in its own JVM on a free loopback port, and returns once it listens. */
  private Process startServer(Path png) throws Exception {
    List<String> command =
        List.of(
            javaBin,
            "-Djava.awt.headless=true",
            "-cp",
            classPath,
            FakeTogetherServer.class.getName(),
            "--fixed-image",
            png.toString());
    Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> url =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                for (String line; (line = lines.readLine()) != null; ) {
                  int at = line.indexOf("Fake Together server at ");
                  if (at >= 0) {
                    return line.substring(at + "Fake Together server at ".length()).split(" ")[0];
                  }
                  System.out.println("server: " + line);
                }
                throw new IllegalStateException("the server exited with " + server.waitFor());
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
            });
    try {
      baseUrl = url.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      server.destroyForcibly();
      throw new IllegalStateException("the fake server did not start: " + e, e);
    }
    // Keep draining its output so it never blocks on a full pipe.
    Thread drain =
        new Thread(
            () -> {
              try {
                lines.transferTo(Writer.nullWriter());
              } catch (IOException e) {
                // The server is gone.
              }
            },
            "server-output");
    drain.setDaemon(true);
    drain.start();
    System.out.println("Server: " + baseUrl + " (pid " + server.pid() + ", a separate JVM)");
    return server;
  }

  /** Lets the server's JIT and its per-n bodies settle before the first measurement. */
  private void warmServer() throws IOException {
    Path none = Files.createTempDirectory("together4j-warm-");
    RawHttp http =
        new RawHttp(new ImageClient.Target(baseUrl, FakeTogetherServer.DEFAULT_API_KEY, none));
    try {
      long deadline = System.nanoTime() + (long) ((options.smoke ? 0.2 : 3.0) * 1e9);
      int count = 0;
      do {
        for (int n : new int[] {1, 4}) {
          try (Response response = http.post(n)) {
            response.body().source().readAll(Okio.blackhole());
          }
          count++;
        }
      } while (System.nanoTime() - deadline < 0);
      System.out.println("Server warmed up with " + count + " requests");
    } finally {
      http.close();
      deleteTree(none);
    }
  }

  private Measurement measure(Cell cell, Path work) throws Exception {
    Path dir = Files.createTempDirectory(work, "child-");
    List<String> command = new ArrayList<>();
    command.add(javaBin);
    if (cell.heap.equals(SMALL_HEAP)) {
      command.add("-Xmx32m");
    }
    command.addAll(options.childJvmArgs);
    command.addAll(
        List.of(
            "-cp",
            classPath,
            LoadChild.class.getName(),
            "--client",
            cell.client,
            "--base-url",
            baseUrl,
            "--api-key",
            FakeTogetherServer.DEFAULT_API_KEY,
            "--dir",
            dir.toString(),
            "--concurrency",
            Integer.toString(cell.scenario.concurrency),
            "--n",
            Integer.toString(cell.scenario.n)));
    if (options.smoke) {
      command.addAll(
          List.of(
              "--warmup-requests",
              Integer.toString(cell.scenario.concurrency),
              "--requests",
              Integer.toString(Math.max(3, cell.scenario.concurrency))));
    } else {
      command.addAll(
          List.of(
              "--warmup-seconds",
              Double.toString(options.warmup),
              "--duration",
              Double.toString(options.duration)));
    }
    Path stderr = work.resolve("child.err");
    Process child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    CompletableFuture<List<String>> stdout = CompletableFuture.supplyAsync(() -> readLines(child));
    long timeout = (long) (options.warmup + options.duration) + 120;
    try {
      if (!child.waitFor(timeout, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor();
        return Measurement.crashed("no result within " + timeout + " s");
      }
      String result =
          stdout.get(10, TimeUnit.SECONDS).stream()
              .filter(line -> line.startsWith("RESULT "))
              .findFirst()
              .orElse(null);
      if (result == null) {
        return Measurement.crashed("exit " + child.exitValue() + ": " + tail(stderr));
      }
      return Measurement.parse(result);
    } finally {
      deleteTree(dir);
    }
  }

  private Cold cold(String client, Path work) throws Exception {
    Path dir = Files.createTempDirectory(work, "cold-");
    List<String> command = new ArrayList<>();
    command.add(javaBin);
    command.addAll(options.childJvmArgs);
    command.addAll(
        List.of(
            "-cp",
            classPath,
            LoadChild.class.getName(),
            "--cold",
            "--client",
            client,
            "--base-url",
            baseUrl,
            "--api-key",
            FakeTogetherServer.DEFAULT_API_KEY,
            "--dir",
            dir.toString()));
    Path stderr = work.resolve("cold.err");
    long start = System.nanoTime();
    Process child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.startsWith("COLD ")) {
          long seen = System.nanoTime() - start;
          Map<String, Long> values =
              Arrays.stream(line.substring(5).split(" "))
                  .map(pair -> pair.split("=", 2))
                  .collect(Collectors.toMap(pair -> pair[0], pair -> Long.parseLong(pair[1])));
          child.waitFor(30, TimeUnit.SECONDS);
          return new Cold(
              seen,
              values.get("jvmStartToMainNanos"),
              values.get("mainToClientNanos"),
              values.get("mainToImageNanos"));
        }
      }
      child.waitFor(30, TimeUnit.SECONDS);
      System.out.println(
          "cold " + client + " failed: exit " + child.exitValue() + ": " + tail(stderr));
      failures.add("cold start of " + client + " printed no result");
      return null;
    } finally {
      child.destroyForcibly();
      deleteTree(dir);
    }
  }

  private int smokeVerdict() {
    results.forEach(
        (cell, runs) -> {
          for (Measurement m : runs) {
            if (m.crashed()) {
              failures.add(cell + " reported nothing: " + m.error());
            } else if (cell.heap.equals(DEFAULT_HEAP) && (m.failed() > 0 || m.ok() == 0)) {
              failures.add(
                  cell
                      + ": "
                      + m.failed()
                      + " of "
                      + (m.ok() + m.failed())
                      + " requests failed: "
                      + m.error());
            }
          }
        });
    if (failures.isEmpty()) {
      System.out.println("Smoke pass: every client answered in every cell.");
      return 0;
    }
    failures.forEach(failure -> System.out.println("SMOKE FAILURE: " + failure));
    return 1;
  }

  private static List<String> readLines(Process child) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      return lines.lines().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no stderr)";
    }
  }

  private static String summary(Measurement m) {
    if (m.crashed()) {
      return "CRASHED: " + m.error();
    }
    return String.format(
        Locale.ROOT,
        "%7.1f req/s %7.1f MB/s p50 %6.1f ms p90 %6.1f ms heap %5.0f MiB"
            + " RSS %5.0f MiB CPU %.2f s alloc %.1f MB/req disk %.2f MB/req ok %d failed %d%s",
        m.requestsPerSecond(),
        m.megabytesPerSecond(),
        m.p50Nanos() / 1e6,
        m.p90Nanos() / 1e6,
        m.peakHeap() / 1048576.0,
        m.peakRss() / 1048576.0,
        m.cpuNanos() / 1e9,
        m.allocatedMegabytesPerRequest(),
        m.diskMegabytesPerRequest(),
        m.ok(),
        m.failed(),
        m.failed() > 0 ? " (" + m.error() + ")" : "");
  }

  // ---------------------------------------------------------------- the report

  private String report(List<String> clients, double elapsedSeconds) {
    StringBuilder md = new StringBuilder();
    md.append("## Load benchmark results\n\n");
    md.append(machine()).append('\n');
    md.append(
        String.format(
            Locale.ROOT,
            "Run %s, %s: %d run(s) per cell, %s, clients interleaved within"
                + " each run; %.0f s in all.%n%n",
            LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")),
            options.smoke ? "SMOKE mode (numbers are not meaningful)" : "full",
            options.runs,
            options.smoke
                ? "a few requests each"
                : String.format(
                    Locale.ROOT,
                    "%.1f s warm-up + %.1f s measured per child",
                    options.warmup,
                    options.duration),
            elapsedSeconds));
    md.append(
        String.format(
            Locale.ROOT,
            "Image: a %dx%d noise PNG of %,d bytes (%,d base64 characters"
                + " per image in the JSON), served by the fake server in a separate JVM from a body built"
                + " once per n.%n%n",
            NoisePng.SIDE,
            NoisePng.SIDE,
            image.length,
            (image.length + 2) / 3 * 4));
    md.append(
        "| scenario | heap | client | req/s (median) | req/s (min–max) | MB/s | p50 ms | p90 ms"
            + " | alloc MB/req | disk MB/req | peak heap MiB | peak RSS MiB | CPU s | CPU ms/req | ok"
            + " | vs baseline (ratio of medians) |\n");
    md.append("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
    for (Scenario scenario : options.scenarios) {
      for (String heap : options.heaps) {
        for (String client : clients) {
          md.append(row(new Cell(scenario, heap, client))).append('\n');
        }
      }
    }
    md.append('\n').append(legend()).append('\n');
    md.append(coldTable(clients)).append('\n');
    md.append(targets(clients));
    return md.toString();
  }

  private String row(Cell cell) {
    List<Measurement> all = results.getOrDefault(cell, List.of());
    List<Measurement> runs = all.stream().filter(m -> !m.crashed()).toList();
    String name = "`" + cell.client + "`";
    String heap = cell.heap.equals(SMALL_HEAP) ? "-Xmx32m" : "default";
    if (runs.isEmpty()) {
      return "| "
          + cell.scenario.describe()
          + " | "
          + heap
          + " | "
          + name
          + " | crashed |  |  |  |  |  |  |  |  |  |  |"
          + " 0 | "
          + (all.isEmpty() ? "" : all.get(0).error())
          + " |";
    }
    List<Double> rps = values(runs, Measurement::requestsPerSecond);
    long ok = runs.stream().mapToLong(Measurement::ok).sum();
    long failed = runs.stream().mapToLong(Measurement::failed).sum();
    long crashed = all.size() - runs.size();
    String okText =
        failed == 0 && crashed == 0
            ? ok + " (100%)"
            : String.format(
                Locale.ROOT,
                "%d of %d (%.0f%%)%s",
                ok,
                ok + failed,
                100.0 * ok / Math.max(1, ok + failed),
                crashed > 0 ? ", " + crashed + " run(s) crashed" : "");
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %.1f | %.1f–%.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.0f | %.0f | %.2f"
            + " | %.1f | %s | %s |",
        cell.scenario.describe(),
        heap,
        name,
        Stats.median(rps),
        Stats.min(rps),
        Stats.max(rps),
        median(runs, Measurement::megabytesPerSecond),
        median(runs, m -> m.p50Nanos() / 1e6),
        median(runs, m -> m.p90Nanos() / 1e6),
        median(runs, Measurement::allocatedMegabytesPerRequest),
        median(runs, Measurement::diskMegabytesPerRequest),
        median(runs, m -> m.peakHeap() / 1048576.0),
        median(runs, m -> m.peakRss() / 1048576.0),
        median(runs, m -> m.cpuNanos() / 1e9),
        median(runs, Measurement::cpuMillisPerRequest),
        okText,
        versus(cell));
  }

  private String versus(Cell cell) {
    String baseline = BASELINES.get(cell.client);
    if (baseline == null) {
      return "baseline";
    }
    Cell base = new Cell(cell.scenario, cell.heap, baseline);
    double rps = ratio(cell, base, Measurement::requestsPerSecond);
    double rss = ratio(cell, base, m -> (double) m.peakRss());
    double heap = ratio(cell, base, m -> (double) m.peakHeap());
    double cpu = ratio(cell, base, Measurement::cpuMillisPerRequest);
    double alloc = ratio(cell, base, Measurement::allocatedMegabytesPerRequest);
    String versus =
        String.format(
            Locale.ROOT,
            "%s: req/s %s, CPU/req %s, alloc/req %s, heap %s, RSS %s",
            baseline,
            times(rps),
            times(cpu),
            times(alloc),
            times(heap),
            times(rss));
    for (String same : SAME_DISK_WORK.getOrDefault(cell.client, List.of())) {
      Cell other = new Cell(cell.scenario, cell.heap, same);
      if (results.containsKey(other)) {
        versus +=
            String.format(
                Locale.ROOT,
                "; %s: req/s %s, CPU/req %s",
                same,
                times(ratio(cell, other, Measurement::requestsPerSecond)),
                times(ratio(cell, other, Measurement::cpuMillisPerRequest)));
      }
    }
    return versus;
  }

  private static String times(double ratio) {
    return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2f×", ratio);
  }

  /** The ratio of the medians of {@code metric}; NaN when either cell has no successful run. */
  double ratio(Cell cell, Cell base, ToDoubleFunction<Measurement> metric) {
    List<Measurement> a = ok(cell);
    List<Measurement> b = ok(base);
    if (a.isEmpty() || b.isEmpty()) {
      return Double.NaN;
    }
    return median(a, metric) / median(b, metric);
  }

  private List<Measurement> ok(Cell cell) {
    return results.getOrDefault(cell, List.of()).stream()
        .filter(m -> !m.crashed() && m.ok() > 0)
        .toList();
  }

  private static List<Double> values(List<Measurement> runs, ToDoubleFunction<Measurement> metric) {
    return runs.stream().map(m -> metric.applyAsDouble(m)).toList();
  }

  private static double median(List<Measurement> runs, ToDoubleFunction<Measurement> metric) {
    return Stats.median(values(runs, metric));
  }

  private static String legend() {
    return """
        Every cell is one fresh child JVM per run, sharing the one server; the numbers are medians \
        over the runs (req/s also as min–max). A request is counted when all its images are \
        complete files on disk. **req/s** and **MB/s** (decoded image bytes, 10^6 bytes) are over \
        the measured window; **p50/p90** are per-request latencies within a run; **alloc MB/req** \
        is what the worker threads allocated on the heap per successful request (garbage the GC \
        must collect; OkHttp and GC threads not counted); **disk MB/req** is the file data the \
        child had the kernel write to the disk per request (`write_bytes` less \
        `cancelled_write_bytes` of `/proc/self/io`; on ext4 a file rewritten with `O_TRUNC` is \
        written back once closed, fsync or not, so in a long run every client writes each image: \
        they differ in whether they wait for it); **peak heap** is \
        the sum of the heap pools' peak usage (an upper bound: the pools peak at different times); \
        **peak RSS** is the process's VmHWM; both are reset after warm-up and a GC. **CPU s** is \
        the child's whole process CPU time (all threads: client, JIT, GC) in the measured window; \
        the fake server's CPU is not included, but it shares the same cores. Ratios are \
        a client's median divided by its baseline's: `together4j-generate` and `raw-string` vs \
        `tight-buffered`, `together4j-stream` and `raw-stream` vs `tight-stream` (the tight \
        clients are hand-written lower bounds that skip every check), and `together4j-stream` \
        also vs `tight-stream-fsync` (one fsync per file) and `tight-stream-atomic` (a new file, \
        fsynced and renamed into place: all of `generateAndSave`'s disk work): above 1 is faster \
        for req/s, bigger for memory and CPU.
        """;
  }

  private String coldTable(List<String> clients) {
    if (colds.isEmpty()) {
      return "";
    }
    StringBuilder md =
        new StringBuilder(
            "### Cold start: a new JVM (server already up) to its first image"
                + " on disk, default heap\n\n");
    md.append(
        "| client | median ms | min–max ms | JVM start → main ms | main → client built ms"
            + " | main → image on disk ms | runs |\n|---|--:|--:|--:|--:|--:|--:|\n");
    for (String client : clients) {
      List<Cold> runs = colds.get(client);
      if (runs == null) {
        md.append("| `").append(client).append("` | failed |  |  |  |  | 0 |\n");
        continue;
      }
      List<Double> total = runs.stream().map(c -> c.spawnToImageNanos / 1e6).toList();
      md.append(
          String.format(
              Locale.ROOT,
              "| `%s` | %.0f | %.0f–%.0f | %.0f | %.0f | %.0f | %d |%n",
              client,
              Stats.median(total),
              Stats.min(total),
              Stats.max(total),
              Stats.median(runs.stream().map(c -> c.jvmStartToMainNanos / 1e6).toList()),
              Stats.median(runs.stream().map(c -> c.mainToClientNanos / 1e6).toList()),
              Stats.median(runs.stream().map(c -> c.mainToImageNanos / 1e6).toList()),
              runs.size()));
    }
    md.append(
        "\nThe total is timed by the driver from spawning `java` to reading the child's line"
            + " written after the file was closed; the split is the child's own (JVM uptime at that"
            + " point minus the time in main).\n");
    return md.toString();
  }

  private String targets(List<String> clients) {
    StringBuilder md = new StringBuilder("\n### Targets (medians of this run)\n\n");
    boolean stream =
        clients.contains(ImageClient.TOGETHER4J_STREAM)
            && clients.contains(ImageClient.TIGHT_STREAM);
    boolean string =
        clients.contains(ImageClient.TOGETHER4J_GENERATE)
            && clients.contains(ImageClient.TIGHT_BUFFERED);
    if (stream) {
      for (Scenario scenario : options.scenarios) {
        if (scenario == Scenario.CONCURRENT_N4) {
          continue;
        }
        for (String heap : options.heaps) {
          Cell save = new Cell(scenario, heap, ImageClient.TOGETHER4J_STREAM);
          double r =
              ratio(
                  save,
                  new Cell(scenario, heap, ImageClient.TIGHT_STREAM),
                  Measurement::requestsPerSecond);
          md.append(
              check(
                  "generateAndSave ≥ 0.90× tight-stream req/s, "
                      + scenario.describe()
                      + " ("
                      + heapName(heap)
                      + ")",
                  r,
                  r >= 0.90));
          Cell atomic = new Cell(scenario, heap, ImageClient.TIGHT_STREAM_ATOMIC);
          if (results.containsKey(atomic)) {
            md.append("  - (for comparison) vs `tight-stream-atomic`, the same disk work: ")
                .append(times(ratio(save, atomic, Measurement::requestsPerSecond)))
                .append(" req/s, ")
                .append(times(ratio(save, atomic, Measurement::cpuMillisPerRequest)))
                .append(" CPU/req\n");
          }
        }
      }
    }
    if (options.heaps.contains(SMALL_HEAP) && options.scenarios.contains(Scenario.CONCURRENT_N4)) {
      for (String client : clients) {
        List<Measurement> runs =
            results.getOrDefault(new Cell(Scenario.CONCURRENT_N4, SMALL_HEAP, client), List.of());
        long ok = runs.stream().mapToLong(Measurement::ok).sum();
        long failed = runs.stream().mapToLong(Measurement::failed).sum();
        long crashed = runs.stream().filter(Measurement::crashed).count();
        boolean all = crashed == 0 && failed == 0 && ok > 0;
        String what =
            String.format(
                Locale.ROOT,
                "%s: %d of %d n=4 requests succeeded under -Xmx32m%s",
                client,
                ok,
                ok + failed,
                crashed > 0 ? " (" + crashed + " run(s) crashed)" : "");
        if (client.equals(ImageClient.TOGETHER4J_STREAM)) {
          md.append("- ")
              .append(all ? "**MET**" : "**NOT MET**")
              .append(": 100% required of the streaming save; ")
              .append(what)
              .append('\n');
        } else {
          md.append("- (for comparison) ").append(what).append('\n');
        }
      }
    }
    if (string) {
      for (Scenario scenario : options.scenarios) {
        if (scenario == Scenario.CONCURRENT_N4) {
          continue;
        }
        for (String heap : options.heaps) {
          double r =
              ratio(
                  new Cell(scenario, heap, ImageClient.TOGETHER4J_GENERATE),
                  new Cell(scenario, heap, ImageClient.TIGHT_BUFFERED),
                  Measurement::requestsPerSecond);
          md.append(
              check(
                  "generate()+writeTo ≥ 0.95× tight-buffered req/s, "
                      + scenario.describe()
                      + " ("
                      + heapName(heap)
                      + ")",
                  r,
                  r >= 0.95));
        }
      }
    }
    if (!colds.isEmpty()) {
      md.append("- cold start (measure and report): see the table above\n");
    }
    return md.toString();
  }

  private static String heapName(String heap) {
    return heap.equals(SMALL_HEAP) ? "-Xmx32m" : "default heap";
  }

  private static String check(String target, double ratio, boolean met) {
    if (Double.isNaN(ratio)) {
      return "- **NOT MEASURED**: " + target + ": a cell has no successful run\n";
    }
    return String.format(
        Locale.ROOT, "- **%s**: %s: %.3f×%n", met ? "MET" : "NOT MET", target, ratio);
  }

  private static String machine() {
    String cpu = "unknown CPU";
    long memKb = -1;
    try {
      cpu =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(line -> line.startsWith("model name"))
              .findFirst()
              .map(line -> line.substring(line.indexOf(':') + 1).strip())
              .orElse(cpu);
      memKb =
          Files.readAllLines(Path.of("/proc/meminfo")).stream()
              .filter(line -> line.startsWith("MemTotal:"))
              .findFirst()
              .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
              .orElse(-1L);
    } catch (IOException | RuntimeException e) {
      // Not Linux.
    }
    String gc =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .collect(Collectors.joining(", "));
    return String.format(
        Locale.ROOT,
        "Machine: %d cores (%s), %.1f GiB RAM, %s %s (%s), %s %s %s; children"
            + " run with the JVM's defaults (GC: %s) plus `-Xmx32m` where the heap column says so.%n",
        Runtime.getRuntime().availableProcessors(),
        cpu,
        memKb / 1048576.0,
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vendor"),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("os.arch"),
        gc);
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.err.println("cannot delete " + root + ": " + e);
    }
  }

  /** The command line. */
  record Options(
      boolean smoke,
      int runs,
      double duration,
      double warmup,
      int coldRuns,
      List<String> clients,
      List<Scenario> scenarios,
      List<String> heaps,
      List<String> childJvmArgs,
      @Nullable Path dir,
      Path out) {
    static Options parse(String[] args) {
      boolean smoke = false;
      Integer runs = null;
      double duration = 3;
      double warmup = 1.5;
      Integer coldRuns = null;
      List<String> clients = CLIENTS;
      List<Scenario> scenarios = List.of(Scenario.values());
      List<String> heaps = List.of(DEFAULT_HEAP, SMALL_HEAP);
      List<String> jvmArgs = new ArrayList<>();
      Path out = null;
      Path dir = null;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--smoke")) {
          smoke = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + arg);
        }
        String value = args[++i];
        switch (arg) {
          case "--runs" -> runs = Integer.parseInt(value);
          case "--duration" -> duration = Double.parseDouble(value);
          case "--warmup" -> warmup = Double.parseDouble(value);
          case "--cold-runs" -> coldRuns = Integer.parseInt(value);
          case "--clients" -> clients = List.of(value.split(","));
          case "--scenarios" ->
              scenarios = Arrays.stream(value.split(",")).map(Scenario::of).toList();
          case "--heaps" -> heaps = List.of(value.split(","));
          case "--child-jvm-arg" -> jvmArgs.add(value);
          case "--out" -> out = Path.of(value);
          case "--dir" -> dir = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      for (String heap : heaps) {
        if (!heap.equals(DEFAULT_HEAP) && !heap.equals(SMALL_HEAP)) {
          throw new IllegalArgumentException("unknown heap " + heap + ": use default or 32m");
        }
      }
      for (String client : clients) {
        if (!CLIENTS.contains(client)) {
          throw new IllegalArgumentException(
              "unknown client " + client + ": use " + String.join(", ", CLIENTS));
        }
      }
      return new Options(
          smoke,
          runs != null ? runs : smoke ? 1 : 3,
          duration,
          smoke ? 0 : warmup,
          coldRuns != null ? coldRuns : smoke ? 1 : 5,
          clients,
          scenarios,
          heaps,
          List.copyOf(jvmArgs),
          dir,
          out != null ? out : Path.of("target", smoke ? "results-smoke.md" : "results.md"));
    }
  }
}
