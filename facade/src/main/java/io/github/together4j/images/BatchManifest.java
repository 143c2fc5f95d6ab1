package io.github.together4j.images;

import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * A batch's manifest, {@code manifest.jsonl} in its output directory: one JSON object a line. A
 * {@code "record": "run"} line opens each run (its input, defaults and options); a {@code "record":
 * "item"} line is written once an item is finished, done or failed, after its files are in place
 * and flushed, and is itself flushed to disk before the item counts as done. The last line about an
 * item is its state. Manifests of shards concatenate into one.
 */
final class BatchManifest {
  static final String FILE_NAME = "manifest.jsonl";
  static final int VERSION = 1;

  static final byte NONE = 0;
  static final byte DONE = 1;
  static final byte FAILED = 2;

  /** Done, but a file is missing or has another size: generated again. */
  static final byte MISSING = 3;

  private BatchManifest() {}

  /** What a manifest holds: the runs' defaults, and each line's last state and request. */
  static final class State {
    /** The canonical defaults of each run record, in order; "" for input from code. */
    final List<String> defaults = new ArrayList<>();

    private long[] fingerprints = new long[1024];
    private byte[] states = new byte[1024];
    long maxLine;
    long records;

    byte state(long line) {
      return line < states.length ? states[(int) line] : NONE;
    }

    long fingerprint(long line) {
      return line < fingerprints.length ? fingerprints[(int) line] : 0;
    }

