package io.github.together4j.images.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.SavedImages;
import io.github.together4j.images.ServerException;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.internal.ImageRenderer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client under load, over loopback: a thousand concurrent async calls, a ten-thousand-request
 * soak through every call path (success and failure), and what {@link TogetherImages#close()} gives
 * back. Asserts only on correctness and leaks, never on speed; the figures are printed and written
 * to {@code target/reliability/load.txt}. The fake server runs in a JVM of its own ({@link
 * ServerProcess}), so every thread, descriptor and byte of heap counted here is the client's (or
 * the test's).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadAndLeakTest {
  static final int CONCURRENT = 1_000;
  static final int WARM_UP = 500;
  static final int SOAK = 10_000;

  /** One soak request in this many is answered with a 500, and not retried. */
  static final int FAIL_EVERY = 20;

  /** A bound on any wait: generous for a shared 2-core machine, short of a hang. */
  static final Duration WAIT = Duration.ofSeconds(60);

  // Leak tolerances: each absorbs noise a healthy client shows, far below what a leak of one
  // resource per request (or per failure, 500 of them in the soak) would add.
  /**
   * HotSpot starts and stops JIT compiler threads with load; an idle OkHttp Dispatcher or
   * TaskRunner thread lingers up to 60 s.
   */
  static final int THREAD_TOLERANCE = 2;

  /**
   * Over the soak, which alternates sync, async and save calls, OkHttp's shared TaskRunner and the
   * Dispatcher start and idle out threads as they go: a CI run saw 18 before and 20 after. A leak
   * of one thread per request or per failure would add hundreds.
   */
  static final int SOAK_THREAD_TOLERANCE = 8;

  /** The JVM opens jars and /proc files lazily; each pooled connection is one more fd. */
  static final int FD_TOLERANCE = 8;

  /** Class metadata on the heap, JIT-time allocations, TLAB rounding. */
  static final long HEAP_TOLERANCE = 16L * 1024 * 1024;

  /** OkHttp's Dispatcher allows 5 calls per host, so 5 pooled connections are the most needed. */
  static final int MAX_CONNECTIONS = 5;

  /** Metric | before | after or peak, in the order measured. */
  private static final List<String[]> ROWS = new ArrayList<>();

  private static long classStart;

  @TempDir static Path work;

  @BeforeAll
  static void startClock() {
    classStart = System.nanoTime();
    // The JDK's shared delay thread (retry scheduling) lives for the JVM's life: start it now so
    // it is part of every baseline, not counted as a leak.
    CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS).execute(() -> {});
    // So is Java2D's disposer thread, which the first image drawn starts.
    ImageRenderer.render("warm-up", 0, 8, 8, ImageRenderer.Format.PNG);
  }

  @AfterAll
  static void report() throws IOException {
    long seconds = (System.nanoTime() - classStart) / 1_000_000_000;
    row("LoadAndLeakTest run time (whole class)", "", seconds + " s");
    StringBuilder table =
        new StringBuilder()
            .append("| metric | before | after / peak |\n")
            .append("|---|---:|---:|\n");
    for (String[] row : ROWS) {
      table
          .append("| ")
          .append(row[0])
          .append(" | ")
          .append(row[1])
          .append(" | ")
          .append(row[2])
          .append(" |\n");
    }
    String header =
        "Load and leaks ("
            + Runtime.getRuntime().availableProcessors()
            + " cores, Java "
            + System.getProperty("java.version")
            + ", max heap "
            + JvmStats.mib(Runtime.getRuntime().maxMemory())
            + ")\n\n";
    System.out.println(
        "\n==== together4j load and leaks ====\n"
            + header
            + table
            + "====================================\n");
    Path file = Path.of(System.getProperty("basedir", "."), "target", "reliability", "load.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "# " + header + table, StandardCharsets.UTF_8);
  }

  static void row(String metric, String before, String after) {
    synchronized (ROWS) {
      ROWS.add(new String[] {metric, before, after});
    }
  }

  /** A distinct request per index: its own prompt, seed, size and format. */
  static ImageGenerationRequest concurrentRequest(int i) {
    return ImageGenerationRequest.builder("load test image " + i)
        .seed(i)
        .size(32 + i % 3 * 8, 32 + i % 2 * 8)
        .outputFormat(i % 2 == 0 ? OutputFormat.PNG : OutputFormat.JPEG)
        .responseFormat(ResponseFormat.BASE64)
        .build();
  }

  /** What the fake server draws for {@code request}: derived from the request alone. */
  static byte[] expectedImage(ImageGenerationRequest request, int index) {
    ImageRenderer.Format format =
        request.outputFormat() == OutputFormat.PNG
            ? ImageRenderer.Format.PNG
            : ImageRenderer.Format.JPEG;
    return ImageRenderer.render(
        request.prompt(), (long) request.seed() + index, request.width(), request.height(), format);
  }

  /**
   * A thousand calls at once on a client with the defaults users get: OkHttp's Dispatcher runs 5
   * per host and queues the rest (in memory, unbounded), and the call timeout (5 min) starts only
   * when a call leaves that queue (see the next test), so queueing needs no change and no larger
   * limit. Retries are off: a spurious failure must show, not be retried away.
   */
  @Test
  @Order(1)
  void thousandConcurrentAsyncCallsOnOneClientEachGetTheirOwnImage() throws Exception {
    try (ServerProcess server = ServerProcess.start();
        TogetherImages client = server.clientBuilder().maxRetries(0).build()) {
      thousandConcurrentCalls(
          server, client, "1,000 concurrent (default Dispatcher, 5 per host)", 1);
    }
  }

  /**
   * The same with a caller's OkHttpClient allowing 64 calls per host: for comparison only (on
   * loopback, with the server on the same 2 cores, more parallelism buys little; against the real
   * API, where a call takes seconds, it is what raises throughput).
   */
  @Test
  @Order(2)
  void thousandConcurrentAsyncCallsWith64PerHostEachGetTheirOwnImage() throws Exception {
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequestsPerHost(64);
    OkHttpClient http = new OkHttpClient.Builder().dispatcher(dispatcher).build();
    try (ServerProcess server = ServerProcess.start();
        TogetherImages client = server.clientBuilder().okHttpClient(http).maxRetries(0).build()) {
      // Every 10th image compared whole, to keep the class short; all must still be distinct.
      thousandConcurrentCalls(
          server, client, "1,000 concurrent (caller's Dispatcher, 64 per host)", 10);
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  /**
   * Makes {@value #CONCURRENT} calls at once and checks that all succeed with distinct images,
   * every {@code compareEvery}-th compared byte for byte with what its request should draw.
   */
  private static void thousandConcurrentCalls(
      ServerProcess server, TogetherImages client, String label, int compareEvery)
      throws Exception {
    List<ImageGenerationRequest> requests = new ArrayList<>();
    for (int i = 0; i < CONCURRENT; i++) {
      requests.add(concurrentRequest(i));
    }
    client.generate(concurrentRequest(-1)); // class loading and the first connection
    System.gc();
    int threadsBefore = JvmStats.threadCount();
    long heapBefore = JvmStats.heapUsed();
    JvmStats.resetPeakThreadCount();
    JvmStats.resetPeakHeap();

    long start = System.nanoTime();
    List<CompletableFuture<ImageGenerationResult>> futures = new ArrayList<>();
    long[] completedAt = new long[CONCURRENT];
    for (int i = 0; i < CONCURRENT; i++) {
      int index = i;
      futures.add(
          client
              .generateAsync(requests.get(i))
              .whenComplete((result, error) -> completedAt[index] = System.nanoTime()));
    }
    long submitted = System.nanoTime();
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      long failed = futures.stream().filter(CompletableFuture::isCompletedExceptionally).count();
      fail(
          failed + " of " + CONCURRENT + " calls failed; the first: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      long pending = futures.stream().filter(future -> !future.isDone()).count();
      fail(pending + " of " + CONCURRENT + " calls still pending after " + WAIT);
    }
    long wall = System.nanoTime() - start;
    int peakThreads = JvmStats.peakThreadCount();
    long peakHeap = JvmStats.peakHeapUsed();
    long slowest = 0;
    for (long at : completedAt) {
      slowest = Math.max(slowest, at - start);
    }
    long heldAfterGc = JvmStats.heapUsedAfterGc();

    Set<ByteBuffer> distinct = new HashSet<>(); // ByteBuffer: equal by content
    for (int i = 0; i < CONCURRENT; i++) {
      ImageGenerationResult result = futures.get(i).join();
      assertThat(result.images()).as("call %d", i).hasSize(1);
      GeneratedImage image = result.images().get(0);
      byte[] bytes = image.bytes();
      assertThat(distinct.add(ByteBuffer.wrap(bytes)))
          .as("call %d has an image of its own", i)
          .isTrue();
      if (i % compareEvery == 0) {
        assertThat(bytes)
            .as("call %d gets the image drawn for its own prompt, seed, size and format", i)
            .isEqualTo(expectedImage(requests.get(i), 0));
      }
    }
    assertThat(server.requestCount()).isEqualTo(CONCURRENT + 1);

    row(label + ": wall time", "", millis(wall));
    row(label + ": submitting the 1,000 calls", "", millis(submitted - start));
    row(label + ": slowest call, submit to completion", "", millis(slowest));
    row(
        label + ": live threads (peak)",
        String.valueOf(threadsBefore),
        String.valueOf(peakThreads));
    row(
        label + ": heap used (peak, sum of pool peaks)",
        JvmStats.mib(heapBefore),
        JvmStats.mib(peakHeap));
    row(label + ": heap used after GC, 1,000 results held", "", JvmStats.mib(heldAfterGc));
  }

  /**
   * OkHttp 5 starts a call's timeout when the call leaves the Dispatcher's queue, not when it is
   * enqueued: here 75 calls, 5 at a time, each answered after 0.25 s, take at least 3.75 s in all,
   * past the 3 s call timeout, and none times out. (Had queue time counted, the last 15 or so
   * would.) Each call itself has 2.75 s to spare, for a noisy machine.
   */
  @Test
  @Order(3)
  void callTimeoutDoesNotCountTimeQueuedInTheDispatcher() throws Exception {
    int calls = 75;
    Duration delay = Duration.ofMillis(250);
    Duration callTimeout = Duration.ofSeconds(3);
    try (ServerProcess server = ServerProcess.start();
        TogetherImages client =
            server.clientBuilder().maxRetries(0).callTimeout(callTimeout).build()) {
      server.delay(delay, calls);
      long start = System.nanoTime();
      List<CompletableFuture<ImageGenerationResult>> futures = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        futures.add(client.generateAsync(concurrentRequest(i)));
      }
      for (int i = 0; i < calls; i++) {
        assertThat(futures.get(i))
            .as("call %d, queued behind others longer than its call timeout", i)
            .succeedsWithin(WAIT);
      }
      long wall = System.nanoTime() - start;
      assertThat(Duration.ofNanos(wall))
          .as("the calls queued for longer than the call timeout (or the test proves nothing)")
          .isGreaterThan(callTimeout);
      row(
          "callTimeout 3 s, 75 async calls answered after 0.25 s, 5 per host: all done after"
              + " / timed out",
          "",
          millis(wall) + " / 0");
    }
  }

  /**
   * Since the call timeout leaves out time queued, a caller wanting one deadline for the whole call
   * reaches for {@link CompletableFuture#orTimeout}. That completes the future, but not through
   * {@code cancel}, so the HTTP call goes on to its end, holding one of the Dispatcher's 5 per-host
   * slots, and cancelling afterwards is a no-op (the future is already done).
   */
  @Test
  @Order(4)
  void futureTimingOutCancelsTheHttpCall() throws Exception {
    OkHttpClient http = new OkHttpClient();
    try (ServerProcess server = ServerProcess.start();
        TogetherImages client = server.clientBuilder().okHttpClient(http).maxRetries(0).build()) {
      server.delay(Duration.ofSeconds(5), 2);
      CompletableFuture<ImageGenerationResult> future =
          client.generateAsync(concurrentRequest(0)).orTimeout(200, TimeUnit.MILLISECONDS);
      assertThat(future)
          .failsWithin(WAIT)
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(TimeoutException.class);

      boolean ended =
          JvmStats.await(Duration.ofSeconds(2), () -> http.dispatcher().runningCallsCount() == 0);
      assertThat(ended)
          .as("the HTTP call ends soon after its future timed out (the server answers after 5 s)")
          .isTrue();

      // completeOnTimeout completes the future normally, with the caller's fallback.
      CompletableFuture<ImageGenerationResult> fallback =
          client
              .generateAsync(concurrentRequest(1))
              .completeOnTimeout(null, 200, TimeUnit.MILLISECONDS);
      assertThat(fallback).succeedsWithin(WAIT).isNull();
      assertThat(
              JvmStats.await(
                  Duration.ofSeconds(2), () -> http.dispatcher().runningCallsCount() == 0))
          .as("the HTTP call ends soon after its future completed with the fallback")
          .isTrue();
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  /** How a soak request is made. */
  enum Mode {
    GENERATE,
    GENERATE_ASYNC,
    GENERATE_AND_SAVE
  }

  /** What the soak measures: threads, fds, heap after GC, pooled connections, calls running. */
  record Snapshot(
      int threads,
      long fds,
      long tcpSockets,
      long heapAfterGc,
      int connections,
      int running,
      int queued) {
    static Snapshot of(OkHttpClient http) {
      long heap = JvmStats.heapUsedAfterGc();
      return new Snapshot(
          JvmStats.threadCount(),
          JvmStats.openFileDescriptors(),
          JvmStats.openTcpSockets(),
          heap,
          http.connectionPool().connectionCount(),
          http.dispatcher().runningCallsCount(),
          http.dispatcher().queuedCallsCount());
    }
  }

  @Test
  @Order(5)
  void tenThousandSequentialRequestsLeakNoThreadsDescriptorsHeapOrConnections() throws Exception {
    byte[] fixed = ImageRenderer.render("soak", 0, 16, 16, ImageRenderer.Format.PNG);
    // The OkHttpClient is ours only so that its pool and Dispatcher can be inspected: the client
    // derives its own from it, sharing them, exactly as it does from the one it creates.
    OkHttpClient http = new OkHttpClient();
    Path saves = Files.createDirectory(work.resolve("soak"));
    Path image = Files.write(work.resolve("soak.png"), fixed);
    try (ServerProcess server = ServerProcess.startFixed(image);
        TogetherImages client = server.clientBuilder().okHttpClient(http).maxRetries(0).build()) {
      server.failEvery(FAIL_EVERY, WARM_UP + SOAK);
      Soak soak = new Soak(client, fixed, saves);
      for (int i = 0; i < WARM_UP; i++) {
        soak.step(i);
      }
      Snapshot before = Snapshot.of(http);

      long start = System.nanoTime();
      for (int i = WARM_UP; i < WARM_UP + SOAK; i++) {
        soak.step(i);
      }
      long wall = System.nanoTime() - start;
      Snapshot after = Snapshot.of(http);

      row("soak: 10,000 sequential requests, wall time", "", millis(wall));
      row(
          "soak: calls made (generate / async / save)",
          "",
          soak.byMode[0] + " / " + soak.byMode[1] + " / " + soak.byMode[2]);
      row("soak: failed as scripted (HTTP 500, no retry)", "", String.valueOf(soak.failures));
      row("soak: live threads", String.valueOf(before.threads()), String.valueOf(after.threads()));
      row("soak: open file descriptors", String.valueOf(before.fds()), String.valueOf(after.fds()));
      row(
          "soak: open TCP sockets",
          String.valueOf(before.tcpSockets()),
          String.valueOf(after.tcpSockets()));
      row(
          "soak: heap used after GC",
          JvmStats.mib(before.heapAfterGc()),
          JvmStats.mib(after.heapAfterGc()));
      row(
          "soak: pooled connections",
          String.valueOf(before.connections()),
          String.valueOf(after.connections()));
      row(
          "soak: dispatcher running / queued calls",
          before.running() + " / " + before.queued(),
          after.running() + " / " + after.queued());

      assertThat(server.requestCount()).isEqualTo(WARM_UP + SOAK);
      assertThat(soak.failures).isEqualTo(SOAK / FAIL_EVERY + WARM_UP / FAIL_EVERY);
      try (Stream<Path> left = Files.list(saves)) {
        assertThat(left).as("no file, hidden or not, left by a save, failed or not").isEmpty();
      }
      assertThat(after.threads())
          .as("live threads")
          .isLessThanOrEqualTo(before.threads() + SOAK_THREAD_TOLERANCE);
      assertThat(after.fds())
          .as("open file descriptors")
          .isLessThanOrEqualTo(before.fds() + FD_TOLERANCE);
      assertThat(after.heapAfterGc())
          .as("heap used after GC")
          .isLessThanOrEqualTo(before.heapAfterGc() + HEAP_TOLERANCE);
      assertThat(after.connections()).as("pooled connections").isLessThanOrEqualTo(MAX_CONNECTIONS);
      assertThat(after.running()).as("calls running in the Dispatcher").isZero();
      assertThat(after.queued()).as("calls queued in the Dispatcher").isZero();
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  /** Drives the soak: one request per step, rotating through the three call paths. */
  static final class Soak {
    final TogetherImages client;
    final byte[] fixed;
    final Path saves;
    final int[] byMode = new int[3];
    int failures;

    Soak(TogetherImages client, byte[] fixed, Path saves) {
      this.client = client;
      this.fixed = fixed;
      this.saves = saves;
    }

    void step(int i) throws Exception {
      // The server answers request i with a 500 when i % FAIL_EVERY == 0 (see failEvery).
      boolean fails = i % FAIL_EVERY == 0;
      // Failures rotate through the modes too: i / FAIL_EVERY, not i, picks theirs.
      Mode mode = Mode.values()[(fails ? i / FAIL_EVERY : i) % 3];
      byMode[mode.ordinal()]++;
      ImageGenerationRequest request =
          ImageGenerationRequest.builder("soak " + i)
              .seed(i)
              .size(16, 16)
              .outputFormat(OutputFormat.PNG)
              .responseFormat(ResponseFormat.BASE64)
              .build();
      try {
        switch (mode) {
          case GENERATE -> check(i, client.generate(request));
          case GENERATE_ASYNC -> {
            try {
              check(i, client.generateAsync(request).get(WAIT.toSeconds(), TimeUnit.SECONDS));
            } catch (ExecutionException e) {
              throw e.getCause() instanceof ServerException cause ? cause : e;
            }
          }
          case GENERATE_AND_SAVE -> {
            SavedImages saved = client.generateAndSave(request, saves);
            assertThat(saved.paths()).hasSize(1);
            Path file = saved.paths().get(0);
            assertThat(file.getFileName().toString()).isEqualTo("image_0.png");
            assertThat(Files.readAllBytes(file)).as("saved image %d", i).isEqualTo(fixed);
            Files.delete(file);
          }
        }
        if (fails) {
          fail("request %d (%s) was answered 500 but did not fail", i, mode);
        }
      } catch (ServerException e) {
        if (!fails) {
          throw e;
        }
        assertThat(e.statusCode()).isEqualTo(500);
        assertThat(e.attempts()).isEqualTo(1);
        failures++;
      }
    }

    private void check(int i, ImageGenerationResult result) {
      assertThat(result.images()).hasSize(1);
      assertThat(result.images().get(0).bytes()).as("image %d", i).isEqualTo(fixed);
    }
  }

  @Test
  @Order(6)
  void closeEndsTheThreadsTheClientStarted() throws Exception {
    try (ServerProcess server = ServerProcess.start()) {
      System.gc();
      Set<Long> before = JvmStats.threadIds();
      int threadsBefore = JvmStats.threadCount();
      long fdsBefore = JvmStats.openFileDescriptors();
      long socketsBefore = JvmStats.openTcpSockets();

      TogetherImages client = server.clientBuilder().maxRetries(0).build();
      List<CompletableFuture<ImageGenerationResult>> futures = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        futures.add(client.generateAsync(concurrentRequest(i)));
      }
      client.generate(concurrentRequest(40));
      for (CompletableFuture<ImageGenerationResult> future : futures) {
        assertThat(future).succeedsWithin(WAIT);
      }
      List<String> started = JvmStats.threadsSince(before);
      int threadsOpen = JvmStats.threadCount();
      assertThat(started)
          .as("the client ran its calls on OkHttp Dispatcher threads")
          .anyMatch(name -> name.startsWith("OkHttp"));

      long closing = System.nanoTime();
      client.close();
      boolean ended =
          JvmStats.await(
              Duration.ofSeconds(10),
              () ->
                  JvmStats.clientThreadsSince(before).isEmpty()
                      && JvmStats.threadCount() <= threadsBefore + THREAD_TOLERANCE);
      long took = System.nanoTime() - closing;
      List<String> left = JvmStats.threadsSince(before);
      row(
          "close(): live threads (pre-client / open / after close)",
          String.valueOf(threadsBefore),
          threadsOpen + " / " + JvmStats.threadCount());
      row(
          "close(): time for the client's threads to end",
          "",
          ended ? millis(took) : "not within 10 s");
      long fdsAfter = JvmStats.openFileDescriptors();
      long socketsAfter = JvmStats.openTcpSockets();
      row(
          "close(): threads started since, still alive",
          "",
          left.isEmpty()
              ? "none"
              : String.join(", ", left).replace(" (TIMED_WAITING)", "").replace(" (WAITING)", ""));
      row(
          "close(): open file descriptors (pre-client / after close)",
          String.valueOf(fdsBefore),
          String.valueOf(fdsAfter));
      row(
          "close(): open TCP sockets (pre-client / after close)",
          String.valueOf(socketsBefore),
          String.valueOf(socketsAfter));
      assertThat(ended)
          .as(
              "within 10 s of close() the client's threads end; new threads left: %s",
              JvmStats.names(left))
          .isTrue();
      assertThat(fdsAfter)
          .as("open file descriptors after close()")
          .isLessThanOrEqualTo(fdsBefore + FD_TOLERANCE);
      assertThat(socketsAfter)
          .as("open TCP sockets after close(), with no call in flight")
          .isLessThanOrEqualTo(socketsBefore);
    }
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%,d ms", nanos / 1_000_000);
  }
}
