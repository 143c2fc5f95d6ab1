package io.github.together4j.images.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.TogetherImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the fake server's tests share: a server started before and closed after each test, raw HTTP
 * for wire-level checks, clients closed after the test, and helpers to send and read. Each subclass
 * tests one concern of the server's HTTP behaviour.
 */
abstract class FakeServerTestBase {

  static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);
  static final MediaType APPLICATION_JSON = MediaType.get("application/json");

  /** Raw HTTP for wire-level checks: no transparent retries, nothing added to requests. */
  static OkHttpClient HTTP;

  static final String MINIMAL = "{\"prompt\":\"a fox\",\"model\":\"m\"}";

  @TempDir Path tempDir;

  FakeTogetherServer server;
  final List<TogetherImages> clients = new ArrayList<>();

  @BeforeEach
  void startServer() {
    server = FakeTogetherServer.start();
  }

  @AfterEach
  void stopServer() {
    clients.forEach(TogetherImages::close);
    server.close();
  }

  @BeforeAll
  static void openHttp() {
    HTTP =
        new OkHttpClient.Builder()
            .retryOnConnectionFailure(false)
            .callTimeout(Duration.ofSeconds(10))
            .build();
  }

  @AfterAll
  static void releaseHttp() {
    HTTP.dispatcher().executorService().shutdown();
    HTTP.connectionPool().evictAll();
  }

  static final String MINIMAL_SMALL =
      "{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":8,\"height\":8}";

  /** A reply to a request, read whole. */
  record Reply(int code, Headers headers, String body) {
    Map<String, Object> json() {
      return object(parse(body));
    }
  }

  /** A download, read whole as bytes. */
  record Download(int code, Headers headers, byte[] bytes) {}

  TogetherImages track(TogetherImages client) {
    clients.add(client);
    return client;
  }

  static ImageGenerationRequest.Builder small(String prompt) {
    return ImageGenerationRequest.builder(prompt).size(8, 8);
  }

  static String base64Request(String prompt, @Nullable Integer seed, int n) {
    return "{\"prompt\":\""
        + prompt
        + "\",\"model\":\"m\",\"n\":"
        + n
        + ",\"width\":48,\"height\":32,"
        + "\"response_format\":\"base64\""
        + (seed == null ? "" : ",\"seed\":" + seed)
        + "}";
  }

  static Reply post(FakeTogetherServer target, String body) {
    return call(generationRequest(target, body));
  }

  static Reply post(FakeTogetherServer target, String body, @Nullable String authorization) {
    return call(generationRequest(target, body, authorization));
  }

  /** A POST of {@code body} to the target's generations endpoint, with its API key. */
  static Request generationRequest(FakeTogetherServer target, String body) {
    return generationRequest(target, body, "Bearer " + target.apiKey());
  }

  static Request generationRequest(
      FakeTogetherServer target, String body, @Nullable String authorization) {
    Request.Builder request =
        new Request.Builder()
            .url(target.baseUrl() + "images/generations")
            .post(RequestBody.create(body, APPLICATION_JSON));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request.build();
  }

  static Reply call(Request request) {
    try (Response response = HTTP.newCall(request).execute()) {
      return new Reply(response.code(), response.headers(), response.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Download get(String url) {
    try (Response response = HTTP.newCall(new Request.Builder().url(url).build()).execute()) {
      return new Download(response.code(), response.headers(), response.body().bytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Map<String, Object>> data(Reply reply) {
    assertThat(reply.code()).as(reply.body()).isEqualTo(200);
    List<Map<String, Object>> data = new ArrayList<>();
    for (Object image : (List<?>) reply.json().get("data")) {
      data.add(object(image));
    }
    return data;
  }

  static String url(Reply reply) {
    return (String) data(reply).get(0).get("url");
  }

  static String b64Text(Reply reply) {
    return b64Text(reply, 0);
  }

  static String b64Text(Reply reply, int index) {
    return (String) data(reply).get(index).get("b64_json");
  }

  static byte[] b64(Map<String, Object> image) {
    return Base64.getDecoder().decode((String) image.get("b64_json"));
  }

  static @Nullable Object parse(String json) {
    try {
      return JSON.fromJson(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked") // JSON objects parse to maps with string keys
  static Map<String, Object> object(@Nullable Object json) {
    assertThat(json).isInstanceOf(Map.class);
    return (Map<String, Object>) json;
  }

  static BufferedImage decode(byte[] bytes) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
      assertThat(image).as("ImageIO decodes the image").isNotNull();
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Null, hidden from the compiler, to check that a builder or method refuses it. */
  static String nullString() {
    return null;
  }
}
