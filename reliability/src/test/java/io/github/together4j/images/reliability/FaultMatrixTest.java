package io.github.together4j.images.reliability;

import static io.github.together4j.images.reliability.FaultRow.Via.BOTH;
import static io.github.together4j.images.reliability.FaultRow.Via.CANCEL_ASYNC_AFTER_HEADERS;
import static io.github.together4j.images.reliability.FaultRow.Via.GENERATE_AND_SAVE;
import static io.github.together4j.images.reliability.FaultRow.Via.GENERATE_ASYNC_THEN_SAVE_ALL;
import static io.github.together4j.images.reliability.FaultRow.Via.GENERATE_THEN_SAVE_ALL;
import static io.github.together4j.images.reliability.FaultRow.fault;
import static io.github.together4j.images.reliability.FaultRow.times;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.ApiConnectionException;
import io.github.together4j.images.ApiTimeoutException;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.MalformedResponseException;
import io.github.together4j.images.NotFoundException;
import io.github.together4j.images.RateLimitException;
import io.github.together4j.images.ServerException;
import io.github.together4j.images.TogetherException;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.Fault;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fault of issue 8, one row each, against the testkit's fake server over loopback. Each row
 * checks three things: the outcome (the exact exception or success, the requests the server saw, a
 * sensible message), that the directory holds exactly the expected files afterwards (none on
 * failure: no {@code .part}, no hidden file), and that nothing leaked from the test-owned OkHttp
 * client (no running or queued call, no connection left once idle ones are evicted).
 *
 * <p>Retried, by the retry policy alone (never behind its back by OkHttp, so {@code maxRetries(0)}
 * means one request): 408, 429, 5xx (an HTML 502 page too), a connection closed before the headers,
 * a 2xx body cut off midway (on both paths: nothing usable was received and nothing was kept, and a
 * generation has no effect but its cost), read and call timeouts. Not retried: a complete body that
 * is not the contract (bad JSON, an HTML page, bad base64, bytes that are no image, {@code data}
 * missing or empty, a body over {@code maxResponseBytes}) and downloads of url results that fail
 * for good (404, a redirect loop, over {@code maxDownloadBytes}).
 */
class FaultMatrixTest {
  /** A 200 whose one image is valid base64 of bytes that are no image. */
  private static final Fault NOT_AN_IMAGE =
      Fault.body(
          200,
          "application/json",
          "{\"id\":\"gen-1\",\"model\":\"m\",\"object\":\"list\",\"data\":[{\"index\":0,\"b64_json\":\""
              + Base64.getEncoder().encodeToString("<html>not an image</html>".getBytes(UTF_8))
              + "\",\"type\":\"b64_json\"}]}");

  private static final Duration WAIT = Duration.ofSeconds(15);

  /** How long a call or a connection may take to be released after the operation returns. */
  private static final Duration SETTLE = Duration.ofSeconds(2);

  /** The shortest backoff before a first retry: 0.5 s less up to 25% jitter. */
  private static final Duration FIRST_BACKOFF = ofMillis(370);

  private static final ImageGenerationRequest SMALL =
      ImageGenerationRequest.builder("a fox")
          .size(64, 64)
          .responseFormat(ResponseFormat.BASE64)
          .build();
  private static final ImageGenerationRequest THREE =
      ImageGenerationRequest.builder("three foxes")
          .n(3)
          .size(48, 48)
          .responseFormat(ResponseFormat.BASE64)
          .build();

  /** Two 256×256 PNGs: a body of many kilobytes, so a cut or a throttle lands mid-body. */
  private static final ImageGenerationRequest LARGE =
      ImageGenerationRequest.builder("a large fox")
          .n(2)
          .size(256, 256)
          .outputFormat(OutputFormat.PNG)
          .responseFormat(ResponseFormat.BASE64)
          .build();

  private static final ImageGenerationRequest URL =
      ImageGenerationRequest.builder("a fox")
          .size(64, 64)
          .outputFormat(OutputFormat.PNG)
          .responseFormat(ResponseFormat.URL)
          .build();

