package io.github.together4j.cli;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * What the user sees on standard error while Together works: on a terminal, one status line redrawn
 * in place (what is being done, the time so far, the bytes received); otherwise one plain line when
 * the work starts; with {@code --quiet}, nothing.
 */
abstract class Progress implements AutoCloseable {
  private static final long TICK_MILLIS = 100;
  private static final char[] SPINNER = {'|', '/', '-', '\\'};

  /**
   * Says that {@code what} (e.g. "Generating 2 images with M") is under way; {@code receiving} is
   * what the live line says once the response has started to arrive.
   */
  abstract void start(String what, String receiving);

  /** Takes the status line away before other output; idempotent. */
  @Override
  public abstract void close();

  static Progress none() {
    return new Progress() {
      @Override
      void start(String what, String receiving) {}

      @Override
      public void close() {}
    };
  }

  static Progress live(PrintWriter err, int columns, LongSupplier clock, Transfers transfers) {
    return new Live(err, columns, clock, transfers);
  }

  /** The redrawn line, on a daemon thread that {@link #close()} stops before returning. */
  private static final class Live extends Progress {
    private final PrintWriter err;
    private final int columns;
    private final LongSupplier clock;
    private final Transfers transfers;
    private final Object lock = new Object();
    private Thread ticker;
    private Thread cleanup;
    private int drawn;
    private boolean closed;

    Live(PrintWriter err, int columns, LongSupplier clock, Transfers transfers) {
      this.err = err;
      this.columns = columns;
      this.clock = clock;
      this.transfers = transfers;
    }

    @Override
    void start(String what, String receiving) {
      long started = clock.getAsLong();
      ticker =
          new Thread(
              () -> {
                for (int tick = 0; ; tick++) {
                  synchronized (lock) {
                    if (closed) {
                      return;
                    }
                    draw(what, receiving, started, tick);
                  }
                  try {
                    Thread.sleep(TICK_MILLIS);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "together4j-status");
      ticker.setDaemon(true);
      // Ctrl-C while the line is up: leave the terminal clean.
      cleanup = new Thread(this::clear, "together4j-status-cleanup");
      Runtime.getRuntime().addShutdownHook(cleanup);
      ticker.start();
    }

    private void draw(String what, String receiving, long started, int tick) {
      long bytes = transfers.bytes();
      String line =
          SPINNER[tick % SPINNER.length]
              + " "
              + (transfers.responseAt() != 0 ? receiving : what)
              + "  "
              + Text.seconds(clock.getAsLong() - started)
              + (bytes > 0 ? "  " + Text.bytes(bytes) : "");
      if (line.length() > columns - 1) {
        line = line.substring(0, columns - 1);
      }
      err.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
      err.flush();
      drawn = line.length();
    }

    private void clear() {
      synchronized (lock) {
        closed = true;
        if (drawn > 0) {
          err.print("\r" + " ".repeat(drawn) + "\r");
          err.flush();
          drawn = 0;
        }
      }
    }

    @Override
    public void close() {
      clear();
      if (ticker != null) {
        ticker.interrupt();
        try {
          ticker.join(1_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        try {
          Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
          // Already shutting down: the hook runs, harmlessly.
        }
        ticker = null;
      }
    }
  }
}
