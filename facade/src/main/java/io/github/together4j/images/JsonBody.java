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

  private JsonBody() {}

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
