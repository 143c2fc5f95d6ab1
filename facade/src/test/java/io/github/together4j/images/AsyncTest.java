package io.github.together4j.images;

import static io.github.together4j.images.TestApi.OK_BODY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.Dispatcher;
import org.junit.jupiter.api.Test;

/** {@link TogetherImages#generateAsync}: where it runs, how it fails, and how it is cancelled. */
class AsyncTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  @StartStop private final MockWebServer server = new MockWebServer();

  /** The retry task the client scheduled last, held instead of run. */
  private final AtomicReference<Runnable> pendingRetry = new AtomicReference<>();

  private final AtomicReference<Duration> pendingDelay = new AtomicReference<>();

  @Test
  void successCompletesOnOkHttpDispatcherThread() throws Exception {
    try (TogetherImages client = client(0)) {
      // The server holds the request until a response is enqueued, so the stage below is
      // registered before the future completes and runs on the completing thread.
      CompletableFuture<String> thread =
          client.generateAsync("a cat").thenApply(result -> Thread.currentThread().getName());
      server.enqueue(ok().build());

      assertThat(thread.get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .contains("OkHttp")
          .isNotEqualTo(Thread.currentThread().getName());
    }
  }

  @Test
  void callingThreadIsNotBlocked() throws Exception {
    server.enqueue(ok().headersDelay(1, TimeUnit.SECONDS).build());

    try (TogetherImages client = client(0)) {
      long start = System.nanoTime();
      CompletableFuture<ImageGenerationResult> future = client.generateAsync("a cat");
      long returnedAfterMillis = (System.nanoTime() - start) / 1_000_000;

      assertThat(returnedAfterMillis).isLessThan(500);
      assertThat(future).isNotDone();
      assertThat(future.get(WAIT.toSeconds(), TimeUnit.SECONDS).id()).isEqualTo("gen-1");
    }
  }

  @Test
  void failureCompletesExceptionallyWithTypedException() {
    server.enqueue(
        new MockResponse.Builder()
            .code(404)
            .addHeader("Content-Type", "application/json")
            .addHeader("x-request-id", "req-404")
            .body(
                "{\"error\":{\"message\":\"No such model\",\"type\":\"not_found\",\"param\":\"model\","
                    + "\"code\":\"model_not_found\"}}")
            .build());

    try (TogetherImages client = client(2)) {
      CompletableFuture<ImageGenerationResult> future = client.generateAsync("a cat");

      assertThat(future)
          .failsWithin(WAIT)
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isExactlyInstanceOf(NotFoundException.class)
          .withMessage(
              "HTTP 404 not_found: No such model; param: model; code: model_not_found;"
                  + " request-id: req-404");
      assertThatThrownBy(future::join)
          .isInstanceOf(CompletionException.class)
          .cause()
          .isExactlyInstanceOf(NotFoundException.class);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void connectionFailureCompletesExceptionally() {
    String closedUrl;
    try (MockWebServer closed = new MockWebServer()) {
      closed.start();
      closedUrl = closed.url("/v1/").toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }

    try (TogetherImages client = builder(0).baseUrl(closedUrl).build()) {
      assertThat(client.generateAsync("a cat"))
          .failsWithin(WAIT)
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isExactlyInstanceOf(ApiConnectionException.class)
          .satisfies(e -> assertThat(((TogetherException) e).statusCode()).isZero());
    }
  }

  @Test
  void cancelFutureCancelsCall() throws Exception {
    server.enqueue(ok().headersDelay(10, TimeUnit.SECONDS).build());
    server.enqueue(ok().build());

    try (TogetherImages client = client(2)) {
      Dispatcher dispatcher = client.httpClient().dispatcher();
      CompletableFuture<ImageGenerationResult> future = client.generateAsync("a cat");
      assertThat(server.takeRequest(WAIT.toSeconds(), TimeUnit.SECONDS)).isNotNull();
      assertThat(dispatcher.runningCallsCount()).isEqualTo(1);

      assertThat(future.cancel(true)).isTrue();

      assertThat(future).isCancelled();
      awaitTrue(() -> dispatcher.runningCallsCount() == 0, Duration.ofSeconds(2));
      assertThat(dispatcher.queuedCallsCount()).isZero();
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(pendingRetry.get()).as("a cancelled call is not retried").isNull();
  }

  @Test
  void retryWaitHoldsNoThread() throws Exception {
    server.enqueue(serverError().build());
    server.enqueue(ok().build());

    try (TogetherImages client = client(2)) {
      Dispatcher dispatcher = client.httpClient().dispatcher();
      CompletableFuture<ImageGenerationResult> future = client.generateAsync("a cat");
      awaitTrue(() -> pendingRetry.get() != null, WAIT);
      awaitTrue(() -> dispatcher.runningCallsCount() == 0, WAIT);

      assertThat(future).isNotDone();
      assertThat(pendingDelay.get()).isEqualTo(Duration.ofMillis(500));

      pendingRetry.get().run();
      assertThat(future.get(WAIT.toSeconds(), TimeUnit.SECONDS).id()).isEqualTo("gen-1");
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void cancelDuringRetryWaitPreventsRetry() {
    server.enqueue(serverError().build());
    server.enqueue(ok().build());

    try (TogetherImages client = client(2)) {
      Dispatcher dispatcher = client.httpClient().dispatcher();
      CompletableFuture<ImageGenerationResult> future = client.generateAsync("a cat");
      awaitTrue(() -> pendingRetry.get() != null, WAIT);

      assertThat(future.cancel(true)).isTrue();
      pendingRetry.get().run();

      assertThat(future).isCancelled();
      // A retry, had one been sent, would reach the server before its call left the dispatcher.
      awaitTrue(
          () -> dispatcher.runningCallsCount() == 0 && dispatcher.queuedCallsCount() == 0, WAIT);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  private static void awaitTrue(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private TogetherImages client(int maxRetries) {
    return builder(maxRetries).build();
  }

  /** A client whose retries wait for the test to run them. */
  private TogetherImages.Builder builder(int maxRetries) {
    RetryPolicy held =
        new RetryPolicy(
            maxRetries,
            d -> {
              throw new AssertionError("async calls must not sleep");
            },
            (delay, task) -> {
              pendingDelay.set(delay);
              pendingRetry.set(task);
            },
            () -> 0.0,
            Clock.systemUTC());
    return TogetherImages.builder()
        .apiKey("test-key")
        .baseUrl(server.url("/v1/").toString())
        .retryPolicy(held);
  }

  private static MockResponse.Builder ok() {
    return new MockResponse.Builder().addHeader("Content-Type", "application/json").body(OK_BODY);
  }

  private static MockResponse.Builder serverError() {
    return new MockResponse.Builder()
        .code(503)
        .addHeader("Content-Type", "application/json")
        .body(
            "{\"error\":{\"message\":\"Busy\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
  }
}