  /** An image for responses written by hand. */
  private static final byte[] PNG = png();

  private static final String PNG_BASE64 = Base64.getEncoder().encodeToString(PNG);

  static Stream<FaultRow> rows() {
    return Stream.of(
            // Rate limits: Retry-After in each form, then success; then retries exhausted.
            fault("429 Retry-After: 1 (delta-seconds), then 200", Fault.rateLimited(ofSeconds(1)))
                .request(SMALL)
                .succeeds("image_0.jpg")
                .attempts(2)
                .tookAtLeast(ofMillis(950))
                .tookLessThan(ofSeconds(4))
                .on(BOTH),
            fault(
                    "429 Retry-After: <HTTP-date 1-2 s ahead>, then 200",
                    () -> List.of(rateLimitedUntil(2)))
                .request(SMALL)
                .succeeds("image_0.jpg")
                .attempts(2)
                .tookAtLeast(ofMillis(900))
                .tookLessThan(ofSeconds(4))
                .on(BOTH),
            fault("429 without Retry-After, then 200", rateLimitedWithout())
                .request(SMALL)
                .succeeds("image_0.jpg")
                .attempts(2)
                .tookAtLeast(FIRST_BACKOFF)
                .tookLessThan(ofSeconds(3))
                .on(BOTH),
            fault(
                    "429 Retry-After: soon (invalid), then 200",
                    Fault.rateLimited(ZERO).withHeader("Retry-After", "soon"))
                .request(SMALL)
                .succeeds("image_0.jpg")
                .attempts(2)
                .tookAtLeast(FIRST_BACKOFF)
                .tookLessThan(ofSeconds(3))
                .on(BOTH),
            fault("429 ×3 (Retry-After: 0), maxRetries 2", times(3, Fault.rateLimited(ZERO)))
                .request(SMALL)
                .attempts(3)
                .fails(
                    RateLimitException.class,
                    e -> {
                      assertThat(e.statusCode()).isEqualTo(429);
                      assertThat(e.errorType()).isEqualTo("rate_limit_exceeded");
                      assertThat(e.getMessage())
                          .startsWith("HTTP 429 rate_limit_exceeded: Rate limit exceeded")
                          .contains("request-id: fake-req-3")
                          .endsWith("after 3 attempts");
                    })
                .on(GENERATE_THEN_SAVE_ALL, GENERATE_AND_SAVE, GENERATE_ASYNC_THEN_SAVE_ALL),

            // Server errors.
            fault(
                    "500 ×3 (Retry-After: 0), maxRetries 2",
                    times(
                        3,
                        Fault.error(500, "server_error", "Internal failure").withRetryAfter(ZERO)))
                .request(SMALL)
                .attempts(3)
                .fails(
                    ServerException.class,
                    e -> {
                      assertThat(e.statusCode()).isEqualTo(500);
                      assertThat(e.getMessage())
                          .startsWith("HTTP 500 server_error: Internal failure")
                          .endsWith("after 3 attempts");
                    })
                .on(GENERATE_THEN_SAVE_ALL, GENERATE_AND_SAVE, GENERATE_ASYNC_THEN_SAVE_ALL),
            fault(
                    "502 HTML page ×3 (Retry-After: 0), maxRetries 2",
                    times(3, Fault.htmlPage(502).withRetryAfter(ZERO)))
                .request(SMALL)
                .attempts(3)
                .fails(
                    ServerException.class,
                    e -> {
                      assertThat(e.statusCode()).isEqualTo(502);
                      assertThat(e.getMessage())
                          .startsWith("HTTP 502 with a body that is not an API error: ")
                          .endsWith("after 3 attempts")
                          .doesNotContain("<html", "<center>", "<body");
                    })
                .on(BOTH),
            // OkHttp itself repeats a request once after a 408, or a 503 with Retry-After: 0: only
            // the
            // retry policy may, and maxRetries(0) must mean one request.
            fault("503 Retry-After: 0, maxRetries 0", Fault.overloaded().withRetryAfter(ZERO))
                .request(SMALL)
                .client(b -> b.maxRetries(0))
                .attempts(1)
                .fails(
                    ServerException.class,
                    e ->
                        assertThat(e.getMessage())
                            .startsWith("HTTP 503 server_overloaded: ")
                            .doesNotContain("attempts"))
                .on(GENERATE_THEN_SAVE_ALL, GENERATE_AND_SAVE, GENERATE_ASYNC_THEN_SAVE_ALL),
            fault(
                    "503 Retry-After: 0 ×3, maxRetries 2",
                    times(3, Fault.overloaded().withRetryAfter(ZERO)))
                .request(SMALL)
                .attempts(3)
                .fails(
                    ServerException.class,
                    e ->
                        assertThat(e.getMessage())
                            .startsWith("HTTP 503 server_overloaded: ")
                            .endsWith("after 3 attempts"))
                .on(BOTH),
            fault(
                    "408 request timeout, maxRetries 0",
                    Fault.error(408, "request_timeout", "Request timed out"))
                .request(SMALL)
                .client(b -> b.maxRetries(0))
                .attempts(1)
                .fails(
                    TogetherException.class,
                    e -> {
                      assertThat(e.statusCode()).isEqualTo(408);
                      assertThat(e.getMessage())
                          .startsWith("HTTP 408 request_timeout: Request timed out");
                    })
                .on(BOTH),
            fault("503 overloaded (no Retry-After), then 200", Fault.overloaded())
                .request(SMALL)
                .succeeds("image_0.jpg")
                .attempts(2)
                .tookAtLeast(FIRST_BACKOFF)
                .tookLessThan(ofSeconds(3))
                .on(GENERATE_THEN_SAVE_ALL, GENERATE_AND_SAVE, GENERATE_ASYNC_THEN_SAVE_ALL),

            // Connections.
            fault("connection closed before the headers, then 200", Fault.disconnect())
                .request(SMALL)
                .succeeds("image_0.jpg")
                .attempts(2)
                .on(GENERATE_THEN_SAVE_ALL, GENERATE_AND_SAVE, GENERATE_ASYNC_THEN_SAVE_ALL),
            fault("connection closed before the headers, maxRetries 0", Fault.disconnect())
                .request(SMALL)
                .client(b -> b.maxRetries(0))
                .attempts(1)
                .fails(
                    ApiConnectionException.class,
                    e -> {
                      assertThat(e.statusCode()).isZero();
                      assertThat(e.getMessage()).startsWith("connection failed: ");
                    })
                .on(BOTH),
            // On a connection that served before, OkHttp would resend the POST by itself.
            fault(
                    "connection closed before the headers on a reused connection, maxRetries 0",
                    Fault.disconnect())
                .request(SMALL)
                .onAReusedConnection()
                .client(b -> b.maxRetries(0))
                .attempts(1)
                .fails(
                    ApiConnectionException.class,
                    e -> assertThat(e.getMessage()).startsWith("connection failed: "))
                .on(GENERATE_THEN_SAVE_ALL, GENERATE_AND_SAVE, GENERATE_ASYNC_THEN_SAVE_ALL),
            fault(
                    "connection closed before the headers on a reused connection ×2, maxRetries 1",
                    times(2, Fault.disconnect()))
                .request(SMALL)
                .onAReusedConnection()
                .client(b -> b.maxRetries(1))
                .attempts(2)
                .fails(
                    ApiConnectionException.class,
                    e ->
                        assertThat(e.getMessage())
                            .startsWith("connection failed: ")
                            .endsWith("after 2 attempts"))
                .on(BOTH),
            fault("200 body dropped mid-way, then 200", Fault.dropMidBody())
                .request(LARGE)
                .succeeds("image_0.png", "image_1.png")
                .attempts(2)
                .on(GENERATE_THEN_SAVE_ALL, GENERATE_AND_SAVE, GENERATE_ASYNC_THEN_SAVE_ALL),
            fault("200 body dropped mid-way ×2, maxRetries 1", times(2, Fault.dropMidBody()))
                .request(LARGE)
                .client(b -> b.maxRetries(1))
                .attempts(2)
                .fails(
                    ApiConnectionException.class,
                    e ->
                        assertThat(e.getMessage())
                            .startsWith("connection failed: ")
                            .endsWith("after 2 attempts"))
                .on(BOTH),
            fault("200 body dropped mid-way, maxRetries 0", Fault.dropMidBody())
                .request(LARGE)
                .client(b -> b.maxRetries(0))
                .attempts(1)
                .fails(
                    ApiConnectionException.class,
                    e ->
                        assertThat(e.getMessage())
                            .startsWith("connection failed: ")
                            .doesNotContain("attempts"))
                .on(BOTH),

            // Bodies that are not the contract: never retried.
            fault("200 truncated JSON", Fault.malformedJson())
                .request(SMALL)
                .attempts(1)
                .fails(
                    MalformedResponseException.class,
                    e -> {
                      assertThat(e.statusCode()).isEqualTo(200);
                      assertThat(e.getMessage())
                          .startsWith(
                              "response is not an ImageResponse: Unterminated string at path $.data[0]")
                          .endsWith("request-id: fake-req-1");
                    })
                .on(GENERATE_THEN_SAVE_ALL, GENERATE_AND_SAVE, GENERATE_ASYNC_THEN_SAVE_ALL),
            fault("200 HTML page (a captive portal)", Fault.htmlPage(200))
                .request(SMALL)
                .attempts(1)
                .fails(
                    MalformedResponseException.class,
                    e -> {
                      assertThat(e.statusCode()).isEqualTo(200);
                      assertThat(e.getMessage()).startsWith("response is not an ImageResponse: ");
                    })
                .on(BOTH),
            fault("200 larger than maxResponseBytes (4 KiB)")
                .request(LARGE)
                .client(b -> b.maxResponseBytes(4096))
                .attempts(1)
                .fails(
                    MalformedResponseException.class,
                    e ->
                        assertThat(e.getMessage())
                            .contains(
                                "is larger than the limit of 4096 bytes (TogetherImages.Builder.maxResponseBytes)"))
                .on(BOTH),
            fault("200 with b64_json that decodes to no image", NOT_AN_IMAGE)
                .request(SMALL)
                .attempts(1)
                .reportedAttempts(0)
                .fails(
                    MalformedResponseException.class,
                    e ->
                        assertThat(e.getMessage())
                            .startsWith(
                                "b64_json of image 0 decodes to bytes that are not a PNG, JPEG, WebP or GIF"))
                .on(GENERATE_THEN_SAVE_ALL),
            fault("200 with b64_json that decodes to no image", NOT_AN_IMAGE)
                .request(SMALL)
                .attempts(1)
                .fails(
                    MalformedResponseException.class,
                    e ->
                        assertThat(e.getMessage())
                            .startsWith(
                                "image 0 decodes to bytes that are not a PNG, JPEG, WebP or GIF"))
                .on(GENERATE_AND_SAVE),
            // saveAll documents that images before a failing one stay saved, complete.
            fault("malformed base64 in image 1 of 3 (index 1)", Fault.malformedBase64(1))
                .request(THREE)
                .attempts(1)
                .reportedAttempts(0)
                .fails(
                    MalformedResponseException.class,
                    e ->
                        assertThat(e.getMessage())
                            .startsWith(
                                "b64_json of image 1 is not valid base64: unexpected '%' at offset "))
                .leaves("image_0.jpg")
                .on(GENERATE_THEN_SAVE_ALL),
            fault("malformed base64 in image 1 of 3 (index 1)", Fault.malformedBase64(1))
                .request(THREE)
                .attempts(1)
                .fails(
                    MalformedResponseException.class,
                    e -> {
                      assertThat(e.statusCode()).isEqualTo(200);
                      assertThat(e.getMessage())
                          .startsWith(
                              "b64_json of the image at $.data[1] is not valid base64: unexpected '%' at offset ");
                    })
                .on(GENERATE_AND_SAVE),
            fault(
                    "200 with data missing",
                    Fault.body(
                        200,
                        "application/json",
                        "{\"id\":\"gen-1\",\"model\":\"m\",\"object\":\"list\"}"))
                .request(SMALL)
                .attempts(1)
                .fails(
                    MalformedResponseException.class,
                    e -> {
                      assertThat(e.statusCode()).isEqualTo(200);
                      assertThat(e.getMessage())
                          .startsWith("response is not an ImageResponse: ")
                          .contains("data");
                    })
                .on(BOTH),
            fault(
                    "200 with data empty ([])",
                    Fault.body(
                        200,
                        "application/json",
                        "{\"id\":\"gen-1\",\"model\":\"m\",\"object\":\"list\",\"data\":[]}"))
                .request(SMALL)
                .attempts(1)
                .fails(
                    MalformedResponseException.class,
                    e ->
                        assertThat(e.getMessage())
                            .startsWith(
                                "response is not an ImageResponse: response gen-1 has no images: data is empty"))
                .on(BOTH),
            fault(
                    "200 with an image of unknown type \"video\"",
                    Fault.body(
                        200,
                        "application/json",
                        "{\"id\":\"gen-1\",\"model\":\"m\",\"object\":\"list\",\"data\":[{\"index\":0,\"b64_json\":\""
                            + PNG_BASE64
                            + "\",\"type\":\"video\"}]}"))
                .request(SMALL)
                .succeeds("image_0.png")
                .image(PNG)
                .attempts(1)
                .on(BOTH),
            fault(
                    "200 with unknown object \"mystery\"",
                    Fault.body(
                        200,
                        "application/json",
                        "{\"id\":\"gen-1\",\"model\":\"m\",\"object\":\"mystery\",\"data\":[{\"index\":0,\"b64_json\":\""
                            + PNG_BASE64
                            + "\",\"type\":\"b64_json\"}]}"))
                .request(SMALL)
                .succeeds("image_0.png")
                .image(PNG)
                .attempts(1)
                .on(BOTH),

            // Timeouts: retried like connection failures.
            fault(
                    "200 body stalls past the read timeout (300 ms) ×2, maxRetries 1",
                    times(2, Fault.slowBody(1024, ofSeconds(3))))
                .request(LARGE)
                .client(b -> b.readTimeout(ofMillis(300)).maxRetries(1))
                .attempts(2)
                .fails(
                    ApiTimeoutException.class,
                    e ->
                        assertThat(e.getMessage())
                            .startsWith("timed out: ")
                            .endsWith("after 2 attempts"))
                .tookLessThan(ofSeconds(3))
                .on(GENERATE_THEN_SAVE_ALL, GENERATE_AND_SAVE, GENERATE_ASYNC_THEN_SAVE_ALL),
            fault(
                    "200 body trickles past the call timeout (700 ms) ×2, maxRetries 1",
                    times(2, Fault.slowBody(1024, ofMillis(100))))
                .request(LARGE)
                .client(b -> b.callTimeout(ofMillis(700)).maxRetries(1))
                .attempts(2)
                .fails(
                    ApiTimeoutException.class,
                    e ->
                        assertThat(e.getMessage())
                            .startsWith("timed out: ")
                            .endsWith("after 2 attempts"))
                .tookAtLeast(ofMillis(1400))
                .tookLessThan(ofSeconds(4))
                .on(BOTH),

            // url results.
            fault("url result answers 404", Fault.urlNotFound())
                .request(URL)
                .attempts(1)
                .fails(
                    NotFoundException.class,
                    e -> {
                      assertThat(e.statusCode()).isEqualTo(404);
                      assertThat(e.getMessage())
                          .startsWith("downloading image 0 from http://")
                          .contains("/v1/files/")
                          .endsWith("failed: HTTP 404")
                          .doesNotContain("X-Fake-Signature");
                    })
                .on(BOTH),
            fault("url result redirects to itself forever", Fault.urlRedirectLoop())
                .request(URL)
                .attempts(1)
                .fails(
                    MalformedResponseException.class,
                    e ->
                        assertThat(e.getMessage())
                            .startsWith("image 0 redirected more than 5 times, last to http://")
                            .doesNotContain("X-Fake-Signature"))
                .on(BOTH),
            fault("url result larger than maxDownloadBytes (1 KiB)")
                .request(URL)
                .client(b -> b.maxDownloadBytes(1024))
                .attempts(1)
                .fails(
                    MalformedResponseException.class,
                    e ->
                        assertThat(e.getMessage())
                            .startsWith("image 0 from http://")
                            .endsWith(
                                "is larger than the limit of 1024 bytes (TogetherImages.Builder.maxDownloadBytes)"))
                .on(BOTH),

            // Cancellation.
            fault(
                    "200 body trickling (1 KiB per 100 ms), future cancelled after the headers",
                    Fault.slowBody(1024, ofMillis(100)))
                .request(LARGE)
                .attempts(1)
                .fails(CancellationException.class, e -> {})
                .on(CANCEL_ASYNC_AFTER_HEADERS))
        .flatMap(rows -> rows);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void faultRow(FaultRow row, @TempDir Path dir) throws Exception {
    run(row, dir);
  }

  /**
   * Guards the fix that stopped OkHttp's own retries of a sent request: failing to connect to one
   * of a host's addresses must still fall back to the next, in the same attempt.
   */
  @Test
  void refusedFirstAddressFallsBackToTheNextInTheSameAttempt(@TempDir Path dir) throws Exception {
    OkHttpClient shared =
        new OkHttpClient.Builder()
            .dns(
                host ->
                    List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getLoopbackAddress()))
            .build();
    try (FakeTogetherServer server = FakeTogetherServer.start();
        TogetherImages client =
            server
                .clientBuilder()
                .baseUrl("http://localhost:" + server.port() + "/v1/")
                .okHttpClient(shared)
                .maxRetries(0)
                .build()) {
      client.generateAndSave(SMALL, dir);

      assertThat(server.requestCount()).isEqualTo(1);
      assertThat(entries(dir)).containsExactly("image_0.jpg");
      assertNoLeak(shared);
    } finally {
      shared.dispatcher().executorService().shutdown();
      shared.connectionPool().evictAll();
    }
  }

