package io.github.together4j.images;

import static io.github.together4j.images.TestApi.OK_BODY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TogetherImagesTest {
  @StartStop private final MockWebServer server = new MockWebServer();
  @StartStop private final MockWebServer otherOrigin = new MockWebServer();
  private final List<TogetherImages> clients = new ArrayList<>();

  @AfterEach
  void closeClients() {
    clients.forEach(TogetherImages::close);
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private TogetherImages track(TogetherImages client) {
    clients.add(client);
    return client;
  }

  private TogetherImages.Builder builder() {
    return TogetherImages.builder().apiKey("test-key").baseUrl(server.url("/v1/").toString());
  }

  private RecordedRequest take() throws InterruptedException {
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request).as("request reached the server").isNotNull();
    return request;
  }

  private static String body(RecordedRequest request) {
    return request.getBody() == null ? "" : request.getBody().utf8();
  }

  @Test
  void generatePromptPostsMinimalJsonWithAuthUserAgentAndContentType() throws Exception {
    server.enqueue(json(200, OK_BODY));
    TogetherImages client = track(builder().build());

    client.generate("a cat");

    RecordedRequest request = take();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/images/generations");
    assertThat(body(request))
        .isEqualTo(
            "{\"prompt\":\"a cat\",\"model\":\"black-forest-labs/FLUX.1-schnell-Free\","
                + "\"n\":1,\"height\":1024,\"width\":1024}");
    assertThat(request.getHeaders().values("Authorization")).containsExactly("Bearer test-key");
    assertThat(request.getHeaders().get("User-Agent"))
        .matches("together4j/0\\.1\\.0-SNAPSHOT Java/.+")
        .endsWith(System.getProperty("java.version"));
    assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
  }

  @Test
  void fullRequestSendsEveryOptionAndExtrasAsExactJson() throws Exception {
    server.enqueue(json(200, OK_BODY));
    Map<String, Object> layer = new LinkedHashMap<>();
    layer.put("name", "base");
    layer.put("weight", 0.5);
    ImageGenerationRequest request =
        ImageGenerationRequest.builder("a lighthouse")
            .model("acme/painter")
            .n(2)
            .size(768, 512)
            .steps(4)
            .seed(42)
            .negativePrompt("fog")
            .responseFormat(ResponseFormat.BASE64)
            .guidanceScale(7.5)
            .outputFormat(OutputFormat.PNG)
            .imageUrl("https://img.example/in.png")
            .addImageLora("https://lora.example/a", 0.8)
            .referenceImages(List.of("https://ref.example/1.png"))
            .disableSafetyChecker(true)
            .putExtra("aspect_ratio", "16:9")
            .putExtra("layers", List.of(layer, 3, false))
            .build();

    track(builder().build()).generate(request);

    assertThat(body(take()))
        .isEqualTo(
            "{\"prompt\":\"a lighthouse\",\"model\":\"acme/painter\","
                + "\"steps\":4,\"image_url\":\"https://img.example/in.png\",\"seed\":42,\"n\":2,"
                + "\"height\":512,\"width\":768,\"negative_prompt\":\"fog\",\"response_format\":\"base64\","
                + "\"guidance_scale\":7.5,\"output_format\":\"png\","
                + "\"image_loras\":[{\"path\":\"https://lora.example/a\",\"scale\":0.8}],"
                + "\"reference_images\":[\"https://ref.example/1.png\"],\"disable_safety_checker\":true,"
                + "\"aspect_ratio\":\"16:9\",\"layers\":[{\"name\":\"base\",\"weight\":0.5},3,false]}");
  }

  @Test
  void builderDefaultModelIsSentWhenRequestNamesNoneAndRequestModelWins() throws Exception {
    server.enqueue(json(200, OK_BODY));
    server.enqueue(json(200, OK_BODY));
    TogetherImages client = track(builder().defaultModel("acme/default").build());

    client.generate("a cat");
    client.generate(ImageGenerationRequest.builder("a dog").model("acme/chosen").build());

    assertThat(client.defaultModel()).isEqualTo("acme/default");
    assertThat(body(take())).contains("\"model\":\"acme/default\"");
    assertThat(body(take())).contains("\"model\":\"acme/chosen\"").doesNotContain("acme/default");
  }

  @Test
  void builderHeadersAreSentWithEveryCall() throws Exception {
    server.enqueue(json(200, OK_BODY));
    server.enqueue(json(200, OK_BODY));
    TogetherImages client =
        track(builder().addHeader("X-Proxy-Tenant", "blue").addHeader("X-Trace", "t1").build());

    client.generate("one");
    client.generate("two");

    for (int i = 0; i < 2; i++) {
      RecordedRequest request = take();
      assertThat(request.getHeaders().get("X-Proxy-Tenant")).isEqualTo("blue");
      assertThat(request.getHeaders().get("X-Trace")).isEqualTo("t1");
    }
  }

  @Test
  void resultExposesMetadataAndImagesSortedByIndex() {
    server.enqueue(
        json(
            200,
            "{\"id\":\"gen-1\",\"model\":\"acme/m\",\"object\":\"list\",\"data\":["
                + "{\"index\":2,\"url\":\"https://cdn.example/2.png\",\"type\":\"url\"},"
                + "{\"index\":0,\"b64_json\":\"AAAA\",\"type\":\"b64_json\"},"
                + "{\"index\":1,\"b64_json\":\"BBBB\"}]}"));

    ImageGenerationResult result =
        track(builder().build()).generate(ImageGenerationRequest.builder("x").n(3).build());

    assertThat(result.id()).isEqualTo("gen-1");
    assertThat(result.model()).isEqualTo("acme/m");
    assertThat(result.object()).isEqualTo("list");
    assertThat(result.raw().data()).hasSize(3);
    assertThat(result.images()).extracting(GeneratedImage::index).containsExactly(0, 1, 2);
    assertThat(result.images())
        .extracting(GeneratedImage::b64Json)
        .containsExactly("AAAA", "BBBB", null);
    GeneratedImage url = result.images().get(2);
    assertThat(url.isUrl()).isTrue();
    assertThat(url.isBase64()).isFalse();
    assertThat(url.url()).isEqualTo("https://cdn.example/2.png");
    assertThat(result.images().get(1).isBase64()).isTrue();
    assertThat(result.images().get(1).isUrl()).isFalse();
  }

  @Test
  void missingOrBlankApiKeyIsRejectedNamingApiKey() {
    assertThatThrownBy(() -> TogetherImages.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("apiKey");
    assertThatThrownBy(() -> TogetherImages.builder().apiKey(" \t").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("apiKey");
  }

  @Test
  void fromEnvReadsKeyAndBaseUrl() throws Exception {
    server.enqueue(json(200, OK_BODY));
    Map<String, String> env =
        Map.of(
            TogetherImages.API_KEY_ENV,
            " env-key ",
            TogetherImages.BASE_URL_ENV,
            server.url("/v1").toString());

    TogetherImages client = track(TogetherImages.fromEnv(env::get));
    client.generate("a cat");

    assertThat(client.baseUrl()).isEqualTo(server.url("/v1/").toString());
    assertThat(take().getHeaders().get("Authorization")).isEqualTo("Bearer env-key");
    TogetherImages defaults = track(TogetherImages.fromEnv(Map.of("TOGETHER_API_KEY", "k")::get));
    assertThat(defaults.baseUrl()).isEqualTo(TogetherImages.DEFAULT_BASE_URL);
    assertThat(defaults.defaultModel()).isEqualTo(TogetherImages.DEFAULT_MODEL);
  }

  @Test
  void fromEnvWithoutKeyExplainsWhereToGetOne() {
    for (Map<String, String> env :
        List.of(Map.<String, String>of(), Map.of("TOGETHER_API_KEY", "  "))) {
      assertThatThrownBy(() -> TogetherImages.fromEnv(env::get))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("TOGETHER_API_KEY")
          .hasMessageContaining("https://api.together.ai/settings/api-keys");
    }
  }

  /** Run by {@link #publicFromEnvWithoutKeyInTheEnvironmentFails} in a child JVM. */
  static final class FromEnvMain {
    public static void main(String[] args) {
      try {
        TogetherImages.fromEnv().close();
        System.out.print("built without a key");
      } catch (IllegalStateException e) {
        System.out.print("ISE: " + e.getMessage());
      }
    }
  }

  @Test
  void publicFromEnvWithoutKeyInTheEnvironmentFails() throws Exception {
    ProcessBuilder process =
        new ProcessBuilder(
            System.getProperty("java.home") + "/bin/java",
            "-cp",
            System.getProperty("java.class.path"),
            FromEnvMain.class.getName());
    process.environment().remove(TogetherImages.API_KEY_ENV);
    process.environment().remove(TogetherImages.BASE_URL_ENV);
    process.redirectErrorStream(true);
    Process child = process.start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output)
        .startsWith("ISE: TOGETHER_API_KEY is not set")
        .contains("https://api.together.ai/settings/api-keys");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://example.com/v1",
        "http://10.1.2.3/v1",
        "http://[2001:db8::1]/v1",
        "http://localhost.example.com/v1",
        "http://127.0.0.1.example.com/v1"
      })
  void plainHttpToRemoteHostIsRefusedAtBuild(String baseUrl) {
    assertThatThrownBy(() -> builder().baseUrl(baseUrl).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plain http")
        .hasMessageContaining("use https");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:8080/v1",
        "http://localhost/v1",
        "http://[::1]:9/v1",
        "https://api.example.com/v1"
      })
  void loopbackHttpAndHttpsAreAccepted(String baseUrl) {
    TogetherImages client = track(builder().baseUrl(baseUrl).build());
    assertThat(client.baseUrl()).startsWith(baseUrl).endsWith("/v1/");
  }

  @Test
  void baseUrlWithoutTrailingSlashKeepsItsPath() throws Exception {
    server.enqueue(json(200, OK_BODY));
    String noSlash = "http://127.0.0.1:" + server.getPort() + "/v1";

    track(builder().baseUrl(noSlash).build()).generate("a cat");

    assertThat(take().getUrl().encodedPath()).isEqualTo("/v1/images/generations");
  }

  @Test
  void closeLeavesCallerOkHttpClientUsable() throws Exception {
    OkHttpClient caller = new OkHttpClient();
    try {
      server.enqueue(json(200, OK_BODY));
      server.enqueue(json(200, "{}"));
      TogetherImages client = builder().okHttpClient(caller).build();
      client.generate("a cat");
      client.close();

      assertThat(caller.dispatcher().executorService().isShutdown()).isFalse();
      Request ping = new Request.Builder().url(server.url("/ping")).build();
      try (Response response = caller.newCall(ping).execute()) {
        assertThat(response.code()).isEqualTo(200);
      }
      assertThat(caller.dispatcher().executorService().submit(() -> "ran").get(5, TimeUnit.SECONDS))
          .isEqualTo("ran");
    } finally {
      caller.dispatcher().executorService().shutdown();
      caller.connectionPool().evictAll();
    }
  }

  @Test
  void closeShutsDownTheClientsOwnExecutorAndLaterCallsFail() {
    TogetherImages client = builder().build();
    client.close();
    client.close();

    assertThat(client.httpClient().dispatcher().executorService().isShutdown()).isTrue();
    assertThatThrownBy(() -> client.generate("a cat"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> client.generateAsync("a cat"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void newBuilderSharesConnectionPoolAndSendsOnlyTheNewKey() throws Exception {
    server.enqueue(json(200, OK_BODY));
    TogetherImages client = track(builder().maxRetries(5).build());
    TogetherImages derived = track(client.newBuilder().apiKey("derived-key").build());

    derived.generate("a cat");

    assertThat(derived.httpClient().connectionPool())
        .isSameAs(client.httpClient().connectionPool());
    assertThat(derived.httpClient().dispatcher()).isSameAs(client.httpClient().dispatcher());
    assertThat(derived.baseUrl()).isEqualTo(client.baseUrl());
    assertThat(derived.toString()).contains("maxRetries=5");
    assertThat(take().getHeaders().values("Authorization")).containsExactly("Bearer derived-key");
  }

  @Test
  void clientDerivedForAnotherOriginCarriesOnlyItsOwnKeyAndOrigin() throws Exception {
    server.enqueue(json(200, "{}"));
    otherOrigin.enqueue(json(200, OK_BODY));
    TogetherImages parent = track(builder().build());
    TogetherImages moved =
        track(
            parent
                .newBuilder()
                .apiKey("derived-key")
                .baseUrl(otherOrigin.url("/v1/").toString())
                .build());
    TogetherImages derived = track(moved.newBuilder().build());

    derived.generate("a cat");
    Request toParentOrigin = new Request.Builder().url(server.url("/files/1")).build();
    try (Response response = derived.httpClient().newCall(toParentOrigin).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }

    assertThat(otherOrigin.takeRequest(5, TimeUnit.SECONDS).getHeaders().values("Authorization"))
        .containsExactly("Bearer derived-key");
    assertThat(take().getHeaders().names()).doesNotContain("Authorization");
  }

  @Test
  void authorizationAndBuilderHeadersGoOnlyToTheApiOrigin() throws Exception {
    server.enqueue(json(200, "{}"));
    otherOrigin.enqueue(json(200, "image bytes"));
    TogetherImages client = track(builder().addHeader("X-Tenant", "blue").build());
    OkHttpClient http = client.httpClient();

    try (Response same =
            http.newCall(new Request.Builder().url(server.url("/files/1")).build()).execute();
        Response other =
            http.newCall(new Request.Builder().url(otherOrigin.url("/img/1.png")).build())
                .execute()) {
      assertThat(other.body().string()).isEqualTo("image bytes");
      assertThat(same.code()).isEqualTo(200);
    }

    RecordedRequest api = take();
    assertThat(api.getHeaders().get("Authorization")).isEqualTo("Bearer test-key");
    assertThat(api.getHeaders().get("X-Tenant")).isEqualTo("blue");
    RecordedRequest image = otherOrigin.takeRequest(5, TimeUnit.SECONDS);
    assertThat(image.getHeaders().names()).doesNotContain("Authorization", "X-Tenant");
  }

  @Test
  void redirectToAnotherOriginDropsTheAuthorization() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(307)
            .addHeader("Location", otherOrigin.url("/v1/images/generations"))
            .build());
    otherOrigin.enqueue(json(200, OK_BODY));

    track(builder().build()).generate("a cat");

    assertThat(take().getHeaders().get("Authorization")).isEqualTo("Bearer test-key");
    RecordedRequest redirected = otherOrigin.takeRequest(5, TimeUnit.SECONDS);
    assertThat(redirected.getMethod()).isEqualTo("POST");
    assertThat(redirected.getHeaders().names()).doesNotContain("Authorization");
  }

  @Test
  void bigDecimalExtraIsRefusedAtPutExtraNamingTheAllowedTypes() {
    // Moshi cannot write BigDecimal; refusing it up front beats a failure at send time.
    assertThatThrownBy(
            () ->
                ImageGenerationRequest.builder("a cat")
                    .putExtra("strength", new BigDecimal("0.35")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strength")
        .hasMessageContaining("java.math.BigDecimal")
        .hasMessageContaining("allowed are");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void invalidRetryAndTimeoutSettingsAreRejectedNamingTheField() {
    TogetherImages.Builder builder = TogetherImages.builder();
    assertThatThrownBy(() -> builder.maxRetries(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxRetries = -1");
    assertThatThrownBy(() -> builder.connectTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> builder.readTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("readTimeout");
    assertThatThrownBy(() -> builder.callTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("callTimeout");
    assertThatThrownBy(() -> builder.defaultModel(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model is blank");
    builder.maxRetries(0).connectTimeout(Duration.ofMillis(1));
  }

  @Test
  void addHeaderRefusesAuthorizationAndLineBreaks() {
    TogetherImages.Builder builder = TogetherImages.builder();
    assertThatThrownBy(() -> builder.addHeader("Authorization", "Bearer other"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("apiKey");
    assertThatThrownBy(() -> builder.addHeader("authorization", "Bearer other"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.addHeader("X-Evil", "a\r\nAuthorization: Bearer x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.addHeader("X-Evil", "a\nb"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void addHeaderTwiceWithOneNameSendsBothValues() throws Exception {
    server.enqueue(json(200, OK_BODY));

    track(builder().addHeader("X-Tag", "a").addHeader("X-Tag", "b").build()).generate("a cat");

    assertThat(take().getHeaders().values("X-Tag")).containsExactly("a", "b");
  }

  @Test
  void apiKeyWithLineBreakIsRejectedAtBuild() {
    assertThatThrownBy(() -> TogetherImages.builder().apiKey("test-key\n").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("apiKey");
  }
}
