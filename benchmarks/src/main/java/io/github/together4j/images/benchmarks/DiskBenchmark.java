package io.github.together4j.images.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * What the disk alone costs per image: writing the benchmark's 1,557,022-byte image in 64 KiB
 * writes, the way each streaming client of {@link LoadBenchmark} puts it on disk, with no HTTP and
 * no decoding. It tells how much of {@code generateAndSave}'s distance from {@code tight-stream} a
 * given disk imposes: the fsync and the new file renamed into place.
 *
 * <pre>
 * DiskBenchmark [--dir DIR] [--runs 5] [--seconds 2] [--threads 1,8]
 * </pre>
 *
 * <p>{@code --dir} is where the files go (default: a new directory in {@code java.io.tmpdir},
 * deleted afterwards): put it on the disk your images will be saved to. Runs are interleaved; the
 * table gives medians over the runs of files per second and of the mean time per file.
 */
public final class DiskBenchmark {
  private static final int IMAGE_BYTES = 1_557_022;
  private static final int WRITE = 64 * 1024;

  /** One way of putting a file on disk. */
  enum Mode {
    IN_PLACE("in place (`O_TRUNC`), no fsync: `tight-stream`", false, false),
    IN_PLACE_FSYNC("in place (`O_TRUNC`), fsync: `tight-stream-fsync`", false, true),
    RENAME("new file renamed into place, no fsync", true, false),
    RENAME_FSYNC(
        "new file, fsync, renamed into place: `tight-stream-atomic`, `generateAndSave`",
        true,
        true);

    final String description;
    final boolean rename;
    final boolean fsync;

    Mode(String description, boolean rename, boolean fsync) {
      this.description = description;
      this.rename = rename;
      this.fsync = fsync;
    }
  }

  /** A table row: one way of writing with a number of threads. */
  record Cell(int threads, Mode mode) {}

  private DiskBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args see the class documentation
   * @throws Exception if a file cannot be written
   */
  public static void main(String[] args) throws Exception {
    Path dir = null;
    int runs = 5;
    double seconds = 2;
    List<Integer> threads = List.of(1, 8);
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      String value = args[i + 1];
      switch (args[i]) {
        case "--dir" -> dir = Path.of(value);
        case "--runs" -> runs = Integer.parseInt(value);
        case "--seconds" -> seconds = Double.parseDouble(value);
        case "--threads" -> threads = Stream.of(value.split(",")).map(Integer::valueOf).toList();
        default ->
            throw new IllegalArgumentException(
                "unknown option " + args[i] + ": use --dir, --runs, --seconds, --threads");
      }
    }
    Path work =
        dir == null
            ? Files.createTempDirectory("together4j-disk-")
            : Files.createTempDirectory(Files.createDirectories(dir), "together4j-disk-");
    byte[] image = new byte[IMAGE_BYTES];
    new Random(42).nextBytes(image);
    System.out.printf(
        Locale.ROOT,
        "Writing %,d-byte files in %s: %d run(s) × %d mode(s) × %s thread(s), %.1f s each%n",
        IMAGE_BYTES,
        work,
        runs,
        Mode.values().length,
        threads,
        seconds);
    Map<Cell, List<double[]>> results = new LinkedHashMap<>();
    try {
      for (int run = 1; run <= runs; run++) {
        for (int t : threads) {
          for (Mode mode : Mode.values()) {
            double[] m = measure(work, image, mode, t, (long) (seconds * 1e9));
            results.computeIfAbsent(new Cell(t, mode), k -> new ArrayList<>()).add(m);
            System.out.printf(
                Locale.ROOT,
                "run %d/%d  %d thread(s)  %-15s %7.1f files/s  %.2f ms a file%n",
                run,
                runs,
                t,
                mode,
                m[0],
                m[1]);
          }
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    System.out.println();
    System.out.println(
        "| threads | how | files/s (median) | ms a file (median) | files/s vs in place, no fsync |");
    System.out.println("|--:|---|--:|--:|--:|");
    for (int t : threads) {
      double base = Stats.median(column(results.get(new Cell(t, Mode.IN_PLACE)), 0));
      for (Mode mode : Mode.values()) {
        List<double[]> rows = results.get(new Cell(t, mode));
        double rate = Stats.median(column(rows, 0));
        System.out.printf(
            Locale.ROOT,
            "| %d | %s | %.1f | %.2f | %.2f× |%n",
            t,
            mode.description,
            rate,
            Stats.median(column(rows, 1)),
            rate / base);
      }
    }
  }

  private static List<Double> column(List<double[]> rows, int i) {
    return rows.stream().map(r -> r[i]).toList();
  }

  /** Files per second over all threads, and the mean milliseconds a file took its thread. */
  private static double[] measure(Path work, byte[] image, Mode mode, int threads, long nanos)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long start = System.nanoTime();
      long end = start + nanos;
      List<Future<long[]>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Path file = work.resolve("w" + t + ".png");
        futures.add(
            pool.submit(
                () -> {
                  long files = 0;
                  long busy = 0;
                  while (System.nanoTime() < end) {
                    long s = System.nanoTime();
                    write(file, image, mode, files);
                    busy += System.nanoTime() - s;
                    files++;
                  }
                  return new long[] {files, busy};
                }));
      }
      long files = 0;
      long busy = 0;
      for (Future<long[]> f : futures) {
        long[] r = f.get();
        files += r[0];
        busy += r[1];
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      return new double[] {files / elapsed, files == 0 ? Double.NaN : busy / 1e6 / files};
    } finally {
      pool.shutdownNow();
    }
  }

  private static void write(Path file, byte[] image, Mode mode, long index) throws IOException {
    Path target = mode.rename ? file.resolveSibling("." + file.getFileName() + "." + index) : file;
    try (FileChannel channel =
        FileChannel.open(
            target,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      for (int off = 0; off < image.length; off += WRITE) {
        ByteBuffer buffer = ByteBuffer.wrap(image, off, Math.min(WRITE, image.length - off));
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
      if (mode.fsync) {
        channel.force(true);
      }
    }
    if (mode.rename) {
      Files.move(target, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
