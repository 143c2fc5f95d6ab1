package io.github.together4j.images.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The fake server's rate limit, concurrency limit, latency and count of generations served. */
class FakeServerLimitsTest extends FakeServerTestBase {

  @Test
  void rateLimitAnswers429WithRetryAfterOnceTheSecondsBurstIsSpent() {
    try (FakeTogetherServer limited = started(b -> b.rateLimit(120))) {
      // 120 a minute is 2 a second: a burst of two, then 429 until a token is back.
      assertThat(post(limited, MINIMAL_SMALL).code()).isEqualTo(200);
      assertThat(post(limited, MINIMAL_SMALL).code()).isEqualTo(200);
      Reply refused = post(limited, MINIMAL_SMALL);

      assertThat(refused.code()).isEqualTo(429);
      assertThat(refused.headers().get("Retry-After")).isEqualTo("1");
      assertThat(object(refused.json().get("error")))
          .containsEntry("type", "dynamic_request_limited")
          .containsEntry(
              "message", "Rate limit exceeded: 120 requests per minute, measured per second");
      assertThat(limited.requestCount()).isEqualTo(3);
      assertThat(limited.generationsServed()).isEqualTo(2);
      assertThat(limited.rateLimitedCount()).isEqualTo(1);
    }
  }

  @Test
  void rateLimitIgnoresRequestsWithAWrongKey() {
    try (FakeTogetherServer limited = started(b -> b.rateLimit(60))) {
      assertThat(post(limited, MINIMAL_SMALL, "Bearer wrong").code()).isEqualTo(401);
      assertThat(post(limited, MINIMAL_SMALL, "Bearer wrong").code()).isEqualTo(401);

      assertThat(post(limited, MINIMAL_SMALL).code()).isEqualTo(200);
      assertThat(limited.rateLimitedCount()).isZero();
    }
  }

  @Test
  void concurrencyLimitRefusesARequestPastIt() throws Exception {
    try (FakeTogetherServer limited =
        started(b -> b.concurrencyLimit(1).generationLatency(Duration.ofMillis(700)))) {
      CompletableFuture<Reply> first =
          CompletableFuture.supplyAsync(() -> post(limited, MINIMAL_SMALL));
      while (limited.requestCount() == 0) {
        Thread.sleep(5);
      }
      Reply second = post(limited, MINIMAL_SMALL);

      assertThat(second.code()).isEqualTo(429);
      assertThat(second.headers().get("Retry-After")).isEqualTo("1");
      assertThat(object(second.json().get("error")).get("message"))
          .isEqualTo("Too many concurrent requests: at most 1 at a time");
      assertThat(first.get().code()).isEqualTo(200);
      // The slot is free again once the first is answered.
      assertThat(post(limited, MINIMAL_SMALL).code()).isEqualTo(200);
      assertThat(limited.generationsServed()).isEqualTo(2);
      assertThat(limited.rateLimitedCount()).isEqualTo(1);
    }
  }

  @Test
  void generationLatencyIsPerImage() {
    try (FakeTogetherServer slow = started(b -> b.generationLatency(Duration.ofMillis(150)))) {
      long start = System.nanoTime();
      Reply reply = post(slow, base64Request("a fox", 1, 3));
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

      assertThat(data(reply)).hasSize(3);
      assertThat(elapsedMillis).isGreaterThanOrEqualTo(450);
    }
  }

  @Test
  void generationsServedCountsAnswersWithImagesOnly() {
    server.enqueue(Fault.overloaded());
    server.enqueue(Fault.dropMidBody());
    assertThat(post(server, MINIMAL_SMALL).code()).isEqualTo(503);
    try {
      post(server, base64Request("cut", 1, 1));
    } catch (RuntimeException e) {
      // The body was cut off: the generation was served all the same.
    }
    assertThat(post(server, "{\"prompt\":\"a fox\"}").code()).isEqualTo(400);
    assertThat(post(server, MINIMAL_SMALL, "Bearer wrong").code()).isEqualTo(401);
    assertThat(post(server, MINIMAL_SMALL).code()).isEqualTo(200);

    assertThat(server.requestCount()).isEqualTo(5);
    assertThat(server.generationsServed()).isEqualTo(2);

    server.reset();
    assertThat(server.generationsServed()).isZero();
  }

  @Test
  void builderRefusesNegativeLimitsAndAnInvertedLatencyRange() {
    FakeTogetherServer.Builder builder = FakeTogetherServer.builder();
    assertThatThrownBy(() -> builder.rateLimit(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("requestsPerMinute = -1 is out of range: allowed is 0 or more");
    assertThatThrownBy(() -> builder.concurrencyLimit(-2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConcurrentRequests = -2 is out of range: allowed is 0 or more");
    assertThatThrownBy(
            () -> builder.generationLatency(Duration.ofSeconds(3), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "generationLatency 3000 ms to 1000 ms is out of range: allowed is 0 <= min <= max");
  }

  @Test
  void mainTakesRpmConcurrencyAndLatency() {
    FakeTogetherServer.Builder builder =
        FakeTogetherServer.parseArgs(
            new String[] {"--rpm", "600", "--max-concurrent", "4", "--latency-ms", "1000-3000"});
    try (FakeTogetherServer parsed = builder.start()) {
      assertThat(parsed.limits.describe())
          .isEqualTo("600 requests/min, 4 concurrent requests, 1000-3000 ms per image");
    }
    assertThatThrownBy(
            () -> FakeTogetherServer.parseArgs(new String[] {"--latency-ms", "3000-1000"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("generationLatency 3000 ms to 1000 ms is out of range");
    assertThatThrownBy(() -> FakeTogetherServer.parseArgs(new String[] {"--rpm", "lots"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--rpm lots is not a number");
  }

  private static FakeTogetherServer started(Consumer<FakeTogetherServer.Builder> settings) {
    FakeTogetherServer.Builder builder = FakeTogetherServer.builder();
    settings.accept(builder);
    return builder.start();
  }
}