    void put(long line, long fingerprint, byte state) {
      if (line >= Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("line " + line + " is too large");
      }
      if (line >= states.length) {
        int size = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(line + 1, states.length * 2L));
        states = Arrays.copyOf(states, size);
        fingerprints = Arrays.copyOf(fingerprints, size);
      }
      states[(int) line] = state;
      fingerprints[(int) line] = fingerprint;
      maxLine = Math.max(maxLine, line);
    }
  }

  /**
   * Reads the manifest in {@code directory}, if any, checking that each done item's files are there
   * with their recorded size. A last line cut short by a crash is ignored.
   */
  static State read(Path directory) {
    State state = new State();
    Path file = directory.resolve(FILE_NAME);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return state;
    }
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long number = 0;
      String pending = null;
      for (String line; (line = reader.readLine()) != null; ) {
        if (pending != null) {
          apply(state, directory, pending, number);
        }
        number++;
        pending = line;
      }
      if (pending != null) {
        try {
          apply(state, directory, pending, number);
        } catch (ImageBatchException e) {
          // A last line cut short by a crash: its item is not done.
        }
      }
    } catch (IOException e) {
      throw ImageBatchException.of(
          ImageBatchException.Kind.MANIFEST, file + " cannot be read: " + e, e);
    }
    return state;
  }

  private static void apply(State state, Path directory, String text, long number) {
    if (text.isBlank()) {
      return;
    }
    Map<String, @Nullable Object> line;
    try {
      line = BatchInput.Json.object(text, directory.resolve(FILE_NAME), number);
    } catch (ImageBatchException e) {
      throw corrupt(directory, number, "not a JSON object");
    }
    Object record = line.get("record");
    if ("run".equals(record)) {
      Object defaults = line.get("defaults");
      state.defaults.add(defaults == null ? "" : canonical(defaults));
      return;
    }
    if (!"item".equals(record)) {
      return; // A record of a later version: not ours to judge.
    }
    if (!(line.get("line") instanceof Number lineNumber)
        || !(line.get("request_sha256") instanceof String sha)
        || sha.length() < 16
        || !(line.get("status") instanceof String status)) {
      throw corrupt(directory, number, "an item without line, request_sha256 or status");
    }
    long fingerprint = Long.parseUnsignedLong(sha.substring(0, 16), 16);
    byte itemState;
    if (status.equals("done")) {
      itemState = filesPresent(directory, line.get("files")) ? DONE : MISSING;
    } else if (status.equals("failed")) {
      itemState = FAILED;
    } else {
      throw corrupt(directory, number, "an item with status \"" + status + "\"");
    }
    state.put(lineNumber.longValue(), fingerprint, itemState);
    state.records++;
  }

  private static ImageBatchException corrupt(Path directory, long number, String what) {
    return ImageBatchException.of(
        ImageBatchException.Kind.MANIFEST,
        directory.resolve(FILE_NAME)
            + ":"
            + number
            + ": "
            + what
            + ", not a together4j manifest line; delete the manifest to start over",
        null);
  }

  private static boolean filesPresent(Path directory, @Nullable Object files) {
    if (!(files instanceof List<?> list) || list.isEmpty()) {
      return false;
    }
    for (Object file : list) {
      if (!(file instanceof Map<?, ?> entry)
          || !(entry.get("path") instanceof String path)
          || !(entry.get("bytes") instanceof Number bytes)) {
        return false;
      }
      Path resolved = directory.resolve(path);
      try {
        if (!Files.isRegularFile(resolved) || Files.size(resolved) != bytes.longValue()) {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  /** The prompt the manifest last recorded for {@code line}, for a message; null if none. */
  static @Nullable String recordedPrompt(Path directory, long line) {
    String prompt = null;
    try (BufferedReader reader =
        Files.newBufferedReader(directory.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
      for (String text; (text = reader.readLine()) != null; ) {
        if (text.contains("\"line\":" + line + ",")) {
          try {
            Map<String, @Nullable Object> record =
                BatchInput.Json.object(text, directory.resolve(FILE_NAME), 0);
            if (record.get("line") instanceof Number n
                && n.longValue() == line
                && record.get("prompt") instanceof String p) {
              prompt = p;
            }
          } catch (ImageBatchException e) {
            // Not this line.
          }
        }
      }
    } catch (IOException e) {
      return null;
    }
    return prompt;
  }

  /**
   * Compares {@code recorded} defaults with {@code current}, field by field: "" when they are the
   * same, else what differs, e.g. {@code steps 4 (now 8), model … (now …)}.
   */
  static String differences(String recorded, String current) {
    Map<String, @Nullable Object> was = parse(recorded);
    Map<String, @Nullable Object> now = parse(current);
    List<String> changes = new ArrayList<>();
    for (String name : new TreeSet<>(union(was.keySet(), now.keySet()))) {
      Object before = was.get(name);
      Object after = now.get(name);
      if (!Objects.equals(before, after)) {
        changes.add(name + " " + shown(before) + " (now " + shown(after) + ")");
      }
    }
    return String.join(", ", changes);
  }

  private static List<String> union(java.util.Set<String> a, java.util.Set<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String shown(@Nullable Object value) {
    return value == null ? "unset" : BatchInput.Json.describe(value);
  }

  private static Map<String, @Nullable Object> parse(String canonical) {
    if (canonical.isEmpty()) {
      return new LinkedHashMap<>();
    }
    return BatchInput.Json.object(canonical, Path.of(FILE_NAME), 0);
  }

  private static String canonical(Object value) {
    Buffer out = new Buffer();
    try (JsonWriter writer = JsonWriter.of(out)) {
      BatchItem.write(writer, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.readUtf8();
  }

  /**
   * Appends lines to a manifest, each written whole and forced to disk before {@link #append}
   * returns; holds a lock on the file so that two batches never share a directory.
   */
  static final class Writer implements Closeable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private Writer(Path file, FileChannel channel, FileLock lock) {
      this.file = file;
      this.channel = channel;
      this.lock = lock;
    }

    /**
     * Opens (creating) the manifest in {@code directory} for appending, locked; a last line cut
     * short by a crash is cut off, so the next line starts on a line of its own.
     */
    static Writer open(Path directory) {
      Path file = directory.resolve(FILE_NAME);
      FileChannel channel;
      try {
        boolean created = !Files.exists(file);
        channel =
            FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (created) {
          syncDirectory(directory);
        }
      } catch (IOException e) {
        throw ImageBatchException.of(
            ImageBatchException.Kind.OUTPUT, file + " cannot be written: " + e, e);
      }
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (IOException | OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        close(channel);
        throw ImageBatchException.of(
            ImageBatchException.Kind.OUTPUT,
            "another batch is running in " + directory + " (" + file + " is locked)",
            null);
      }
      try {
        long size = channel.size();
        long end = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (end > 0) {
          one.clear();
          channel.read(one, end - 1);
          if (one.get(0) == '\n') {
            break;
          }
          end--;
        }
        if (end < size) {
          channel.truncate(end);
          channel.force(true);
        }
        channel.position(end);
      } catch (IOException e) {
        close(channel);
        throw ImageBatchException.of(
            ImageBatchException.Kind.OUTPUT, file + " cannot be written: " + e, e);
      }
      return new Writer(file, channel, lock);
    }

    /** Writes {@code record} as one line and forces it to disk. */
    synchronized void append(Map<String, @Nullable Object> record) throws IOException {
      Buffer line = new Buffer();
      try (JsonWriter writer = JsonWriter.of(line)) {
        writer.setSerializeNulls(true);
        writeOrdered(writer, record);
      }
      line.writeByte('\n');
      ByteBuffer bytes = ByteBuffer.wrap(line.readByteArray());
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
    }

    Path file() {
      return file;
    }

    @Override
    public synchronized void close() {
      try {
        lock.release();
      } catch (IOException e) {
        // Closing the channel releases it too.
      }
      close(channel);
    }

    private static void close(FileChannel channel) {
      try {
        channel.close();
      } catch (IOException e) {
        // Every line was forced already.
      }
    }
  }

  /** Writes a record keeping its field order (records read well in that order). */
  private static void writeOrdered(JsonWriter writer, @Nullable Object value) throws IOException {
    if (value instanceof Map<?, ?> map) {
      writer.beginObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        writer.name((String) entry.getKey());
        writeOrdered(writer, entry.getValue());
      }
      writer.endObject();
    } else if (value instanceof List<?> list) {
      writer.beginArray();
      for (Object item : list) {
        writeOrdered(writer, item);
      }
      writer.endArray();
    } else {
      BatchItem.write(writer, value);
    }
  }

  /**
   * Forces {@code directory}'s entries to disk, so a file moved into it survives a power cut. Where
   * a directory cannot be opened (Windows), its entries are the file system's to keep.
   */
  static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not supported here.
    }
  }

  /** Reads {@code text} as a JSON value (for tests and messages). */
  static @Nullable Object parseValue(String text) throws IOException {
    return BatchInput.Json.value(JsonReader.of(new Buffer().writeUtf8(text)));
  }
}
