package io.github.together4j.images.reliability;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What the load and leak tests measure about their own JVM: threads, descriptors, heap. */
final class JvmStats {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private JvmStats() {}

  /** Live threads, daemon or not. */
  static int threadCount() {
    return THREADS.getThreadCount();
  }

  /** Makes {@link #peakThreadCount()} start again from the current count. */
  static void resetPeakThreadCount() {
    THREADS.resetPeakThreadCount();
  }

  /** The most live threads since the last {@link #resetPeakThreadCount()}. */
  static int peakThreadCount() {
    return THREADS.getPeakThreadCount();
  }

  /** The ids of the live threads. */
  static Set<Long> threadIds() {
    Set<Long> ids = new TreeSet<>();
    for (long id : THREADS.getAllThreadIds()) {
      ids.add(id);
    }
    return ids;
  }

  /**
   * The live threads not in {@code before}, as "name (state)" lines, for assertions and reports.
   */
  static List<String> threadsSince(Set<Long> before) {
    List<String> out = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (!before.contains(thread.getId()) && thread.isAlive()) {
        out.add(thread.getName() + " (" + thread.getState() + ")");
      }
    }
    out.sort(null);
    return out;
  }

  /**
   * The live threads not in {@code before}, less those of the JVM-wide pools that OkHttp and Okio
   * share between all their clients and that end on their own after a minute idle: OkHttp's
   * TaskRunner (named after the task it runs, e.g. "OkHttp ConnectionPool connection closer") and
   * Okio's timeout watchdog. What is left was started for one client: its Dispatcher threads.
   */
  static List<String> clientThreadsSince(Set<Long> before) {
    return threadsSince(before).stream()
        .filter(
            name ->
                !name.startsWith("OkHttp TaskRunner")
                    && !name.startsWith("OkHttp ConnectionPool")
                    && !name.startsWith("Okio Watchdog"))
        .toList();
  }

  /** Open file descriptors of this process (sockets and files), or -1 where the JVM cannot tell. */
  static long openFileDescriptors() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean os) {
      return os.getOpenFileDescriptorCount();
    }
    return -1;
  }

  /**
   * Open TCP sockets of this process (Linux: the descriptors in /proc/self/fd whose socket is in
   * /proc/self/net/tcp or tcp6), or -1 where that cannot be read. With the fake server in another
   * process, these are the client's connections.
   */
  static long openTcpSockets() {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) {
      return -1;
    }
    Set<String> tcp = new HashSet<>();
    for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] columns = line.strip().split("\\s+");
          if (columns.length > 9 && !columns[0].equals("sl")) {
            tcp.add(columns[9]); // the socket's inode
          }
        }
      } catch (IOException e) {
        // No IPv6 here, say: the other table is enough.
      }
    }
    try (Stream<Path> entries = Files.list(fds)) {
      return entries
          .filter(
              fd -> {
                try {
                  String target = Files.readSymbolicLink(fd).toString(); // socket:[inode]
                  return target.startsWith("socket:[")
                      && tcp.contains(target.substring(8, target.length() - 1));
                } catch (IOException | UnsupportedOperationException e) {
                  return false; // closed since it was listed (the listing's own descriptor, say)
                }
              })
          .count();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Heap in use now, garbage included. */
  static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Heap in use after a full collection: the least of a few rounds of {@code System.gc()} and a
   * reading, so that a reference still being cleared or a concurrent allocation does not count.
   */
  static long heapUsedAfterGc() {
    long least = Long.MAX_VALUE;
    for (int round = 0; round < 4; round++) {
      System.gc();
      sleep(Duration.ofMillis(50));
      least = Math.min(least, heapUsed());
    }
    return least;
  }

  /** Makes {@link #peakHeapUsed()} start again from the current usage. */
  static void resetPeakHeap() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /**
   * The sum of each heap pool's peak since {@link #resetPeakHeap()}. The pools peak at different
   * moments, so this is an upper bound of the heap's peak (and mostly says how far the young
   * generation was let grow before a collection).
   */
  static long peakHeapUsed() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /** Polls {@code condition} every 20 ms until it holds or {@code timeout} passes. */
  static boolean await(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      sleep(Duration.ofMillis(20));
    }
    return true;
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  static String names(List<String> threads) {
    return threads.stream().collect(Collectors.joining(", ", "[", "]"));
  }
}
