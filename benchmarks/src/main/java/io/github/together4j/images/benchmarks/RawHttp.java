package io.github.together4j.images.benchmarks;

import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * What both raw baselines share: a default OkHttpClient and the same JSON body together4j sends.
 */
final class RawHttp {
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  final OkHttpClient http = new OkHttpClient();
  private final ImageClient.Target target;

  RawHttp(ImageClient.Target target) {
    this.target = target;
  }

  /** Sends the request and returns a successful response; the caller closes it. */
  Response post(int n) throws IOException {
    String body =
        "{\"model\":\""
            + ImageClient.Target.MODEL
            + "\",\"prompt\":\""
            + ImageClient.Target.PROMPT
            + "\",\"n\":"
            + n
            + ",\"width\":"
            + NoisePng.SIDE
            + ",\"height\":"
            + NoisePng.SIDE
            + ",\"response_format\":\"base64\",\"output_format\":\"png\"}";
    Request request =
        new Request.Builder()
            .url(target.baseUrl() + "images/generations")
            .header("Authorization", "Bearer " + target.apiKey())
            .post(RequestBody.create(body, JSON))
            .build();
    Response response = http.newCall(request).execute();
    if (!response.isSuccessful()) {
      response.close();
      throw new IOException("HTTP " + response.code());
    }
    return response;
  }

  void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
