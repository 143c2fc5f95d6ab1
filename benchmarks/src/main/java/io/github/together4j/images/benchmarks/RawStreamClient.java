package io.github.together4j.images.benchmarks;

import com.squareup.moshi.JsonReader;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Base64;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * The streaming baseline: Moshi's {@link JsonReader} over the body's source, and each {@code
 * b64_json} value, taken with {@link JsonReader#nextSource()}, decoded by {@link
 * Base64.Decoder#wrap} while it is read and copied to its file. The response is never held whole.
 */
final class RawStreamClient implements ImageClient {
  private static final JsonReader.Options TOP = JsonReader.Options.of("data");
  private static final JsonReader.Options IMAGE = JsonReader.Options.of("b64_json");

  private final RawHttp http;
  private final Target target;

  RawStreamClient(Target target) {
    this.target = target;
    this.http = new RawHttp(target);
  }

  @Override
  public long generateAndWrite(int worker, int n) throws Exception {
    long total = 0;
    try (Response response = http.post(n);
        JsonReader reader = JsonReader.of(response.body().source())) {
      reader.beginObject();
      while (reader.hasNext()) {
        if (reader.selectName(TOP) != 0) {
          reader.skipName();
          reader.skipValue();
          continue;
        }
        reader.beginArray();
        for (int position = 0; reader.hasNext(); position++) {
          reader.beginObject();
          while (reader.hasNext()) {
            if (reader.selectName(IMAGE) != 0) {
              reader.skipName();
              reader.skipValue();
              continue;
            }
            try (BufferedSource value = reader.nextSource();
                InputStream in = Base64.getDecoder().wrap(new JsonStringInputStream(value));
                OutputStream out =
                    Files.newOutputStream(
                        target.directory().resolve("w" + worker + "_" + position + ".png"))) {
              total += in.transferTo(out);
            }
          }
          reader.endObject();
        }
        reader.endArray();
      }
      reader.endObject();
    }
    return total;
  }

  @Override
  public void close() {
    http.close();
  }
}
