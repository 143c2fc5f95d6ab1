package io.github.together4j.images.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void percentileIsNearestRank() {
    long[] values = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    assertThat(Stats.percentile(values, 50)).isEqualTo(50);
    assertThat(Stats.percentile(values, 90)).isEqualTo(90);
    assertThat(Stats.percentile(values, 91)).isEqualTo(100);
    assertThat(Stats.percentile(values, 100)).isEqualTo(100);
    assertThat(Stats.percentile(new long[] {7}, 50)).isEqualTo(7);
    assertThat(Stats.percentile(new long[] {1, 2, 3}, 50)).isEqualTo(2);
  }

  @Test
  void percentileRefusesNothingAndOutOfRange() {
    assertThatThrownBy(() -> Stats.percentile(new long[0], 50))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Stats.percentile(new long[] {1}, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void medianOfOddAndEvenCountsAndRange() {
    assertThat(Stats.median(3.0, 1.0, 2.0)).isEqualTo(2.0);
    assertThat(Stats.median(4.0, 1.0, 3.0, 2.0)).isEqualTo(2.5);
    assertThat(Stats.median(List.of(5.0))).isEqualTo(5.0);
    assertThat(Stats.min(List.of(3.0, 1.0, 2.0))).isEqualTo(1.0);
    assertThat(Stats.max(List.of(3.0, 1.0, 2.0))).isEqualTo(3.0);
  }

  @Test
  void resultLineRoundTrips() {
    Measurement m =
        Measurement.parse(
            "RESULT ok=10 failed=1 bytes=15000000 wallNanos=2000000000"
                + " cpuNanos=3000000000 p50Nanos=5000000 p90Nanos=9000000 peakHeap=1048576 peakRss=2097152"
                + " allocated=5000000 rssReset=true error=java.lang.OutOfMemoryError%3A+Java+heap+space");
    assertThat(m.requestsPerSecond()).isEqualTo(5.0);
    assertThat(m.megabytesPerSecond()).isEqualTo(7.5);
    assertThat(m.cpuMillisPerRequest()).isEqualTo(300.0);
    assertThat(m.allocatedMegabytesPerRequest()).isEqualTo(0.5);
    assertThat(m.error()).isEqualTo("java.lang.OutOfMemoryError: Java heap space");
    assertThat(m.crashed()).isFalse();
  }
}
