package io.github.together4j.images;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import com.squareup.moshi.Moshi;
import io.github.together4j.images.generated.JSON;
import io.github.together4j.images.generated.model.ImageChoicesData;
import io.github.together4j.images.generated.model.ImageResponse;
import java.io.EOFException;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSource;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * Reads a 2xx JSON answer as Retrofit's Moshi converter would, with its gaps closed: a UTF-8 BOM is
 * skipped, and a body without content, a {@code null} document or anything after the JSON is a
 * {@link JsonDataException} (a body that arrived whole and is not the contract: never retried).
 */
final class JsonBody {
  private static final ByteString UTF8_BOM = ByteString.decodeHex("efbbbf");

  /** Reads 8 bytes of an array as one long, to scan a word at a time. */
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = ONES * '"';
  private static final long BACKSLASHES = ONES * '\\';

  private JsonBody() {}

  /**
   * Returns the index of the first {@code "} or {@code \\} in {@code bytes[from, to)}, or -1: the
   * bytes that end or escape a JSON string.
   */
  static int indexOfQuoteOrBackslash(byte[] bytes, int from, int to) {
    return indexOfSpecial(bytes, from, to, 0);
  }

  /**
   * Returns the index of the first {@code "}, {@code \\} or byte above 0x7f in {@code bytes[from,
   * to)}, or -1: where a JSON string's bytes stop being its own ASCII characters.
   */
  static int indexOfQuoteBackslashOrNonAscii(byte[] bytes, int from, int to) {
    return indexOfSpecial(bytes, from, to, HIGHS);
  }

