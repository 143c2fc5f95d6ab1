package io.github.together4j.images.benchmarks;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** One child's result line, parsed; {@code crashed} when the child printed none. */
record Measurement(
    long ok,
    long failed,
    long bytes,
    long wallNanos,
    long cpuNanos,
    long diskBytes,
    long p50Nanos,
    long p90Nanos,
    long allocated,
    long peakHeap,
    long peakRss,
    boolean rssReset,
    String error,
    boolean crashed) {

  static Measurement crashed(String why) {
    return new Measurement(0, 0, 0, 0, 0, -1, -1, -1, 0, -1, -1, false, why, true);
  }

  static Measurement parse(String line) {
    Map<String, String> values = new HashMap<>();
    for (String pair : line.substring("RESULT ".length()).split(" ")) {
      int eq = pair.indexOf('=');
      values.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return new Measurement(
        Long.parseLong(values.get("ok")),
        Long.parseLong(values.get("failed")),
        Long.parseLong(values.get("bytes")),
        Long.parseLong(values.get("wallNanos")),
        Long.parseLong(values.get("cpuNanos")),
        Long.parseLong(values.getOrDefault("diskBytes", "-1")),
        Long.parseLong(values.get("p50Nanos")),
        Long.parseLong(values.get("p90Nanos")),
        Long.parseLong(values.getOrDefault("allocated", "0")),
        Long.parseLong(values.get("peakHeap")),
        Long.parseLong(values.get("peakRss")),
        Boolean.parseBoolean(values.get("rssReset")),
        URLDecoder.decode(values.getOrDefault("error", ""), StandardCharsets.UTF_8),
        false);
  }

  double seconds() {
    return wallNanos / 1e9;
  }

  double requestsPerSecond() {
    return wallNanos == 0 ? 0 : ok / seconds();
  }

  /** Decoded image bytes written per second, in MB (10^6 bytes). */
  double megabytesPerSecond() {
    return wallNanos == 0 ? 0 : bytes / 1e6 / seconds();
  }

  /** Heap allocated by the worker threads per successful request, in MB (10^6 bytes). */
  double allocatedMegabytesPerRequest() {
    return ok == 0 ? Double.NaN : allocated / 1e6 / ok;
  }

  /**
   * File data given to the disk per successful request, in MB (10^6 bytes); NaN if unknown. See
   * {@link ProcessStats#diskWriteBytes()}.
   */
  double diskMegabytesPerRequest() {
    return ok == 0 || diskBytes < 0 ? Double.NaN : diskBytes / 1e6 / ok;
  }

  double cpuMillisPerRequest() {
    return ok == 0 ? Double.NaN : cpuNanos / 1e6 / ok;
  }
}
