package io.github.together4j.images;

import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The one retry loop. Runs the attempts of a call (a generation, a streaming save, a download)
 * until one succeeds, one fails for good, or {@link RetryPolicy} allows no more; waits between them
 * through the policy's sleeper (sync) or scheduler (async), honouring {@code Retry-After}. An
 * attempt that throws a {@link TogetherException} fails the call at once.
 */
final class Retrier {
  /** What one attempt ended with: a value, or a failure that may be retried. */
  static final class Outcome<T> {
    final @Nullable T value;
    final @Nullable TogetherException failure;
    final boolean retryable;

    /** The failed response's headers, for {@code Retry-After}; null without a response. */
    final @Nullable Headers headers;

    private Outcome(
        @Nullable T value,
        @Nullable TogetherException failure,
        boolean retryable,
        @Nullable Headers headers) {
      this.value = value;
      this.failure = failure;
      this.retryable = retryable;
      this.headers = headers;
    }

    static <T> Outcome<T> success(T value) {
      return new Outcome<>(value, null, false, null);
    }

    static <T> Outcome<T> failure(
        TogetherException failure, boolean retryable, @Nullable Headers headers) {
      return new Outcome<>(null, failure, retryable, headers);
    }
  }

  /** One attempt, numbered from 1. */
  interface Attempt<T> {
    Outcome<T> run(int attempt);
  }

  /** One attempt that ends later: it calls {@code done} once, and can be cancelled meanwhile. */
  interface AsyncAttempt<T> {
    Runnable start(int attempt, Consumer<Outcome<T>> done);
  }

  private final RetryPolicy policy;

  Retrier(RetryPolicy policy) {
    this.policy = policy;
  }

  /**
   * Runs {@code attempt} until it succeeds or fails for good; {@code interrupted} is thrown when
   * the thread is interrupted while waiting to retry.
   */
  <T> T run(Attempt<T> attempt, IntFunction<TogetherException> interrupted) {
    for (int n = 1; ; n++) {
      Outcome<T> outcome = attempt.run(n);
      if (outcome.failure == null) {
        return outcome.value;
      }
      if (!outcome.retryable || !policy.mayRetry(n)) {
        throw outcome.failure;
      }
      try {
        policy.sleeper.sleep(policy.delay(n, outcome.headers));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted.apply(n);
      }
    }
  }

  <T> T run(Attempt<T> attempt) {
    return run(attempt, Retrier::interruptedWhileWaiting);
  }

  static TogetherException interruptedWhileWaiting(int attempts) {
    return ErrorMapper.fromThrowable(
        new InterruptedIOException("interrupted while waiting to retry"), 0, null, attempts);
  }

  /**
   * Runs {@code attempt} without blocking a thread: retries are scheduled, not slept. Cancelling or
   * completing the returned future (e.g. by {@code orTimeout}) cancels the attempt in flight and
   * any retry not yet started. While {@code mayStart} says no (a closed client), nothing is retried
   * and a retry due fails with {@code notStarted}.
   */
  <T> CompletableFuture<T> runAsync(
      AsyncAttempt<T> attempt,
      BooleanSupplier mayStart,
      IntFunction<TogetherException> notStarted) {
    return new AsyncRun<>(attempt, mayStart, notStarted).start();
  }

  private final class AsyncRun<T> {
    private final AsyncAttempt<T> attempt;
    private final BooleanSupplier mayStart;
    private final IntFunction<TogetherException> notStarted;
    private volatile Runnable cancelCurrent = () -> {};
    private int number = 1;

    final CompletableFuture<T> future =
        new CompletableFuture<>() {
          @Override
          public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
              cancelCurrent.run();
            }
            return cancelled;
          }
        };

    AsyncRun(
        AsyncAttempt<T> attempt,
        BooleanSupplier mayStart,
        IntFunction<TogetherException> notStarted) {
      this.attempt = attempt;
      this.mayStart = mayStart;
      this.notStarted = notStarted;
    }

    CompletableFuture<T> start() {
      // However the future completes (orTimeout and completeOnTimeout do it without cancel()),
      // the attempt in flight ends with it; after a completion of our own it has ended already.
      future.whenComplete((value, error) -> cancelCurrent.run());
      cancelCurrent = attempt.start(number, this::done);
      return future;
    }

    private void done(Outcome<T> outcome) {
      if (future.isDone()) {
        return;
      }
      if (outcome.failure == null) {
        future.complete(outcome.value);
        return;
      }
      if (!outcome.retryable || !mayStart.getAsBoolean() || !policy.mayRetry(number)) {
        future.completeExceptionally(outcome.failure);
        return;
      }
      policy.scheduler.schedule(policy.delay(number, outcome.headers), this::retry);
    }

    private void retry() {
      if (future.isDone()) {
        return;
      }
      if (!mayStart.getAsBoolean()) {
        future.completeExceptionally(notStarted.apply(number));
        return;
      }
      number++;
      Runnable cancel = attempt.start(number, this::done);
      cancelCurrent = cancel;
      if (future.isCancelled()) {
        cancel.run();
      }
    }
  }
}
