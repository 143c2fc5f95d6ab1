package io.github.together4j.images.benchmarks;

import java.util.Arrays;
import java.util.Collection;

/** Order statistics for the load driver: percentiles of latencies, medians and ranges of runs. */
final class Stats {
  private Stats() {}

  /**
   * Returns the nearest-rank percentile of {@code sorted} (ascending): the smallest value that at
   * least {@code p} percent of the values are less than or equal to.
   *
   * @param sorted values in ascending order, not empty
   * @param p 0 (exclusive) to 100
   */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("p = " + p + " is not in (0, 100]");
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /** Returns the median: the middle value, or the mean of the two middle ones. */
  static double median(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  static double median(Collection<Double> values) {
    return median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  static double min(Collection<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  static double max(Collection<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }
}
