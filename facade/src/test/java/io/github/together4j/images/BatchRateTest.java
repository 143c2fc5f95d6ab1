package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;

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
