package io.github.together4j.images;

import static io.github.together4j.images.TestApi.OK_BODY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which failures are retried and how long the client waits in between, for blocking and async calls
 * alike. Waits are recorded, never slept: jitter is pinned to none and the clock is fixed.
 */
class RetriesTest {
  enum Mode {
    SYNC,
    ASYNC
  }

  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
  @StartStop private final MockWebServer server = new MockWebServer();

  /** Every wait the client asked for, through the sleeper (sync) or the scheduler (async). */
  @RegisterExtension final TestClients clients = new TestClients();

  private final List<Duration> delays = clients.delays;

  @ParameterizedTest
  @EnumSource(Mode.class)
  void status429WithRetryAfterSecondsIsRetried(Mode mode) {
    server.enqueue(error(429).addHeader("Retry-After", "2").build());
    server.enqueue(ok());

    try (TogetherImages client = client(2)) {
      assertThat(generate(mode, client).id()).isEqualTo("gen-1");
    }
    assertThat(delays).containsExactly(Duration.ofSeconds(2));
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void retryAfterHttpDateIsHonoured(Mode mode) {
    server.enqueue(error(429).addHeader("Retry-After", "Wed, 01 Jan 2025 00:00:03 GMT").build());
    server.enqueue(ok());

    try (TogetherImages client = client(2)) {
      generate(mode, client);
    }
    assertThat(delays).containsExactly(Duration.ofSeconds(3));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void retryAfterHttpDateInThePastRetriesAtOnce(Mode mode) {
    server.enqueue(error(503).addHeader("Retry-After", "Tue, 31 Dec 2024 23:59:00 GMT").build());
    server.enqueue(ok());

    try (TogetherImages client = client(2)) {
      generate(mode, client);
    }
    assertThat(delays).containsExactly(Duration.ZERO);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void retryAfterMsIsHonouredBeforeRetryAfter(Mode mode) {
    server.enqueue(
        error(429).addHeader("retry-after-ms", "1500").addHeader("Retry-After", "2").build());
    server.enqueue(error(429).addHeader("retry-after-ms", "250.5").build());
    server.enqueue(ok());

    try (TogetherImages client = client(2)) {
      generate(mode, client);
    }
    assertThat(delays).containsExactly(Duration.ofMillis(1500), Duration.ofNanos(250_500_000));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void retryAfterAbove60SecondsFallsBackToBackoff(Mode mode) {
    server.enqueue(error(429).addHeader("Retry-After", "120").build());
    server.enqueue(error(429).addHeader("Retry-After", "soon").build());
    server.enqueue(ok());

    try (TogetherImages client = client(2)) {
      generate(mode, client);
    }
    assertThat(delays).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void status503ThenSuccessResendsTheSameRequest(Mode mode) throws Exception {
    server.enqueue(error(503).build());
    server.enqueue(ok());

    try (TogetherImages client = client(2)) {
      assertThat(generate(mode, client).images()).hasSize(1);
    }
    RecordedRequest first = server.takeRequest();
    RecordedRequest second = server.takeRequest();
    assertThat(second.getBody()).isEqualTo(first.getBody());
    assertThat(second.getHeaders().get("Authorization")).isEqualTo("Bearer " + TestApi.API_KEY);
    assertThat(delays).containsExactly(Duration.ofMillis(500));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void retriesExhaustedReportsAttemptsAfterDoublingBackoff(Mode mode) {
    for (int i = 0; i < 4; i++) {
      server.enqueue(error(500).addHeader("x-request-id", "req-" + i).build());
    }

    try (TogetherImages client = client(3)) {
      ServerException e = catchThrowableOfType(ServerException.class, () -> generate(mode, client));

      assertThat(e.attempts()).isEqualTo(4);
      assertThat(e.requestId()).isEqualTo("req-3");
      assertThat(e).hasMessageEndingWith("; request-id: req-3; after 4 attempts");
    }
    assertThat(delays).containsExactly(millis(500, 1000, 2000));
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void backoffIsCappedAt8Seconds(Mode mode) {
    for (int i = 0; i < 7; i++) {
      server.enqueue(error(502).build());
    }

    try (TogetherImages client = client(6)) {
      ServerException e = catchThrowableOfType(ServerException.class, () -> generate(mode, client));
      assertThat(e.attempts()).isEqualTo(7);
    }
    assertThat(delays).containsExactly(millis(500, 1000, 2000, 4000, 8000, 8000));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void jitterShortensBackoffByAtMostAQuarter(Mode mode) {
    server.enqueue(error(500).build());
    server.enqueue(error(500).build());
    server.enqueue(ok());

    try (TogetherImages client = client(2, () -> 1.0)) {
      generate(mode, client);
    }
    assertThat(delays).containsExactly(millis(375, 750));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void connectionDroppedBeforeResponseIsRetried(Mode mode) {
    server.enqueue(
        new MockResponse.Builder()
            .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    server.enqueue(ok());

    try (TogetherImages client = client(2)) {
      assertThat(generate(mode, client).id()).isEqualTo("gen-1");
    }
    assertThat(delays).containsExactly(Duration.ofMillis(500));
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void connectionDroppedMidBodyIsRetried(Mode mode) {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(OK_BODY)
            .throttleBody(20, 0, TimeUnit.MILLISECONDS)
            .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    server.enqueue(ok());

    try (TogetherImages client = client(2)) {
      assertThat(generate(mode, client).id()).isEqualTo("gen-1");
    }
    assertThat(delays).containsExactly(Duration.ofMillis(500));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void readTimeoutIsRetried(Mode mode) {
    server.enqueue(
        new MockResponse.Builder().body(OK_BODY).headersDelay(2, TimeUnit.SECONDS).build());
    server.enqueue(ok());

    try (TogetherImages client =
        builder(1, () -> 0.0).readTimeout(Duration.ofMillis(200)).build()) {
      assertThat(generate(mode, client).id()).isEqualTo("gen-1");
    }
    assertThat(delays).containsExactly(Duration.ofMillis(500));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("modesWith400And401And403And404And422")
  void noRetryOnClientErrors(Mode mode, int status) {
    server.enqueue(error(status).build());
    server.enqueue(ok());

    try (TogetherImages client = client(2)) {
      TogetherException e =
          catchThrowableOfType(TogetherException.class, () -> generate(mode, client));
      assertThat(e.statusCode()).isEqualTo(status);
      assertThat(e.attempts()).isEqualTo(1);
      assertThat(e.getMessage()).doesNotContain("attempts");
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(delays).isEmpty();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("modesWith408And409")
  void status408And409AreRetried(Mode mode, int status) {
    server.enqueue(error(status).build());
    server.enqueue(ok());

    try (TogetherImages client = client(2)) {
      assertThat(generate(mode, client).id()).isEqualTo("gen-1");
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void exhausted409IsPlainTogetherException(Mode mode) {
    server.enqueue(error(409).build());
    server.enqueue(error(409).build());

    try (TogetherImages client = client(1)) {
      TogetherException e =
          catchThrowableOfType(TogetherException.class, () -> generate(mode, client));
      assertThat(e).isExactlyInstanceOf(TogetherException.class);
      assertThat(e.statusCode()).isEqualTo(409);
      assertThat(e).hasMessageEndingWith("; after 2 attempts");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void maxRetriesZeroSendsExactlyOneRequest(Mode mode) {
    server.enqueue(error(503).build());
    server.enqueue(ok());

    try (TogetherImages client = client(0)) {
      ServerException e = catchThrowableOfType(ServerException.class, () -> generate(mode, client));
      assertThat(e.attempts()).isEqualTo(1);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(delays).isEmpty();
  }

  static Stream<Arguments> modesWith400And401And403And404And422() {
    return withEveryMode(400, 401, 403, 404, 422);
  }

  static Stream<Arguments> modesWith408And409() {
    return withEveryMode(408, 409);
  }

  private static Stream<Arguments> withEveryMode(int... statuses) {
    return Arrays.stream(Mode.values())
        .flatMap(mode -> Arrays.stream(statuses).mapToObj(status -> Arguments.of(mode, status)));
  }

  /**
   * Calls the client the way {@code mode} says; async failures are unwrapped to what sync throws.
   */
  private static ImageGenerationResult generate(Mode mode, TogetherImages client) {
    if (mode == Mode.SYNC) {
      return client.generate("a cat");
    }
    try {
      return client.generateAsync("a cat").get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw new AssertionError(e);
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  private TogetherImages client(int maxRetries) {
    return client(maxRetries, () -> 0.0);
  }

  private TogetherImages client(int maxRetries, DoubleSupplier random) {
    return builder(maxRetries, random).build();
  }

  private TogetherImages.Builder builder(int maxRetries, DoubleSupplier random) {
    return clients.builder(
        server.url("/v1/").toString(),
        clients.recording(maxRetries, random, Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  private static Duration[] millis(long... values) {
    return Arrays.stream(values).mapToObj(Duration::ofMillis).toArray(Duration[]::new);
  }

  private static MockResponse.Builder error(int status) {
    return new MockResponse.Builder()
        .code(status)
        .addHeader("Content-Type", "application/json")
        .body(
            "{\"error\":{\"message\":\"Try again\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
  }

  private static MockResponse ok() {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "application/json")
        .body(OK_BODY)
        .build();
  }
}
