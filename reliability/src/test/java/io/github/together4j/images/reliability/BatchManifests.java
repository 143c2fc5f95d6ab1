package io.github.together4j.images.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Reads a batch's manifest and checks what it records against the files on disk. */
final class BatchManifests {
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);

  private BatchManifests() {}

  /** The manifest's item records, in order. */
  static List<Map<String, Object>> items(Path out) {
    return records(out, "item");
  }

  /** The manifest's run records, in order. */
  static List<Map<String, Object>> runs(Path out) {
    return records(out, "run");
  }

  @SuppressWarnings("unchecked") // JSON objects parse to string-keyed maps
  private static List<Map<String, Object>> records(Path out, String type) {
    List<Map<String, Object>> records = new ArrayList<>();
    try {
      for (String line :
          Files.readAllLines(out.resolve("manifest.jsonl"), StandardCharsets.UTF_8)) {
        Map<String, Object> record = (Map<String, Object>) JSON.fromJson(line);
        if (type.equals(record.get("record"))) {
          records.add(record);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }

  /**
   * Asserts that lines 1 to {@code count} are each recorded done exactly once (and nothing else
   * recorded), that every recorded file is there whole, matching its size and SHA-256, and that the
   * directory holds no other file: no orphan, no temporary file. Returns the done records.
   */
  @SuppressWarnings("unchecked") // JSON objects parse to string-keyed maps
  static List<Map<String, Object>> assertEachDoneOnce(Path out, int count) {
    List<Map<String, Object>> items = items(out);
    List<Long> lines = new ArrayList<>();
    Set<String> recordedFiles = new TreeSet<>();
    for (Map<String, Object> item : items) {
      assertThat(item.get("status")).as("%s", item).isEqualTo("done");
      lines.add(((Number) item.get("line")).longValue());
      for (Map<String, Object> file : (List<Map<String, Object>>) item.get("files")) {
        Path path = out.resolve((String) file.get("path"));
        assertThat(path).as("%s", item).isRegularFile();
        try {
          byte[] bytes = Files.readAllBytes(path);
          assertThat((long) bytes.length).isEqualTo(((Number) file.get("bytes")).longValue());
          assertThat(sha256(bytes)).isEqualTo(file.get("sha256"));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        recordedFiles.add((String) file.get("path"));
      }
    }
    assertThat(lines).as("each line done exactly once").doesNotHaveDuplicates().hasSize(count);
    assertThat(new TreeSet<>(lines).first()).isEqualTo(1L);
    assertThat(new TreeSet<>(lines).last()).isEqualTo((long) count);
    try (Stream<Path> files = Files.list(out)) {
      Set<String> onDisk = new TreeSet<>();
      files.map(p -> p.getFileName().toString()).forEach(onDisk::add);
      onDisk.remove("manifest.jsonl");
      assertThat(onDisk).as("no orphan or temporary file").isEqualTo(recordedFiles);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return items;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
