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
   * Whether {@code bytes} has neither a backslash nor a byte above 0x7f: JSON string content that
   * is its own characters. Scanned 8 KiB per call, so the scan is compiled as a whole method within
   * a few images rather than only on-stack-replaced inside one long loop (which profiles showed
   * running interpreted).
   */
  static boolean isPlainAscii(byte[] bytes) {
    for (int from = 0; from < bytes.length; from += 8192) {
      if (indexOfBackslashOrNonAscii(bytes, from, Math.min(bytes.length, from + 8192)) >= 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns the index of the first {@code \\} or byte above 0x7f in {@code bytes[from, to)}, or -1:
   * where a JSON string's bytes stop being its characters.
   */
  static int indexOfBackslashOrNonAscii(byte[] bytes, int from, int to) {
    int i = from;
    for (; i <= to - 8; i += 8) {
      long word = (long) LONGS.get(bytes, i);
      long backslashes = word ^ BACKSLASHES;
      if (((word | (backslashes - ONES) & ~backslashes) & HIGHS) != 0) {
        break;
      }
    }
    for (; i < to; i++) {
      byte b = bytes[i];
      if (b == '\\' || b < 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Returns the index of the first {@code "} or {@code \\} in {@code bytes[from, to)}, or -1: the
   * bytes that end or escape a JSON string. Eight bytes at a time, so the long plain runs of a
   * base64 value cost little more than copying them.
   */
  static int indexOfQuoteOrBackslash(byte[] bytes, int from, int to) {
    int i = from;
    for (; i <= to - 8; i += 8) {
      long word = (long) LONGS.get(bytes, i);
      long quotes = word ^ QUOTES;
      long backslashes = word ^ BACKSLASHES;
      // A byte of either is zero where the word has that character (the classic zero-byte test).
      if ((((quotes - ONES) & ~quotes | (backslashes - ONES) & ~backslashes) & HIGHS) != 0) {
        break;
      }
    }
    for (; i < to; i++) {
      byte b = bytes[i];
      if (b == '"' || b == '\\') {
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

  /** The {@code b64_json} values read on this thread by the current {@link #readGeneration}. */
  private static final ThreadLocal<@Nullable Map<ImageChoicesData, Base64Stream.Ascii>> CAPTURED =
      new ThreadLocal<>();

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
    Map<ImageChoicesData, Base64Stream.Ascii> base64 = new IdentityHashMap<>();
    CAPTURED.set(base64);
    try {
      return new Generation(read(response, GENERATION), base64);
    } catch (EOFException e) {
      // Moshi's own reads say "End of input"; a b64_json read through nextSource() ends with
      // Okio's bare EOFException.
      throw e.getMessage() != null ? e : malformedIfWhole(e, response.body().source());
    } finally {
      CAPTURED.remove();
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
   * check), except for {@code b64_json}: its raw JSON bytes are taken with {@link
   * JsonReader#nextSource()} and, when plain, kept as bytes and left out of the record.
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
      Map<ImageChoicesData, Base64Stream.Ascii> captured = CAPTURED.get();
      if (captured == null || reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
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
            if (reader.peek() == JsonReader.Token.STRING) {
              Buffer value = new Buffer();
              try (BufferedSource source = reader.nextSource()) {
                source.readAll(value);
              }
              // The value with its quotes: plain when nothing between them needs unescaping.
              value.skip(1);
              byte[] bytes = value.readByteArray(value.size() - 1);
              if (isPlainAscii(bytes)) {
                ascii = new Base64Stream.Ascii(bytes);
              } else {
                b64Json =
                    JsonReader.of(new Buffer().writeByte('"').write(bytes).writeByte('"'))
                        .nextString();
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
        captured.put(data, ascii);
      }
      return data;
    }

    @Override
    public void toJson(JsonWriter writer, @Nullable ImageChoicesData value) throws IOException {
      generated.toJson(writer, value);
    }
  }

  static <T> T read(Response response, JsonAdapter<T> adapter) throws IOException {
    int status = response.code();
    if (status == 204 || status == 205) {
      throw new JsonDataException("HTTP " + status + " without a body");
    }
    BufferedSource source = response.body().source();
    if (source.rangeEquals(0, UTF8_BOM)) {
      source.skip(UTF8_BOM.size());
    }
    JsonReader reader = JsonReader.of(source);
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
