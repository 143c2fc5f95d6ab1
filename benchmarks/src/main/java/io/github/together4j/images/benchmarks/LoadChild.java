package io.github.together4j.images.benchmarks;

import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One measurement, in a JVM of its own so that heap, RSS and CPU belong to one client: {@code
 * LoadChild --client NAME --base-url URL --api-key KEY --dir DIR --concurrency C --n N} and either
 * {@code --warmup-seconds W --duration S} or {@code --warmup-requests W --requests R}, or {@code
 * --cold} for one request in a fresh JVM. Prints one {@code RESULT key=value …} line (or {@code
 * COLD …}) on stdout; the driver parses it.
 */
public final class LoadChild {
  private LoadChild() {}

  /**
   * Runs the measurement the arguments describe.
   *
   * @param args see the class documentation
   * @throws Exception if the client cannot be created
   */
  public static void main(String[] args) throws Exception {
    long mainNanos = System.nanoTime();
    Map<String, String> options = parse(args);
    ImageClient.Target target =
        new ImageClient.Target(
            options.get("base-url"), options.get("api-key"), Path.of(options.get("dir")));
    String name = options.get("client");
    if (options.containsKey("cold")) {
      cold(name, target, mainNanos);
      return;
    }
    int concurrency = Integer.parseInt(options.get("concurrency"));
    int n = Integer.parseInt(options.get("n"));
    try (ImageClient client = ImageClient.create(name, target)) {
      if (options.containsKey("duration")) {
        long warmup = (long) (Double.parseDouble(options.get("warmup-seconds")) * 1e9);
        phase(client, concurrency, n, warmup, 0);
      } else {
        phase(client, concurrency, n, 0, Integer.parseInt(options.get("warmup-requests")));
      }
      System.gc();
      boolean rssReset = ProcessStats.resetPeaks();
      long cpu0 = ProcessStats.cpuNanos();
      long disk0 = ProcessStats.diskWriteBytes();
      Phase measured =
          options.containsKey("duration")
              ? phase(
                  client,
                  concurrency,
                  n,
                  (long) (Double.parseDouble(options.get("duration")) * 1e9),
                  0)
              : phase(client, concurrency, n, 0, Integer.parseInt(options.get("requests")));
      long cpu = ProcessStats.cpuNanos() - cpu0;
      long disk1 = ProcessStats.diskWriteBytes();
      long disk = disk0 < 0 || disk1 < 0 ? -1 : disk1 - disk0;
      long[] latencies = measured.latencies;
      Arrays.sort(latencies);
      StringBuilder line = new StringBuilder("RESULT");
      line.append(" ok=")
          .append(latencies.length)
          .append(" failed=")
          .append(measured.failed)
          .append(" bytes=")
          .append(measured.bytes)
          .append(" wallNanos=")
          .append(measured.wallNanos)
          .append(" cpuNanos=")
          .append(cpu)
          .append(" diskBytes=")
          .append(disk)
          .append(" p50Nanos=")
          .append(latencies.length == 0 ? -1 : Stats.percentile(latencies, 50))
          .append(" p90Nanos=")
          .append(latencies.length == 0 ? -1 : Stats.percentile(latencies, 90))
          .append(" allocated=")
          .append(measured.allocated)
          .append(" peakHeap=")
          .append(ProcessStats.peakHeapBytes())
          .append(" peakRss=")
          .append(ProcessStats.peakRssBytes())
          .append(" rssReset=")
          .append(rssReset)
          .append(" error=")
          .append(
              URLEncoder.encode(
                  measured.firstError == null ? "" : measured.firstError, StandardCharsets.UTF_8));
      System.out.println(line);
      System.out.flush();
    }
    // OkHttp's idle threads must not keep the JVM, nor a leftover worker after an OutOfMemoryError.
    System.exit(0);
  }

  /** A new JVM's first image: the driver times the line this prints from the process's start. */
  private static void cold(String name, ImageClient.Target target, long mainNanos)
      throws Exception {
    long bytes;
    long createdNanos;
    try (ImageClient client = ImageClient.create(name, target)) {
      createdNanos = System.nanoTime();
      bytes = client.generateAndWrite(0, 1);
    }
    long doneNanos = System.nanoTime();
    long uptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
    System.out.println(
        "COLD bytes="
            + bytes
            + " mainToClientNanos="
            + (createdNanos - mainNanos)
            + " mainToImageNanos="
            + (doneNanos - mainNanos)
            + " jvmStartToMainNanos="
            + Math.max(0, uptimeMs * 1_000_000 - (System.nanoTime() - mainNanos)));
    System.out.flush();
    System.exit(0);
  }

  /** What one phase (warm-up or measurement) did. */
  private record Phase(
      long[] latencies,
      long failed,
      long bytes,
      long wallNanos,
      long allocated,
      String firstError) {}

  /**
   * Runs {@code concurrency} workers until {@code nanos} have passed (no new request starts after
   * that) or, when {@code nanos} is 0, until {@code requests} requests were made in all.
   */
  private static Phase phase(ImageClient client, int concurrency, int n, long nanos, int requests)
      throws InterruptedException {
    AtomicLong failed = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong allocated = new AtomicLong();
    AtomicLong remaining = new AtomicLong(requests);
    AtomicReference<String> firstError = new AtomicReference<>();
    long[][] perWorker = new long[concurrency][];
    int[] counts = new int[concurrency];
    CountDownLatch start = new CountDownLatch(1);
    Thread[] workers = new Thread[concurrency];
    long[] deadline = new long[1];
    for (int w = 0; w < concurrency; w++) {
      int worker = w;
      perWorker[w] = new long[1024];
      workers[w] =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                long allocatedBefore = ProcessStats.threadAllocatedBytes();
                while (nanos > 0
                    ? System.nanoTime() - deadline[0] < 0
                    : remaining.getAndDecrement() > 0) {
                  long begin = System.nanoTime();
                  try {
                    bytes.addAndGet(client.generateAndWrite(worker, n));
                    long latency = System.nanoTime() - begin;
                    if (counts[worker] == perWorker[worker].length) {
                      perWorker[worker] = Arrays.copyOf(perWorker[worker], counts[worker] * 2);
                    }
                    perWorker[worker][counts[worker]++] = latency;
                  } catch (Throwable e) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, e.toString());
                  }
                }
                allocated.addAndGet(ProcessStats.threadAllocatedBytes() - allocatedBefore);
              },
              "worker-" + w);
      workers[w].start();
    }
    long begin = System.nanoTime();
    deadline[0] = begin + nanos;
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    long wall = System.nanoTime() - begin;
    int total = 0;
    for (int count : counts) {
      total += count;
    }
    long[] latencies = new long[total];
    int at = 0;
    for (int w = 0; w < concurrency; w++) {
      System.arraycopy(perWorker[w], 0, latencies, at, counts[w]);
      at += counts[w];
    }
    return new Phase(latencies, failed.get(), bytes.get(), wall, allocated.get(), firstError.get());
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + args[i]);
      }
      String key = args[i].substring(2);
      if (key.equals("cold")) {
        options.put(key, "true");
      } else {
        options.put(key, args[++i]);
      }
    }
    return options;
  }
}
