package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batch's adaptive in-flight limit, pauses and rate cap, on a clock the test moves. */
class BatchRateTest {
  static final long MS = 1_000_000L;

  @Test
  void startsAtTheConcurrencyAndWaitsForACompletionAtTheLimit() {
    BatchRate rate = new BatchRate(3, 0);
    for (int i = 0; i < 3; i++) {
      assertThat(rate.delay(0)).isZero();
      rate.send(0);
    }
    assertThat(rate.delay(0)).isEqualTo(-1);
    rate.succeeded(100 * MS, 100 * MS);
    assertThat(rate.limit()).isEqualTo(3);
    assertThat(rate.inFlight()).isEqualTo(2);
  }

  @Test
  void a429HalvesTheLimitOncePerRoundAndPausesForRetryAfter() {
    BatchRate rate = new BatchRate(16, 0);
    long round = 0;
    for (int i = 0; i < 16; i++) {
      round = rate.send(0);
    }
    rate.rateLimited(10 * MS, round, 1000 * MS);
    rate.rateLimited(11 * MS, round, 1000 * MS);
    rate.rateLimited(12 * MS, round, 1000 * MS);

    assertThat(rate.limit()).isEqualTo(8);
    assertThat(rate.rateLimited).isEqualTo(3);
    assertThat(rate.delay(500 * MS)).isEqualTo(-1); // 13 in flight, limit 8
    for (int i = 0; i < 6; i++) {
      rate.ended();
    }
    assertThat(rate.delay(500 * MS)).isEqualTo(512 * MS); // paused until 1,012 ms
    long next = rate.send(1012 * MS);
    rate.rateLimited(1020 * MS, next, 0);
    assertThat(rate.limit()).isEqualTo(4);
  }

  @Test
  void successesGrowTheLimitByOnePerRoundUpToTheCap() {
    BatchRate rate = new BatchRate(8, 0);
    long round = rate.send(0);
    rate.rateLimited(0, round, 0);
    assertThat(rate.limit()).isEqualTo(4);
    for (int i = 0; i < 4; i++) {
      rate.send(0);
      rate.succeeded(i * MS, MS);
    }
    assertThat(rate.limit()).isEqualTo(4); // 4 + 4 × 1/4.x, just under 5
    for (int i = 0; i < 200; i++) {
      rate.send(0);
      rate.succeeded(i * MS, MS);
    }
    assertThat(rate.limit()).isEqualTo(8);
  }

  @Test
  void aCeilingFoundAgainIsProbedMoreSlowly() {
    BatchRate rate = new BatchRate(64, 0);
    cut(rate); // 64 -> 32
    cut(rate); // 32 -> 16
    growTo(rate, 20);
    cut(rate); // 20 -> 10: a new ceiling, one round a step
    // The same ceiling, 20, found again and again: each time the climb back takes twice as many
    // successes (10 -> 20 at one round a step: the sum of 10..19, 145), up to 16 times as many.
    List<Integer> climbs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      climbs.add(growTo(rate, 20));
      cut(rate);
      assertThat(rate.limit()).isEqualTo(10);
    }
    assertThat(climbs.get(0)).isBetween(140, 150);
    assertThat(climbs.get(1)).isBetween(2 * 140, 2 * 150);
    assertThat(climbs.get(2)).isBetween(4 * 140, 4 * 150);
    assertThat(climbs.get(4)).isBetween(16 * 140, 16 * 150);
    assertThat(climbs.get(5)).isEqualTo(climbs.get(4));

    // A cut from a clearly different limit (the ceiling moved): one round a step again.
    cut(rate); // 10 -> 5
    assertThat(growTo(rate, 10)).isBetween(30, 40); // the sum of 5..9, 35
  }

  /** A 429 for a request of the current round. */
  private static void cut(BatchRate rate) {
    long round = rate.send(0);
    rate.rateLimited(0, round, 0);
  }

  /** Successes until the limit reaches {@code target}; returns how many it took. */
  private static int growTo(BatchRate rate, int target) {
    int successes = 0;
    while (rate.limit() < target) {
      rate.send(0);
      rate.succeeded(0, MS);
      successes++;
    }
    return successes;
  }

  @Test
  void aCutNeverFallsBelowWhatTheMeasuredRateOfSuccessesNeeds() {
    BatchRate rate = new BatchRate(32, 0);
    // 10 s of 10 successes a second at 1.5 s each: 15 in flight are needed.
    long now = 0;
    for (int i = 0; i < 100; i++) {
      rate.send(now);
      now += 100 * MS;
      rate.succeeded(now, 1500 * MS);
    }
    long round = rate.send(now);
    rate.rateLimited(now, round, 0);

    assertThat(rate.limit()).isEqualTo(16);
    round = rate.send(now);
    rate.rateLimited(now, round, 0);
    assertThat(rate.limit()).isBetween(14, 16);
  }

  @Test
  void requestsPerMinuteSpacesSendsEvenlyCatchingUpByOneGapAtMost() {
    BatchRate rate = new BatchRate(16, 600); // one per 100 ms
    rate.send(0);
    assertThat(rate.delay(0)).isEqualTo(100 * MS);
    rate.send(100 * MS);
    // A late send at 250 ms may be followed at once (it was due at 200 ms), then 100 ms after.
    rate.send(250 * MS);
    assertThat(rate.delay(250 * MS)).isEqualTo(50 * MS);
    rate.send(300 * MS);
    assertThat(rate.delay(300 * MS)).isEqualTo(100 * MS);
  }
}