  /**
   * Finds a quote, a backslash or (with {@code highs} set) a byte with its high bit set, eight
   * bytes at a time, so the long plain runs of a base64 value cost little more than copying them.
   * Called a segment or a chunk at a time, the method is compiled whole after a few images (one
   * call per 2 MB value reached C2 only through on-stack replacement, and profiles showed it
   * running interpreted).
   */
  private static int indexOfSpecial(byte[] bytes, int from, int to, long highs) {
    int i = from;
    for (; i <= to - 8; i += 8) {
      long word = (long) LONGS.get(bytes, i);
      long quotes = word ^ QUOTES;
      long backslashes = word ^ BACKSLASHES;
      // A byte of either is zero where the word has that character (the classic zero-byte test).
      long zeros = (quotes - ONES) & ~quotes | (backslashes - ONES) & ~backslashes;
      if (((zeros | word & highs) & HIGHS) != 0) {
        break;
      }
    }
    for (; i < to; i++) {
      byte b = bytes[i];
      if (b == '"' || b == '\\' || (b < 0 && highs != 0)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * An image response as read by {@link #readGeneration}: the generated records, in which each
   * plain {@code b64_json} is null and its bytes are in {@code base64}, keyed by the very record.
   */
  record Generation(ImageResponse response, Map<ImageChoicesData, Base64Stream.Ascii> base64) {}

  /**
   * What one {@link #readGeneration} reads from, and has read: the tag of its {@link JsonReader},
   * so the shared {@link ChoicesAdapter} finds its read without any per-thread state.
   */
  private static final class Capture {
    final Map<ImageChoicesData, Base64Stream.Ascii> base64 = new IdentityHashMap<>();
    final Buffer.UnsafeCursor cursor = new Buffer.UnsafeCursor();
    @Nullable BufferedSource source;
  }

  /** The generated adapters, but {@link ChoicesAdapter} for each image. */
  private static final JsonAdapter<ImageResponse> GENERATION =
      new Moshi.Builder()
          .add(
              (type, annotations, moshi) ->
                  type == ImageChoicesData.class && annotations.isEmpty()
                      ? new ChoicesAdapter()
                      : null)
          .add(JSON.FACTORY)
          .build()
          .adapter(ImageResponse.class);

  /**
   * Reads an image response as {@link #read} does, but keeps each {@code b64_json} that is plain
   * ASCII without escapes (every real one) as its bytes: one copy from the wire, no {@code String}
   * (which would cost a copy to build and two to decode). Values with escapes or other characters
   * stay Strings in their records, exactly as the generated adapter reads them.
   */
  static Generation readGeneration(Response response) throws IOException {
    Capture capture = new Capture();
    try {
      return new Generation(read(response, GENERATION, capture), capture.base64);
    } catch (EOFException e) {
      // Moshi's reads and readString say "End of input"; Okio's bare EOFException from any read
      // under them says nothing, and the body is asked.
      throw e.getMessage() != null ? e : malformedIfWhole(e, response.body().source());
    }
  }

  /**
   * Returns what to throw for an {@link EOFException} that carries no message (Okio's, from a value
   * read through {@link JsonReader#nextSource()}): {@code e} itself if the body broke off (a cut
   * body fails again when asked), to be retried; a {@link JsonEncodingException} if it arrived
   * whole and its JSON ends inside a value, a malformed response that is never retried.
   */
  static IOException malformedIfWhole(EOFException e, BufferedSource body) {
    try {
      if (!body.exhausted()) {
        return e;
      }
    } catch (IOException cut) {
      return e;
    }
    JsonEncodingException malformed =
        new JsonEncodingException("End of input: the response ends inside a JSON value");
    malformed.initCause(e);
    return malformed;
  }

  /**
   * Reads an {@link ImageChoicesData} as the generated record adapter does (the same component
   * adapters, unknown names skipped, the last of a repeated name winning, the record's own required
   * check), except for {@code b64_json}: read straight from the body by {@link #readString} and,
   * when plain ASCII, kept as bytes and left out of the record.
   */
  private static final class ChoicesAdapter extends JsonAdapter<ImageChoicesData> {
    private final JsonAdapter<ImageChoicesData> generated;
    private final JsonAdapter<Integer> ints;
    private final JsonAdapter<String> strings;
    private final JsonAdapter<ImageChoicesData.TypeEnum> types;

    ChoicesAdapter() {
      Moshi moshi = JSON.moshi();
      this.generated = moshi.adapter(ImageChoicesData.class);
      this.ints = moshi.adapter(Integer.class);
      this.strings = moshi.adapter(String.class);
      this.types = moshi.adapter(ImageChoicesData.TypeEnum.class);
    }

    @Override
    public @Nullable ImageChoicesData fromJson(JsonReader reader) throws IOException {
      Capture capture = reader.tag(Capture.class);
      if (capture == null || reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
        return generated.fromJson(reader);
      }
      String path = reader.getPath();
      Integer index = null;
      String b64Json = null;
      Base64Stream.Ascii ascii = null;
      String url = null;
      ImageChoicesData.TypeEnum type = null;
      reader.beginObject();
      while (reader.hasNext()) {
        switch (reader.nextName()) {
          case "index" -> index = ints.fromJson(reader);
          case "b64_json" -> {
            b64Json = null;
            ascii = null;
            BufferedSource source = capture.source;
            if (reader.peek() == JsonReader.Token.STRING && source != null) {
              Object value = readString(reader, source, capture.cursor);
              if (value instanceof Base64Stream.Ascii bytes) {
                ascii = bytes;
              } else {
                b64Json = (String) value;
              }
            } else {
              b64Json = strings.fromJson(reader);
            }
          }
          case "url" -> url = strings.fromJson(reader);
          case "type" -> type = types.fromJson(reader);
          default -> reader.skipValue();
        }
      }
      reader.endObject();
      ImageChoicesData data;
      try {
        data = new ImageChoicesData(index, b64Json, url, type);
      } catch (NullPointerException e) {
        // The record's required check, reported as the generated adapter reports it.
        throw new JsonDataException(e.getMessage() + " at " + path, e);
      }
      if (ascii != null) {
        capture.base64.put(data, ascii);
      }
      return data;
    }

    /**
     * Reads the string value {@code reader} has just peeked, straight from {@code source}, which it
     * reads: Moshi has consumed the opening quote and nothing more. Plain ASCII runs move from the
     * source's buffer, segment by segment, scanned 8 bytes at a time; at the closing quote the
     * value is the bytes, and Moshi's {@code nextString()} reads what is left of it, the quote. At
     * a backslash or a byte above 0x7f, Moshi reads the rest instead (unescaping, decoding UTF-8)
     * and the value is a String, exactly the one the generated adapter would have read.
     */
    private static Object readString(
        JsonReader reader, BufferedSource source, Buffer.UnsafeCursor cursor) throws IOException {
      Buffer buffer = source.getBuffer();
      Buffer plain = new Buffer();
      while (true) {
        if (buffer.size() == 0 && !source.request(1)) {
          throw new EOFException("End of input at path " + reader.getPath());
        }
        int run;
        boolean stopped;
        try (Buffer.UnsafeCursor segment = buffer.readUnsafe(cursor)) {
          segment.seek(0);
          int special = indexOfQuoteBackslashOrNonAscii(segment.data, segment.start, segment.end);
          stopped = special >= 0;
          run = (stopped ? special : segment.end) - segment.start;
        }
        plain.write(buffer, run);
        if (stopped) {
          boolean closed = buffer.getByte(0) == '"';
          String rest = reader.nextString();
          return closed
              ? new Base64Stream.Ascii(plain.readByteArray())
              : plain.readString(java.nio.charset.StandardCharsets.ISO_8859_1) + rest;
        }
      }
    }

    @Override
    public void toJson(JsonWriter writer, @Nullable ImageChoicesData value) throws IOException {
      generated.toJson(writer, value);
    }
  }

  static <T> T read(Response response, JsonAdapter<T> adapter) throws IOException {
    return read(response, adapter, null);
  }

  private static <T> T read(Response response, JsonAdapter<T> adapter, @Nullable Capture capture)
      throws IOException {
    int status = response.code();
    if (status == 204 || status == 205) {
      throw new JsonDataException("HTTP " + status + " without a body");
    }
    BufferedSource source = response.body().source();
    if (source.rangeEquals(0, UTF8_BOM)) {
      source.skip(UTF8_BOM.size());
    }
    JsonReader reader = JsonReader.of(source);
    if (capture != null) {
      capture.source = source;
      reader.setTag(Capture.class, capture);
    }
    T body = adapter.fromJson(reader);
    if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
      throw new JsonDataException("JSON document was not fully consumed.");
    }
    if (body == null) {
      throw new JsonDataException("HTTP " + status + " with a null body");
    }
    return body;
  }
}
