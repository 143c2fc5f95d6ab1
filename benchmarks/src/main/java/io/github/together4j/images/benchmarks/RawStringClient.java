package io.github.together4j.images.benchmarks;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import okhttp3.Response;

/**
 * The baseline most code does: the body as a String, parsed with Moshi into maps, each {@code
 * b64_json} decoded whole with {@link Base64#getDecoder()} and written with {@link Files#write}.
 */
final class RawStringClient implements ImageClient {
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);

  private final RawHttp http;
  private final Target target;

  RawStringClient(Target target) {
    this.target = target;
    this.http = new RawHttp(target);
  }

  @Override
  public long generateAndWrite(int worker, int n) throws Exception {
    String body;
    try (Response response = http.post(n)) {
      body = response.body().string();
    }
    Object parsed = JSON.fromJson(body);
    if (!(parsed instanceof Map<?, ?> map) || !(map.get("data") instanceof List<?> data)) {
      throw new IOException("no data in the response");
    }
    long total = 0;
    for (int i = 0; i < data.size(); i++) {
      Map<?, ?> image = (Map<?, ?>) data.get(i);
      byte[] bytes = Base64.getDecoder().decode((String) image.get("b64_json"));
      Files.write(target.directory().resolve("w" + worker + "_" + i + ".png"), bytes);
      total += bytes.length;
    }
    return total;
  }

  @Override
  public void close() {
    http.close();
  }
}