  /** Runs one row on a fresh server with a client on a test-owned OkHttp client. */
  private static void run(FaultRow row, Path dir) throws Exception {
    HeadersListener headers = new HeadersListener();
    OkHttpClient shared = new OkHttpClient.Builder().eventListener(headers).build();
    try (FakeTogetherServer server = FakeTogetherServer.start()) {
      try (TogetherImages client =
          row.client.apply(server.clientBuilder().okHttpClient(shared)).build()) {
        if (row.reuseConnection) {
          client.generate(row.request);
          assertThat(shared.connectionPool().idleConnectionCount())
              .as("pooled connections")
              .isOne();
          server.reset();
        }
        row.script.get().forEach(server::enqueue);
        headers.reset();
        long start = System.nanoTime();
        @Nullable Throwable thrown = act(row, client, dir, headers);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertOutcome(row, thrown, server);
        assertThat(took)
            .as("time taken")
            .isGreaterThanOrEqualTo(row.atLeast)
            .isLessThan(row.atMost);
        assertThat(entries(dir)).as("files left in %s", dir).containsExactlyElementsOf(row.files);
        assertNoLeak(shared);
        assertFilesComplete(row, dir, server, client);
      }
    } finally {
      shared.dispatcher().executorService().shutdown();
      shared.connectionPool().evictAll();
    }
  }

