package io.github.together4j.images;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonReader;
import java.io.IOException;
import okhttp3.Response;
import okio.BufferedSource;
import okio.ByteString;

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
