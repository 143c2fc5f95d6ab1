package io.github.together4j.images;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

/**
 * When and how long to wait before retrying: exponential backoff with jitter from 0.5 s doubling to
 * 8 s, unless the server says otherwise with {@code retry-after-ms} or {@code Retry-After}.
 */
final class RetryPolicy {
  static final Duration INITIAL_BACKOFF = Duration.ofMillis(500);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(8);
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

  /** Blocks the calling thread; replaced in tests so they do not sleep. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** Runs a task after a delay without blocking a thread; replaced in tests. */
  interface Scheduler {
    void schedule(Duration delay, Runnable task);
  }

  static final Sleeper THREAD_SLEEPER = d -> Thread.sleep(d.toMillis());

  /** Runs the task on the JDK's shared delay thread: we own no thread pool. */
  static final Scheduler DELAYED_EXECUTOR =
      (delay, task) ->
          CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, Runnable::run)
              .execute(task);

  final int maxRetries;
  final Sleeper sleeper;
  final Scheduler scheduler;
  private final DoubleSupplier random;
  private final Clock clock;

  RetryPolicy(
      int maxRetries, Sleeper sleeper, Scheduler scheduler, DoubleSupplier random, Clock clock) {
    this.maxRetries = maxRetries;
    this.sleeper = sleeper;
    this.scheduler = scheduler;
    this.random = random;
    this.clock = clock;
  }

  static RetryPolicy standard(int maxRetries) {
    return new RetryPolicy(
        maxRetries,
        THREAD_SLEEPER,
        DELAYED_EXECUTOR,
        () -> ThreadLocalRandom.current().nextDouble(),
        Clock.systemUTC());
  }

  /** Statuses worth another try: timeouts, conflicts, rate limits and server errors. */
  static boolean isRetryableStatus(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
  }

  /** Whether attempt number {@code attempts} (1-based) may be followed by another. */
  boolean mayRetry(int attempts) {
    return attempts <= maxRetries;
  }

  /** The wait before retry number {@code retry} (1-based), honouring the server's headers. */
  Duration delay(int retry, @Nullable Headers headers) {
    Duration fromServer = headers == null ? null : retryAfter(headers);
    if (fromServer != null) {
      return fromServer;
    }
    double seconds =
        Math.min(
            INITIAL_BACKOFF.toMillis() / 1000.0 * Math.pow(2, retry - 1), MAX_BACKOFF.toSeconds());
    double jitter = 1 - 0.25 * random.getAsDouble();
    return Duration.ofMillis(Math.round(seconds * jitter * 1000));
  }

  /** The server's requested delay, if it gave a usable one (0 to 60 s). */
  private @Nullable Duration retryAfter(Headers headers) {
    Duration millis = parse(headers.get("retry-after-ms"), 1_000_000);
    if (millis != null) {
      return usable(millis);
    }
    String retryAfter = headers.get("Retry-After");
    if (retryAfter == null) {
      return null;
    }
    Duration seconds = parse(retryAfter, 1_000_000_000);
    if (seconds != null) {
      return usable(seconds);
    }
    Date date = headers.getDate("Retry-After");
    if (date == null) {
      return null;
    }
    Duration until = Duration.between(Instant.now(clock), date.toInstant());
    return usable(until.isNegative() ? Duration.ZERO : until);
  }

  /** Parses a decimal number of units of {@code nanosPerUnit}, or returns null. */
  private static @Nullable Duration parse(@Nullable String value, long nanosPerUnit) {
    if (value == null) {
      return null;
    }
    try {
      return Duration.ofNanos(Math.round(Double.parseDouble(value.trim()) * nanosPerUnit));
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  private static @Nullable Duration usable(Duration duration) {
    return duration.isNegative() || duration.compareTo(MAX_RETRY_AFTER) > 0 ? null : duration;
  }
}
