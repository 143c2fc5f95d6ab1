package io.github.together4j.images;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Where a batch's items come from, read lazily and as often as asked (a batch reads its input
 * twice: once to check every item before anything is sent, once to run): a {@code .txt} file with
 * one prompt a line, a {@code .jsonl} file with one request object a line, a {@code .csv} file with
 * a header naming a {@code prompt} column, or requests or prompts given in code.
 */
abstract class BatchInput {
  /** One item as read: the line it starts on (its number, for code) and its request. */
  record Item(long line, ImageGenerationRequest request) {}

  /** Items one after another; {@code next()} returns null at the end. */
  interface Items extends Closeable {
    @Nullable Item next();

    /** The SHA-256 of the bytes read, once all were read; null for input from code. */
    default @Nullable String sha256() {
      return null;
    }

    @Override
    default void close() {}
  }

  /** The file read, or null for input from code. */
  abstract @Nullable Path file();

  /** Whether items are built on the batch's defaults (files and prompts) or stand alone. */
  abstract boolean usesDefaults();

  /**
   * Opens the items, built on {@code defaults} (ignored where {@link #usesDefaults()} is false).
   */
  abstract Items open(ImageGenerationRequest.Builder defaults);

  static BatchInput file(Path file) {
    return new FileInput(file);
  }

  static BatchInput prompts(Iterable<String> prompts) {
    return new CodeInput(prompts, true);
  }

  static BatchInput requests(Iterable<ImageGenerationRequest> requests) {
    return new CodeInput(requests, false);
  }

  /** Prompts or requests from code, numbered from 1. */
  private static final class CodeInput extends BatchInput {
    private final Iterable<?> source;
    private final boolean prompts;

    CodeInput(Iterable<?> source, boolean prompts) {
      this.source = source;
      this.prompts = prompts;
    }

    @Override
    @Nullable Path file() {
      return null;
    }

    @Override
    boolean usesDefaults() {
      return prompts;
    }

    @Override
    Items open(ImageGenerationRequest.Builder defaults) {
      Iterator<?> iterator = source.iterator();
      return new Items() {
        long number;

        @Override
        public @Nullable Item next() {
          if (!iterator.hasNext()) {
            return null;
          }
          Object next = iterator.next();
          number++;
          if (next == null) {
            throw ImageBatchException.input(
                null, number, null, prompts ? "the prompt is null" : "the request is null");
          }
          if (next instanceof ImageGenerationRequest request) {
            return new Item(number, request);
          }
          ImageGenerationRequest.Builder builder = defaults.copy();
          BatchFields.set(builder, "prompt", next.toString(), null, number);
          return new Item(number, BatchFields.build(builder, null, number));
        }
      };
    }
  }

  /** A file, its format chosen by its extension. */
  private static final class FileInput extends BatchInput {
    private final Path path;
    private final String format;

    FileInput(Path path) {
      this.path = path;
      String name = path.getFileName() == null ? "" : path.getFileName().toString();
      String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
      this.format = extension.equals("ndjson") ? "jsonl" : extension;
      if (!List.of("txt", "jsonl", "csv").contains(format)) {
        throw ImageBatchException.input(
            path,
            0,
            null,
            "cannot tell the format from the name: use .txt (one prompt a line), .jsonl (one"
                + " request object a line) or .csv (a header with a prompt column)");
      }
    }

    @Override
    Path file() {
      return path;
    }

    @Override
    boolean usesDefaults() {
      return true;
    }

