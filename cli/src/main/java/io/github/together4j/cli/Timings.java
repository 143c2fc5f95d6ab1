package io.github.together4j.cli;

import java.util.Locale;

/**
 * How long a generation took, in nanoseconds: in all (from the start of the command), until the
 * response began (Together's work, plus the connection and any retries), and from then until the
 * files were in place.
 */
record Timings(long totalNanos, long generationNanos, long transferNanos) {
  /**
   * @param total the whole command so far
   * @param responseAt when the response's headers arrived, or 0 if that was not seen
   * @param requested when the request was about to be sent
   * @param done when the files were in place
   */
  Timings(long total, long responseAt, long requested, long done) {
    this(
        total,
        responseAt == 0 ? done - requested : responseAt - requested,
        responseAt == 0 ? 0 : done - responseAt);
  }

  static long millis(long nanos) {
    return Math.round(nanos / 1e6);
  }

  /** One line for {@code --verbose}. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "timings: %d ms in all; %d ms until the response began; %d ms receiving and saving",
        millis(totalNanos),
        millis(generationNanos),
        millis(transferNanos));
  }
}
