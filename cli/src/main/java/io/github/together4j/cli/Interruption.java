package io.github.together4j.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (or a SIGTERM) while images are being received: cancels the HTTP calls, so that the
 * streaming save deletes its temporary files as after any failure, and holds the JVM until it has
 * (at most {@value #GRACE_MILLIS} ms). Nothing is left in {@code --out}.
 */
final class Interruption implements AutoCloseable {
  private static final long GRACE_MILLIS = 2_000;

  private final Thread hook;
  private final CountDownLatch done = new CountDownLatch(1);

  private Interruption(Runnable onSignal, long graceMillis, boolean enabled) {
    if (!enabled) {
      hook = null;
      return;
    }
    hook =
        new Thread(
            () -> {
              onSignal.run();
              try {
                done.await(graceMillis, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "together4j-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Watches for a signal until closed, which the command does once the save has returned or failed.
   * With {@code enabled} false (in-process tests: the JVM is the test runner's) it does nothing.
   */
  static Interruption watch(Transfers transfers, boolean enabled) {
    return new Interruption(transfers::cancelAll, GRACE_MILLIS, enabled);
  }

  /**
   * Watches for a signal until closed: on one, runs {@code onSignal} (for a batch: interrupts the
   * thread running it, which lets the requests in flight finish and be recorded) and holds the JVM
   * until closed, at most {@code graceMillis} ms.
   */
  static Interruption watch(Runnable onSignal, long graceMillis, boolean enabled) {
    return new Interruption(onSignal, graceMillis, enabled);
  }

  @Override
  public void close() {
    done.countDown();
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Shutting down: the hook is running, and now lets the JVM go.
      }
    }
  }
}