  /** Does what the row says and returns what it threw, or null. */
  private static @Nullable Throwable act(
      FaultRow row, TogetherImages client, Path dir, HeadersListener headers) throws Exception {
    try {
      switch (row.via) {
        case GENERATE_THEN_SAVE_ALL -> client.generate(row.request).saveAll(dir);
        case GENERATE_AND_SAVE -> client.generateAndSave(row.request, dir);
        case GENERATE_ASYNC_THEN_SAVE_ALL -> {
          ImageGenerationResult result;
          try {
            result = client.generateAsync(row.request).get(WAIT.toSeconds(), TimeUnit.SECONDS);
          } catch (ExecutionException e) {
            return e.getCause();
          }
          result.saveAll(dir);
        }
        case CANCEL_ASYNC_AFTER_HEADERS -> {
          CompletableFuture<ImageGenerationResult> future = client.generateAsync(row.request);
          assertThat(headers.arrived.await(WAIT.toSeconds(), TimeUnit.SECONDS))
              .as("response headers arrived")
              .isTrue();
          assertThat(future).as("still reading the body").isNotDone();
          assertThat(future.cancel(true)).isTrue();
          assertThat(future).isCancelled();
          // Longer than any backoff before a first retry: a retry would have been sent by now.
          Thread.sleep(700);
          future.join();
        }
      }
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static void assertOutcome(
      FaultRow row, @Nullable Throwable thrown, FakeTogetherServer server) {
    if (row.failure == null) {
      assertThat(thrown).as("outcome").isNull();
    } else {
      assertThat(thrown)
          .as("outcome, after %d requests", server.requestCount())
          .isExactlyInstanceOf(row.failure);
      row.checks.accept(thrown);
      if (thrown instanceof TogetherException e) {
        assertThat(e.attempts()).as("attempts() of %s", e).isEqualTo(row.reportedAttempts);
        assertThat(e.getMessage())
            .as("message")
            .isNotBlank()
            .doesNotContain(server.apiKey())
            .hasSizeLessThan(500);
      }
    }
    assertThat(server.requestCount()).as("image generation requests").isEqualTo(row.attempts);
  }

  /**
   * Checks that every file left is a whole image: the one the row names, or else the same image
   * generated again without fault (the fake server draws the same bytes for the same request).
   */
  private static void assertFilesComplete(
      FaultRow row, Path dir, FakeTogetherServer server, TogetherImages client) throws IOException {
    if (row.files.isEmpty()) {
      return;
    }
    @Nullable ImageGenerationResult clean = null;
    if (row.image == null) {
      server.reset();
      clean = client.generate(row.request);
    }
    for (String name : row.files) {
      int index = Integer.parseInt(name.substring("image_".length(), name.indexOf('.')));
      byte[] expected = clean != null ? clean.images().get(index).bytes() : row.image;
      assertThat(dir.resolve(name)).as(name).hasBinaryContent(expected);
    }
  }

  /** Waits for the dispatcher to go idle and every connection to become idle and be evicted. */
  private static void assertNoLeak(OkHttpClient shared) throws InterruptedException {
    awaitTrue(
        () ->
            shared.dispatcher().runningCallsCount() == 0
                && shared.dispatcher().queuedCallsCount() == 0);
    assertThat(shared.dispatcher().runningCallsCount()).as("running calls").isZero();
    assertThat(shared.dispatcher().queuedCallsCount()).as("queued calls").isZero();
    awaitTrue(
        () -> {
          shared.connectionPool().evictAll();
          return shared.connectionPool().connectionCount() == 0;
        });
    assertThat(shared.connectionPool().connectionCount())
        .as("connections left after evictAll (one held by an unclosed body is not idle)")
        .isZero();
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /** Everything under {@code dir}, hidden files and directories included, by relative name. */
  private static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(path -> !path.equals(dir))
          .map(path -> dir.relativize(path).toString())
          .sorted()
          .toList();
    }
  }

  /** A 429 whose Retry-After is an HTTP date {@code seconds} ahead, truncated to the second. */
  private static Fault rateLimitedUntil(int seconds) {
    String date =
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC)
            .format(Instant.now().plusSeconds(seconds));
    return rateLimitedWithout().withHeader("Retry-After", date);
  }

  private static Fault rateLimitedWithout() {
    return Fault.error(429, "rate_limit_exceeded", "Rate limit exceeded: slow down");
  }

  private static byte[] png() {
    BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    image.setRGB(3, 4, 0xff8800);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Counts down when response headers have been read since the last {@link #reset()}. */
  private static final class HeadersListener extends EventListener {
    volatile CountDownLatch arrived = new CountDownLatch(1);

    void reset() {
      arrived = new CountDownLatch(1);
    }

    @Override
    public void responseHeadersEnd(Call call, Response response) {
      arrived.countDown();
    }
  }
}
