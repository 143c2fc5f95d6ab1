package io.github.together4j.images;

import java.util.ArrayDeque;

/**
 * How fast a batch sends: an in-flight limit adapted AIMD-style, an optional requests-per-minute
 * cap, and pauses the server asks for. Not thread-safe: {@link BatchRunner} calls it under its
 * lock. Times are {@link System#nanoTime()} values, passed in so tests need no clock.
 *
 * <ul>
 *   <li>The limit starts at the configured concurrency, its cap, and never exceeds it.
 *   <li>A 429 halves it, once per round: a 429 for a request sent before the last cut is the same
 *       congestion, already answered. It never falls below 1, nor below what the measured rate of
 *       successes needs (successes per second over the last window times the mean latency): a cut
 *       below that would only idle the account's own rate, which a 429 has just shown is reached.
 *   <li>Each success adds {@code 1 / limit}: one more request in flight per round of successes. A
 *       cut from about the same limit as the last one (within an eighth of it, or 2: a ceiling
 *       found again, such as the account's requests per minute) doubles how many rounds each step
 *       up takes, up to {@value #MAX_PATIENCE}: probing a known ceiling costs a 429 and a pause
 *       each time. A cut from any other limit starts over at one round a step.
 *   <li>Sends are paced at {@code limit} per mean latency, so slots freed at once (after a pause)
 *       refill evenly rather than in a burst.
 *   <li>{@code Retry-After} (or {@code retry-after-ms}) pauses every send until it has passed: a
 *       rate limit is the account's, not the request's.
 *   <li>A requests-per-minute cap spaces sends at least {@code 60 s / rpm} apart, retries included.
 * </ul>
 */
final class BatchRate {
  /** The window over which successes are counted for the limit's floor. */
  static final long WINDOW_NANOS = 10_000_000_000L;

  /** At most this many rounds of successes for each step up, once a ceiling is known. */
  static final int MAX_PATIENCE = 16;

  private final int cap;
  private final long gapNanos;
  private double limit;
  private double ceiling;
  private int patience = 1;
  private int inFlight;
  private long round;
  private long notBefore;
  private long nextSend;
  private long nextPaced;
  private double meanLatencyNanos;
  private final ArrayDeque<Long> successes = new ArrayDeque<>();
  private long firstSuccess = -1;

  /** Counts for the summary. */
  long sent;

  long rateLimited;

  BatchRate(int concurrency, int requestsPerMinute) {
    this.cap = concurrency;
    this.limit = concurrency;
    this.gapNanos = requestsPerMinute > 0 ? Math.round(60e9 / requestsPerMinute) : 0;
  }

  /** How long from {@code now} until a request may be sent: 0 for now, -1 for a completion. */
  long delay(long now) {
    if (inFlight >= (int) limit) {
      return -1;
    }
    long until = Math.max(notBefore, Math.max(nextSend, nextPaced));
    return until - now > 0 ? until - now : 0;
  }

  /** Records a request sent at {@code now}; returns its round, for {@link #rateLimited}. */
  long send(long now) {
    inFlight++;
    sent++;
    if (gapNanos > 0) {
      // A send that came late may catch up by one gap, never more: the cap holds on average.
      nextSend = Math.max(now - gapNanos, nextSend) + gapNanos;
    }
    if (meanLatencyNanos > 0) {
      // Paced at limit per latency: after a pause the slots refill evenly, not in one burst that
      // a per-second rate limit would refuse.
      nextPaced = now + (long) (meanLatencyNanos / limit);
    }
    return round;
  }

  /** A success: the limit grows by {@code 1 / limit}, up to the cap. */
  void succeeded(long now, long latencyNanos) {
    inFlight--;
    limit = Math.min(cap, limit + 1 / (limit * patience));
    meanLatencyNanos =
        meanLatencyNanos == 0 ? latencyNanos : 0.8 * meanLatencyNanos + 0.2 * latencyNanos;
    if (firstSuccess < 0) {
      firstSuccess = now;
    }
    successes.addLast(now);
    while (successes.size() > 100_000 || now - successes.peekFirst() > WINDOW_NANOS) {
      successes.removeFirst();
    }
  }

  /**
   * A 429 for a request of {@code sentRound}: pauses sending for {@code retryAfterNanos} (0 if the
   * server said nothing usable) and, once per round, halves the limit down to its floor.
   */
  void rateLimited(long now, long sentRound, long retryAfterNanos) {
    inFlight--;
    rateLimited++;
    if (retryAfterNanos > 0) {
      notBefore = Math.max(notBefore, now + retryAfterNanos);
    }
    if (sentRound == round) {
      round++;
      boolean sameCeiling = Math.abs(limit - ceiling) < Math.max(2, ceiling / 8);
      patience = sameCeiling ? Math.min(MAX_PATIENCE, patience * 2) : 1;
      ceiling = limit;
      limit = Math.max(1, Math.max(limit / 2, floor(now)));
    }
  }

  /** Any other end of a request: the limit stays. */
  void ended() {
    inFlight--;
  }

  /** The in-flight limit the measured success rate needs: rate × mean latency; 0 if unknown. */
  private double floor(long now) {
    while (!successes.isEmpty() && now - successes.peekFirst() > WINDOW_NANOS) {
      successes.removeFirst();
    }
    if (firstSuccess < 0 || now - firstSuccess < WINDOW_NANOS / 2) {
      return 0;
    }
    long span = Math.min(WINDOW_NANOS, now - firstSuccess);
    double perNano = successes.size() / (double) span;
    return Math.min(cap, Math.floor(perNano * meanLatencyNanos));
  }

  /** When a paused batch may send again (for a retry's ready time). */
  long notBefore() {
    return notBefore;
  }

  int inFlight() {
    return inFlight;
  }

  /** The in-flight limit now, rounded down. */
  int limit() {
    return (int) limit;
  }
}
