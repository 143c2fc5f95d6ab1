package io.github.together4j.images.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What a child JVM measures about itself: CPU time, peak heap, peak RSS, disk writes. */
final class ProcessStats {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
  private static final Path IO = Path.of("/proc/self/io");

  private ProcessStats() {}

  /**
   * CPU time of the whole process (every thread: JIT, GC, OkHttp), in nanoseconds; -1 if unknown.
   */
  static long cpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /**
   * Bytes of file data this process has given the disk to write so far: the page cache it dirtied
   * ({@code write_bytes} in {@code /proc/self/io}) less what a truncation or deletion discarded
   * before it was written ({@code cancelled_write_bytes}); -1 if unknown. It tells whether a
   * client's files reach the disk at all, not whether the client waits for them: on ext4 a file
   * rewritten with {@code O_TRUNC} starts its writeback when closed, fsynced or not.
   */
  static long diskWriteBytes() {
    List<String> io = lines(IO);
    long written = field(io, "write_bytes:");
    long cancelled = field(io, "cancelled_write_bytes:");
    return written < 0 || cancelled < 0 ? -1 : written - cancelled;
  }

  /** Bytes the calling thread has allocated on the heap so far; 0 if the JVM cannot tell. */
  static long threadAllocatedBytes() {
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
        && threads.isThreadAllocatedMemoryEnabled()) {
      return threads.getCurrentThreadAllocatedBytes();
    }
    return 0;
  }

  /** Resets the peaks that {@link #peakHeapBytes()} and {@link #peakRssBytes()} report. */
  static boolean resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
    try {
      // "5" resets VmHWM to the current RSS (Linux 4.0+), so warm-up does not count.
      Files.writeString(CLEAR_REFS, "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The sum of each heap pool's peak usage since the last reset. The pools peak at different
   * moments, so this is an upper bound of the heap's peak; with a small heap it is capped by what
   * the pools can hold.
   */
  static long peakHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /** VmHWM: the process's peak resident set since start or the last reset; -1 if unknown. */
  static long peakRssBytes() {
    long kb = statusKilobytes("VmHWM:");
    return kb < 0 ? -1 : kb * 1024;
  }

  /** VmRSS: the process's resident set now; -1 if unknown. */
  static long rssBytes() {
    long kb = statusKilobytes("VmRSS:");
    return kb < 0 ? -1 : kb * 1024;
  }

  private static long statusKilobytes(String key) {
    return field(lines(STATUS), key);
  }

  /** The lines of a {@code /proc} file; none if it cannot be read (not Linux). */
  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /**
   * The number on the line starting with {@code key} (a trailing {@code kB} ignored); -1 if none.
   */
  private static long field(List<String> lines, String key) {
    for (String line : lines) {
      if (line.startsWith(key)) {
        try {
          return Long.parseLong(line.substring(key.length()).replace("kB", "").strip());
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }
}