    @Override
    Items open(ImageGenerationRequest.Builder defaults) {
      InputStream in;
      MessageDigest digest;
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      try {
        if (Files.isDirectory(path)) {
          throw ImageBatchException.input(path, 0, null, "is a directory, not a file");
        }
        in = new DigestInputStream(Files.newInputStream(path), digest);
      } catch (NoSuchFileException e) {
        throw ImageBatchException.input(path, 0, null, "no such file");
      } catch (IOException e) {
        throw ImageBatchException.input(path, 0, null, "cannot be read: " + e);
      }
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(
                  in,
                  StandardCharsets.UTF_8
                      .newDecoder()
                      .onMalformedInput(CodingErrorAction.REPLACE)
                      .onUnmappableCharacter(CodingErrorAction.REPLACE)),
              64 * 1024);
      Lines lines = new Lines(path, reader);
      return switch (format) {
        case "txt" -> new TextItems(lines, defaults, digest);
        case "jsonl" -> new JsonItems(lines, defaults, digest);
        default -> new CsvItems(lines, defaults, digest);
      };
    }
  }

  /**
   * A file's lines, numbered from 1, without line terminators or a leading byte order mark. A blank
   * line is allowed only where nothing but blank lines follows it.
   */
  private static final class Lines implements Closeable {
    final Path path;
    private final BufferedReader reader;
    long number;
    private long firstBlank;

    Lines(Path path, BufferedReader reader) {
      this.path = path;
      this.reader = reader;
    }

    /** The next line, blank or not, or null at the end. */
    @Nullable String raw() {
      try {
        String line = reader.readLine();
        if (line == null) {
          return null;
        }
        number++;
        if (number == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        // Decoding replaced bytes that are not UTF-8: found on their line, not a buffer ahead.
        if (line.indexOf('\uFFFD') >= 0) {
          throw ImageBatchException.input(path, number, null, "is not valid UTF-8");
        }
        return line;
      } catch (IOException e) {
        throw ImageBatchException.input(path, number + 1, null, "cannot be read: " + e);
      }
    }

    /** The next line that is not blank, or null when only blank lines (or none) are left. */
    @Nullable String next() {
      for (String line; (line = raw()) != null; ) {
        if (line.isBlank()) {
          if (firstBlank == 0) {
            firstBlank = number;
          }
          continue;
        }
        if (firstBlank != 0) {
          throw ImageBatchException.input(
              path,
              firstBlank,
              null,
              "blank line: every line must hold an item (blank lines are allowed only at the end)");
        }
        return line;
      }
      return null;
    }

    @Override
    public void close() {
      try {
        reader.close();
      } catch (IOException e) {
        // Read-only: nothing is lost.
      }
    }
  }

  /** The items of a file: its lines, and the SHA-256 of its bytes once read. */
  private abstract static class FileItems implements Items {
    final Lines lines;
    final ImageGenerationRequest.Builder defaults;
    private final MessageDigest digest;
    private @Nullable String sha256;

    FileItems(Lines lines, ImageGenerationRequest.Builder defaults, MessageDigest digest) {
      this.lines = lines;
      this.defaults = defaults;
      this.digest = digest;
    }

    /** Marks the end of the file: its digest is final. */
    @Nullable Item end() {
      if (sha256 == null) {
        sha256 = HexFormat.of().formatHex(digest.digest());
      }
      return null;
    }

    @Override
    public @Nullable String sha256() {
      return sha256;
    }

    @Override
    public void close() {
      lines.close();
    }
  }

  /** {@code .txt}: one prompt a line, stripped of surrounding white space. */
  private static final class TextItems extends FileItems {
    TextItems(Lines lines, ImageGenerationRequest.Builder defaults, MessageDigest digest) {
      super(lines, defaults, digest);
    }

    @Override
    public @Nullable Item next() {
      String line = lines.next();
      if (line == null) {
        return end();
      }
      ImageGenerationRequest.Builder builder = defaults.copy();
      BatchFields.set(builder, "prompt", line.strip(), lines.path, lines.number);
      return new Item(lines.number, BatchFields.build(builder, lines.path, lines.number));
    }
  }

  /** {@code .jsonl}: one JSON object a line, with {@code prompt} and any request field. */
  private static final class JsonItems extends FileItems {
    JsonItems(Lines lines, ImageGenerationRequest.Builder defaults, MessageDigest digest) {
      super(lines, defaults, digest);
    }

    @Override
    public @Nullable Item next() {
      String line = lines.next();
      if (line == null) {
        return end();
      }
      long number = lines.number;
      Map<String, @Nullable Object> object = Json.object(line, lines.path, number);
      if (!object.containsKey("prompt")) {
        throw ImageBatchException.input(
            lines.path, number, "prompt", "missing: every object needs a prompt");
      }
      ImageGenerationRequest.Builder builder = defaults.copy();
      for (Map.Entry<String, @Nullable Object> field : object.entrySet()) {
        BatchFields.set(builder, field.getKey(), field.getValue(), lines.path, number);
      }
      return new Item(number, BatchFields.build(builder, lines.path, number));
    }
  }

  /**
   * {@code .csv} (RFC 4180): a header row naming the columns, one of them {@code prompt}, the
   * others request fields by their JSON names; quoted fields may hold commas, quotes ({@code ""})
   * and line breaks. An empty cell leaves its field to the defaults.
   */
  private static final class CsvItems extends FileItems {
    private @Nullable List<String> header;

    CsvItems(Lines lines, ImageGenerationRequest.Builder defaults, MessageDigest digest) {
      super(lines, defaults, digest);
    }

    @Override
    public @Nullable Item next() {
      if (header == null) {
        List<String> names = record();
        if (names == null) {
          end();
          throw ImageBatchException.input(lines.path, 0, null, "is empty: no header, no items");
        }
        header = new ArrayList<>();
        for (String name : names) {
          String column = name.strip();
          if (header.contains(column)) {
            throw ImageBatchException.input(
                lines.path, lines.number, column, "the header names this column twice");
          }
          header.add(column);
        }
        if (!header.contains("prompt")) {
          throw ImageBatchException.input(
              lines.path,
              lines.number,
              "prompt",
              "the header has no prompt column (it has: " + String.join(", ", header) + ")");
        }
      }
      List<String> cells = record();
      if (cells == null) {
        return end();
      }
      long start = firstLine;
      if (cells.size() != header.size()) {
        throw ImageBatchException.input(
            lines.path,
            start,
            null,
            "the row has "
                + cells.size()
                + (cells.size() == 1 ? " field" : " fields")
                + " but the header has "
                + header.size());
      }
      ImageGenerationRequest.Builder builder = defaults.copy();
      for (int i = 0; i < cells.size(); i++) {
        String column = header.get(i);
        String cell = cells.get(i);
        if (column.equals("prompt")) {
          BatchFields.set(builder, column, cell.strip(), lines.path, start);
        } else if (!cell.isEmpty()) {
          BatchFields.set(builder, column, BatchFields.csvValue(column, cell), lines.path, start);
        }
      }
      return new Item(start, BatchFields.build(builder, lines.path, start));
    }

    /** The line the record last read starts on. */
    private long firstLine;

    /** The next record's fields, or null at the end; a record may span lines inside quotes. */
    private @Nullable List<String> record() {
      String line = lines.next();
      if (line == null) {
        return null;
      }
      firstLine = lines.number;
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      boolean wasQuoted = false;
      int i = 0;
      while (true) {
        if (i == line.length()) {
          if (!quoted) {
            fields.add(field.toString());
            return fields;
          }
          String more = lines.raw();
          if (more == null) {
            throw ImageBatchException.input(
                lines.path, firstLine, null, "a quoted field is never closed");
          }
          field.append('\n');
          line = more;
          i = 0;
          continue;
        }
        char c = line.charAt(i++);
        if (quoted) {
          if (c == '"') {
            if (i < line.length() && line.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              quoted = false;
            }
          } else {
            field.append(c);
          }
        } else if (c == ',') {
          fields.add(field.toString());
          field.setLength(0);
          wasQuoted = false;
        } else if (c == '"' && field.toString().isBlank() && !wasQuoted) {
          field.setLength(0);
          quoted = true;
          wasQuoted = true;
        } else if (wasQuoted && !Character.isWhitespace(c)) {
          throw ImageBatchException.input(
              lines.path,
              lines.number,
              null,
              "text after the closing quote of field " + (fields.size() + 1));
        } else if (!wasQuoted) {
          field.append(c);
        }
      }
    }
  }

  /** JSON values as a JSON line holds them: objects keep their order, numbers their kind. */
  static final class Json {
    private Json() {}

    static Map<String, @Nullable Object> object(String line, Path path, long number) {
      JsonReader reader = JsonReader.of(new Buffer().writeUtf8(line));
      try {
        if (reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
          throw ImageBatchException.input(
              path, number, null, "expected a JSON object, got " + describe(reader.peek()));
        }
        @SuppressWarnings("unchecked") // BEGIN_OBJECT reads as a map
        Map<String, @Nullable Object> object = (Map<String, @Nullable Object>) value(reader);
        boolean ends;
        try {
          ends = reader.peek() == JsonReader.Token.END_DOCUMENT;
        } catch (JsonEncodingException e) {
          ends = false;
        }
        if (!ends) {
          throw ImageBatchException.input(
              path, number, null, "not valid JSON: text follows the object");
        }
        return object;
      } catch (JsonEncodingException | JsonDataException e) {
        String problem = String.valueOf(e.getMessage());
        if (problem.startsWith("Use JsonReader.setLenient(true)")) {
          // Moshi's advice is for its callers; ours need to know where the JSON breaks.
          problem = "malformed" + problem.substring(problem.indexOf(" at path "));
        }
        throw ImageBatchException.input(path, number, null, "not valid JSON: " + problem);
      } catch (IOException e) {
        throw ImageBatchException.input(path, number, null, "not valid JSON: " + e);
      }
    }

    static @Nullable Object value(JsonReader reader) throws IOException {
      switch (reader.peek()) {
        case BEGIN_OBJECT -> {
          Map<String, @Nullable Object> object = new LinkedHashMap<>();
          reader.beginObject();
          while (reader.hasNext()) {
            String name = reader.nextName();
            if (object.containsKey(name)) {
              throw new JsonDataException(
                  "the object has \"" + name + "\" twice, at " + reader.getPath());
            }
            object.put(name, value(reader));
          }
          reader.endObject();
          return object;
        }
        case BEGIN_ARRAY -> {
          List<@Nullable Object> array = new ArrayList<>();
          reader.beginArray();
          while (reader.hasNext()) {
            array.add(value(reader));
          }
          reader.endArray();
          return array;
        }
        case STRING -> {
          return reader.nextString();
        }
        case NUMBER -> {
          return number(reader.nextString());
        }
        case BOOLEAN -> {
          return reader.nextBoolean();
        }
        case NULL -> {
          return reader.nextNull();
        }
        default -> throw new JsonDataException("unexpected " + reader.peek());
      }
    }

    /** A JSON number as written: a whole number as Integer or Long, anything else as Double. */
    static Object number(String literal) {
      if (literal.indexOf('.') < 0 && literal.indexOf('e') < 0 && literal.indexOf('E') < 0) {
        try {
          long value = Long.parseLong(literal);
          return value == (int) value ? (Object) (int) value : (Object) value;
        } catch (NumberFormatException e) {
          // Too large for a long: a double it is.
        }
      }
      return Double.parseDouble(literal);
    }

    static String describe(@Nullable Object value) {
      if (value instanceof JsonReader.Token token) {
        return switch (token) {
          case BEGIN_ARRAY -> "an array";
          case STRING -> "a string";
          case NUMBER -> "a number";
          case BOOLEAN -> "a boolean";
          case NULL -> "null";
          default -> token.toString().toLowerCase(Locale.ROOT);
        };
      }
      if (value == null) {
        return "null";
      }
      if (value instanceof String text) {
        String shown = text.length() > 60 ? text.substring(0, 60) + "…" : text;
        return "\"" + shown + "\"";
      }
      if (value instanceof List) {
        return "an array";
      }
      if (value instanceof Map) {
        return "an object";
      }
      return value.toString();
    }
  }
}
