package io.github.together4j.images.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import io.github.together4j.images.AuthenticationException;
import io.github.together4j.images.BadRequestException;
import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageFormat;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.internal.ImageRenderer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import okhttp3.ConnectionPool;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The fake server's HTTP behaviour, on the wire (raw OkHttp) and through the real client. */
class FakeTogetherServerTest {

  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);
  private static final MediaType APPLICATION_JSON = MediaType.get("application/json");

  /** Raw HTTP for wire-level checks: no transparent retries, nothing added to requests. */
  private static final OkHttpClient HTTP =
      new OkHttpClient.Builder()
          .retryOnConnectionFailure(false)
          .callTimeout(Duration.ofSeconds(10))
          .build();

  private static final String MINIMAL = "{\"prompt\":\"a fox\",\"model\":\"m\"}";

  @TempDir Path tempDir;

  private FakeTogetherServer server;
  private final List<TogetherImages> clients = new ArrayList<>();

  @BeforeEach
  void startServer() {
    server = FakeTogetherServer.start();
  }

  @AfterEach
  void stopServer() {
    clients.forEach(TogetherImages::close);
    server.close();
  }

  @AfterAll
  static void releaseHttp() {
    HTTP.dispatcher().executorService().shutdown();
    HTTP.connectionPool().evictAll();
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  @Test
  void baseUrlIsPlainHttpOnALoopbackAddressEndingInV1() throws IOException {
    HttpUrl url = HttpUrl.get(server.baseUrl());

    assertThat(url.scheme()).isEqualTo("http");
    assertThat(InetAddress.getByName(url.host()).isLoopbackAddress()).as(url.host()).isTrue();
    assertThat(url.port()).isEqualTo(server.port()).isPositive();
    assertThat(url.encodedPath()).isEqualTo("/v1/");
    assertThat(server.baseUrl()).endsWith(":" + server.port() + "/v1/");
    assertThat(server).hasToString("FakeTogetherServer{baseUrl=" + server.baseUrl() + "}");
  }

  @Test
  void serverAcceptsTheDefaultKeyUnlessBuiltWithAnother() {
    assertThat(server.apiKey())
        .isEqualTo(FakeTogetherServer.DEFAULT_API_KEY)
        .isEqualTo("fake-together-key");
  }

  @Test
  void aLongRunningServerKeepsOnlyTheLastThousandUntakenRequests() {
    byte[] image = ImageRenderer.render("fixed", 0, 8, 8, ImageRenderer.Format.PNG);
    int total = FakeTogetherServer.MAX_RECORDED + 10;
    try (FakeTogetherServer fixed = FakeTogetherServer.builder().fixedImage(image).start();
        TogetherImages client = fixed.clientBuilder().maxRetries(0).build()) {
      for (int i = 0; i < total; i++) {
        client.generate("request " + i);
      }

      assertThat(fixed.requestCount()).isEqualTo(total);
      assertThat(fixed.takeRequest().field("prompt")).as("the oldest kept").isEqualTo("request 10");
      for (int i = 11; i < total; i++) {
        assertThat(fixed.takeRequest(Duration.ZERO)).isNotNull();
      }
      assertThat(fixed.takeRequest(Duration.ZERO)).isNull();
    }
  }

  @Test
  void twoServersListenOnDifferentPorts() {
    try (FakeTogetherServer other = FakeTogetherServer.start()) {
      assertThat(other.port()).isNotEqualTo(server.port());
      assertThat(post(other, MINIMAL_SMALL).code()).isEqualTo(200);
      assertThat(other.requestCount()).isEqualTo(1);
      assertThat(server.requestCount()).isZero();
    }
  }

  @Test
  void builderPortIsHonoured() throws IOException {
    int port = freePort();

    try (FakeTogetherServer fixed = FakeTogetherServer.builder().port(port).start()) {
      assertThat(fixed.port()).isEqualTo(port);
      assertThat(fixed.baseUrl()).endsWith(":" + port + "/v1/");
      assertThat(post(fixed, MINIMAL_SMALL).code()).isEqualTo(200);
    }
  }

  @Test
  void startingOnAPortInUseFailsNamingThePort() {
    assertThatThrownBy(() -> FakeTogetherServer.builder().port(server.port()).start())
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("port " + server.port());
  }

  @Test
  void builderRejectsOutOfRangePortsAndBlankKeys() {
    assertThatThrownBy(() -> FakeTogetherServer.builder().port(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port = -1");
    assertThatThrownBy(() -> FakeTogetherServer.builder().port(65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 to 65535");
    assertThatThrownBy(() -> FakeTogetherServer.builder().apiKey(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank");
    assertThatThrownBy(() -> FakeTogetherServer.builder().apiKey(nullString()))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void closeTwiceIsHarmlessAndTheServerStillDescribesItself() {
    String baseUrl = server.baseUrl();

    server.close();
    server.close();

    assertThat(server.baseUrl()).isEqualTo(baseUrl);
    assertThat(server).hasToString("FakeTogetherServer{baseUrl=" + baseUrl + "}");
  }

  @Test
  void closeStopsTheServer() {
    String baseUrl = server.baseUrl();
    assertThat(post(server, MINIMAL_SMALL).code()).isEqualTo(200);

    server.close();

    Request request =
        new Request.Builder()
            .url(baseUrl + "images/generations")
            .header("Authorization", "Bearer " + FakeTogetherServer.DEFAULT_API_KEY)
            .post(RequestBody.create(MINIMAL_SMALL, APPLICATION_JSON))
            .build();
    OkHttpClient fresh = HTTP.newBuilder().connectionPool(new ConnectionPool()).build();
    assertThatThrownBy(() -> fresh.newCall(request).execute().close())
        .isInstanceOf(ConnectException.class);
  }

  // ---------------------------------------------------------------------------------------------
  // Authentication

  @Test
  void missingAuthorizationIs401WithInvalidApiKeyErrorData() {
    Reply reply = post(server, MINIMAL_SMALL, null);

    assertThat(reply.code()).isEqualTo(401);
    assertThat(reply.headers().get("Content-Type")).startsWith("application/json");
    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(reply.json()).containsOnlyKeys("error");
    assertThat(error).containsOnlyKeys("message", "type", "param", "code");
    assertThat(error.get("message")).asString().startsWith("Invalid API key provided");
    assertThat(error)
        .containsEntry("type", "invalid_request_error")
        .containsEntry("param", null)
        .containsEntry("code", "invalid_api_key");
    assertThat(reply.body()).contains("\"param\":null");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bearer fake-together-key",
        "BEARER fake-together-key",
        "Bearer  fake-together-key"
      })
  void schemeIsCaseInsensitiveAndSpacesAreAllowedAsHttpSays(String authorization) {
    assertThat(post(server, MINIMAL_SMALL, authorization).code()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Bearer wrong-key",
        "Bearer fake-together-key-2",
        "fake-together-key",
        "Basic fake-together-key",
        "Bearer ",
        "Bearerfake-together-key"
      })
  void wrongAuthorizationIs401(String authorization) {
    Reply reply = post(server, MINIMAL_SMALL, authorization);

    assertThat(reply.code()).isEqualTo(401);
    assertThat(object(reply.json().get("error"))).containsEntry("code", "invalid_api_key");
  }

  @Test
  void authorizationIsCheckedBeforeTheBodyIsValidated() {
    Reply reply = post(server, "not json", "Bearer wrong");

    assertThat(reply.code()).isEqualTo(401);
  }

  @Test
  void clientWithWrongKeyGetsAuthenticationException() {
    TogetherImages client = track(server.clientBuilder().apiKey("wrong").maxRetries(0).build());

    assertThatThrownBy(() -> client.generate(small("a fox").build()))
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(401);
              assertThat(e.errorType()).isEqualTo("invalid_request_error");
              assertThat(e.errorCode()).isEqualTo("invalid_api_key");
              assertThat(e.param()).isNull();
              assertThat(e.getMessage()).doesNotContain("wrong");
            });
    assertThat(server.takeRequest().authorized()).isFalse();
  }

  @Test
  void customApiKeyIsTheOnlyKeyAccepted() {
    try (FakeTogetherServer custom = FakeTogetherServer.builder().apiKey("k2").start();
        TogetherImages client = custom.newClient()) {
      assertThat(custom.apiKey()).isEqualTo("k2");
      assertThat(post(custom, MINIMAL_SMALL, "Bearer " + FakeTogetherServer.DEFAULT_API_KEY).code())
          .isEqualTo(401);
      assertThat(post(custom, MINIMAL_SMALL, "Bearer k2").code()).isEqualTo(200);
      assertThat(client.generate(small("a fox").build()).images()).hasSize(1);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Validation against the spec, sent as hand-written JSON (the client would refuse some of it)

  @Test
  void takeRequestWithTimeoutReturnsNullWhenNothingArrived() {
    assertThat(server.takeRequest(Duration.ZERO)).isNull();

    post(server, MINIMAL_SMALL);

    assertThat(server.takeRequest(Duration.ofSeconds(5))).isNotNull();
    assertThat(server.takeRequest(Duration.ZERO)).isNull();
  }

  @Test
  void idsStayUniqueAcrossReset() {
    String first = (String) post(server, MINIMAL_SMALL).json().get("id");
    server.reset();
    String second = (String) post(server, MINIMAL_SMALL).json().get("id");

    assertThat(second).isNotEqualTo(first);
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void errorResponsesCarryARequestIdToo() {
    Reply reply = post(server, "{\"model\":\"m\"}");

    assertThat(reply.code()).isEqualTo(400);
    assertThat(reply.headers().get("x-request-id")).startsWith("fake-req-");
  }

  @Test
  void fixedImageModeServesTheSameBytesForEveryRequest() throws Exception {
    byte[] png = ImageRenderer.render("fixed", 1, 32, 16, ImageRenderer.Format.PNG);
    try (FakeTogetherServer fixed = FakeTogetherServer.builder().fixedImage(png).start()) {
      String body = "{\"prompt\":\"a\",\"model\":\"m\",\"n\":2,\"response_format\":\"base64\"}";
      Reply first = post(fixed, body);
      Reply second = post(fixed, body.replace("\"a\"", "\"b\""));

      assertThat(first.code()).isEqualTo(200);
      assertThat(second.body()).isEqualTo(first.body());
      assertThat(data(first)).hasSize(2).allSatisfy(image -> assertThat(b64(image)).isEqualTo(png));
      // Validation still applies.
      assertThat(post(fixed, "{\"model\":\"m\"}").code()).isEqualTo(400);
    }
  }

  static Stream<Arguments> specViolations() {
    return Stream.of(
        Arguments.of("prompt missing", "{\"model\":\"m\"}", "prompt"),
        Arguments.of("model missing", "{\"prompt\":\"p\"}", "model"),
        Arguments.of("prompt a number", "{\"prompt\":5,\"model\":\"m\"}", "prompt"),
        Arguments.of("prompt null", "{\"prompt\":null,\"model\":\"m\"}", "prompt"),
        Arguments.of("model a boolean", "{\"prompt\":\"p\",\"model\":true}", "model"),
        Arguments.of("n a string", "{\"prompt\":\"p\",\"model\":\"m\",\"n\":\"2\"}", "n"),
        Arguments.of(
            "width a fraction", "{\"prompt\":\"p\",\"model\":\"m\",\"width\":12.5}", "width"),
        Arguments.of("seed a fraction", "{\"prompt\":\"p\",\"model\":\"m\",\"seed\":1.5}", "seed"),
        Arguments.of(
            "guidance_scale a string",
            "{\"prompt\":\"p\",\"model\":\"m\",\"guidance_scale\":\"x\"}",
            "guidance_scale"),
        Arguments.of(
            "disable_safety_checker a string",
            "{\"prompt\":\"p\",\"model\":\"m\",\"disable_safety_checker\":\"yes\"}",
            "disable_safety_checker"),
        Arguments.of(
            "image_loras an object",
            "{\"prompt\":\"p\",\"model\":\"m\",\"image_loras\":{\"path\":\"u\",\"scale\":1}}",
            "image_loras"),
        Arguments.of(
            "lora without path",
            "{\"prompt\":\"p\",\"model\":\"m\",\"image_loras\":[{\"scale\":1}]}",
            "image_loras[0].path"),
        Arguments.of(
            "second lora without scale",
            "{\"prompt\":\"p\",\"model\":\"m\",\"image_loras\":[{\"path\":\"u\",\"scale\":1},"
                + "{\"path\":\"u\"}]}",
            "image_loras[1].scale"),
        Arguments.of(
            "reference image a number",
            "{\"prompt\":\"p\",\"model\":\"m\",\"reference_images\":[1]}",
            "reference_images[0]"),
        Arguments.of(
            "response_format b64_json (not in the spec's enum)",
            "{\"prompt\":\"p\",\"model\":\"m\",\"response_format\":\"b64_json\"}",
            "response_format"),
        Arguments.of(
            "output_format webp",
            "{\"prompt\":\"p\",\"model\":\"m\",\"output_format\":\"webp\"}",
            "output_format"),
        Arguments.of("n 0", "{\"prompt\":\"p\",\"model\":\"m\",\"n\":0}", "n"),
        Arguments.of("width 0", "{\"prompt\":\"p\",\"model\":\"m\",\"width\":0}", "width"),
        Arguments.of("height -1", "{\"prompt\":\"p\",\"model\":\"m\",\"height\":-1}", "height"),
        Arguments.of("steps 0", "{\"prompt\":\"p\",\"model\":\"m\",\"steps\":0}", "steps"));
  }

  @ParameterizedTest(name = "{0} → 400 param {2}")
  @MethodSource("specViolations")
  void specViolationIs400NamingTheParam(String rule, String body, String param) {
    Reply reply = post(server, body);

    assertThat(reply.code()).as(rule).isEqualTo(400);
    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(error)
        .containsEntry("type", "invalid_request_error")
        .containsEntry("param", param)
        .containsEntry("code", null);
    assertThat(error.get("message")).asString().startsWith(param);
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void enumViolationMessageListsTheAllowedValues() {
    Reply reply =
        post(server, "{\"prompt\":\"p\",\"model\":\"m\",\"response_format\":\"b64_json\"}");

    assertThat(object(reply.json().get("error")).get("message"))
        .asString()
        .contains("[base64, url]")
        .contains("b64_json");
  }

  @Test
  void severalViolationsAreAllReportedAndTheFirstNamesTheParam() {
    Reply reply = post(server, "{\"n\":0}");

    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(reply.code()).isEqualTo(400);
    assertThat(error).containsEntry("param", "prompt");
    assertThat(error.get("message"))
        .asString()
        .contains("prompt is required; model is required; n ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "{\"prompt\":", "", "null"})
  void bodyThatIsNotJsonIs400WithoutParam(String body) {
    Reply reply = post(server, body);

    assertThat(reply.code()).isEqualTo(400);
    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(error).containsEntry("type", "invalid_request_error").containsEntry("param", null);
    assertThat(error.get("message")).asString().startsWith("Request body is not valid JSON");
  }

  @Test
  void bodyThatIsAJsonArrayIs400WithoutParam() {
    Reply reply = post(server, "[" + MINIMAL + "]");

    assertThat(reply.code()).isEqualTo(400);
    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(error).containsEntry("param", null);
    assertThat(error.get("message")).asString().contains("object");
  }

  @Test
  void unknownExtraFieldIsAccepted() {
    Reply reply =
        post(
            server,
            "{\"prompt\":\"p\",\"model\":\"m\",\"width\":8,\"height\":8,\"aspect_ratio\":\"16:9\"}");

    assertThat(reply.code()).isEqualTo(200);
    assertThat(server.takeRequest().field("aspect_ratio")).isEqualTo("16:9");
  }

  @Test
  void everyPropertyOfTheSpecAtOnceIsAccepted() {
    Reply reply =
        post(
            server,
            """
        {"prompt": "a fox", "model": "m", "steps": 4, "image_url": "https://example.com/in.png",
         "seed": 42, "n": 2, "height": 24, "width": 32, "negative_prompt": "blurry",
         "response_format": "base64", "guidance_scale": 3.5, "output_format": "png",
         "image_loras": [{"path": "https://example.com/lora", "scale": 0.8}],
         "reference_images": ["https://example.com/ref.png"], "disable_safety_checker": false}
        """);

    assertThat(reply.code()).isEqualTo(200);
    assertThat(data(reply)).hasSize(2);
  }

  @Test
  void moreThanMaxNImagesIs400NamingN() {
    Reply reply =
        post(server, "{\"prompt\":\"p\",\"model\":\"m\",\"n\":5,\"width\":8,\"height\":8}");

    assertThat(reply.code()).isEqualTo(400);
    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(error).containsEntry("param", "n").containsEntry("type", "invalid_request_error");
    assertThat(error.get("message"))
        .asString()
        .isEqualTo("n must be at most 4 on the fake server, got 5");
    assertThat(FakeTogetherServer.MAX_N).isEqualTo(4);
  }

  @Test
  void maxNImagesIsAccepted() {
    Reply reply =
        post(server, "{\"prompt\":\"p\",\"model\":\"m\",\"n\":4,\"width\":8,\"height\":8}");

    assertThat(reply.code()).isEqualTo(200);
    assertThat(data(reply)).hasSize(4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"width", "height"})
  void sideAboveMaxDimensionIs400NamingTheSide(String side) {
    String other = side.equals("width") ? "height" : "width";
    Reply reply =
        post(
            server, "{\"prompt\":\"p\",\"model\":\"m\",\"" + side + "\":4097,\"" + other + "\":8}");

    assertThat(reply.code()).isEqualTo(400);
    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(error).containsEntry("param", side);
    assertThat(error.get("message"))
        .asString()
        .isEqualTo(side + " must be at most 4096 on the fake server, got 4097");
  }

  @Test
  void maxDimensionIsAccepted() {
    Reply reply =
        post(
            server,
            "{\"prompt\":\"p\",\"model\":\"m\",\"width\":4096,\"height\":1,\"response_format\":\"base64\"}");

    assertThat(reply.code()).isEqualTo(200);
    assertThat(decode(b64(data(reply).get(0))).getWidth()).isEqualTo(4096);
  }

  @Test
  void clientRequestOverTheFakeLimitIsBadRequestNamingN() {
    TogetherImages client = track(server.clientBuilder().maxRetries(0).build());

    assertThatThrownBy(() -> client.generate(small("a fox").n(5).build()))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.param()).isEqualTo("n");
              assertThat(e.errorType()).isEqualTo("invalid_request_error");
              assertThat(e.serverMessage())
                  .isEqualTo("n must be at most 4 on the fake server, got 5");
            });
    assertThat(server.takeRequest().field("n")).isEqualTo(5.0);
  }

  // ---------------------------------------------------------------------------------------------
  // Images

  @Test
  void base64PngImagesDecodeToTheRequestedSize() {
    TogetherImages client = track(server.newClient());

    ImageGenerationResult result =
        client.generate(
            ImageGenerationRequest.builder("a lighthouse")
                .n(3)
                .size(320, 200)
                .outputFormat(OutputFormat.PNG)
                .responseFormat(ResponseFormat.BASE64)
                .build());

    assertThat(result.images()).hasSize(3);
    for (int i = 0; i < 3; i++) {
      GeneratedImage image = result.images().get(i);
      assertThat(image.index()).isEqualTo(i);
      assertThat(image.isBase64()).isTrue();
      assertThat(image.format()).isEqualTo(ImageFormat.PNG);
      byte[] bytes = image.bytes();
      assertThat(Arrays.copyOf(bytes, 8))
          .containsExactly(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
      BufferedImage decoded = decode(bytes);
      assertThat(decoded.getWidth()).isEqualTo(320);
      assertThat(decoded.getHeight()).isEqualTo(200);
    }
  }

  @Test
  void jpegIsTheDefaultOutputFormat() {
    Reply reply =
        post(
            server,
            "{\"prompt\":\"p\",\"model\":\"m\",\"width\":40,\"height\":30,\"response_format\":\"base64\"}");

    byte[] bytes = b64(data(reply).get(0));
    assertThat(Arrays.copyOf(bytes, 3)).containsExactly(0xFF, 0xD8, 0xFF);
    BufferedImage decoded = decode(bytes);
    assertThat(decoded.getWidth()).isEqualTo(40);
    assertThat(decoded.getHeight()).isEqualTo(30);
  }

  @Test
  void explicitJpegIsJpeg() {
    TogetherImages client = track(server.newClient());

    GeneratedImage image =
        client
            .generate(
                small("a fox")
                    .outputFormat(OutputFormat.JPEG)
                    .responseFormat(ResponseFormat.BASE64)
                    .build())
            .images()
            .get(0);

    assertThat(image.format()).isEqualTo(ImageFormat.JPEG);
  }

  @Test
  void defaultSizeIs1024Square() {
    Reply reply = post(server, "{\"prompt\":\"p\",\"model\":\"m\",\"response_format\":\"base64\"}");

    BufferedImage decoded = decode(b64(data(reply).get(0)));
    assertThat(decoded.getWidth()).isEqualTo(1024);
    assertThat(decoded.getHeight()).isEqualTo(1024);
  }

  @Test
  void samePromptAndSeedGiveIdenticalImages() {
    String first = b64Text(post(server, base64Request("a fox", 42, 1)));
    String second = b64Text(post(server, base64Request("a fox", 42, 1)));

    assertThat(second).isEqualTo(first);
  }

  @Test
  void anotherSeedGivesAnotherImage() {
    String seed42 = b64Text(post(server, base64Request("a fox", 42, 1)));
    String seed43 = b64Text(post(server, base64Request("a fox", 43, 1)));

    assertThat(seed43).isNotEqualTo(seed42);
  }

  @Test
  void anotherPromptGivesAnotherImage() {
    String fox = b64Text(post(server, base64Request("a fox", 42, 1)));
    String owl = b64Text(post(server, base64Request("an owl", 42, 1)));

    assertThat(owl).isNotEqualTo(fox);
  }

  @Test
  void noSeedIsSeedZeroSoEveryCallGivesTheSameBytes() {
    String noSeed = b64Text(post(server, base64Request("a fox", null, 1)));
    String again = b64Text(post(server, base64Request("a fox", null, 1)));
    String seedZero = b64Text(post(server, base64Request("a fox", 0, 1)));
    String seedOne = b64Text(post(server, base64Request("a fox", 1, 1)));

    assertThat(again).isEqualTo(noSeed);
    assertThat(seedZero).isEqualTo(noSeed);
    assertThat(seedOne).isNotEqualTo(noSeed);
  }

  @Test
  void imageIIsDrawnFromSeedPlusI() {
    List<Map<String, Object>> seed7 = data(post(server, base64Request("a fox", 7, 3)));
    String seed8 = b64Text(post(server, base64Request("a fox", 8, 1)));
    String seed9 = b64Text(post(server, base64Request("a fox", 9, 1)));

    assertThat(seed7.get(1).get("b64_json")).isEqualTo(seed8);
    assertThat(seed7.get(2).get("b64_json")).isEqualTo(seed9);
    assertThat(seed7.get(0).get("b64_json")).isNotEqualTo(seed8);
  }

  @Test
  void responseHasIdModelObjectAndPerImageIndexTypeAndTimings() {
    Reply reply =
        post(
            server,
            "{\"prompt\":\"p\",\"model\":\"acme/painter-2\",\"n\":2,\"width\":8,"
                + "\"height\":8,\"response_format\":\"base64\"}");

    assertThat(reply.code()).isEqualTo(200);
    assertThat(reply.headers().get("Content-Type")).startsWith("application/json");
    assertThat(reply.json()).containsOnlyKeys("id", "model", "object", "data");
    assertThat(reply.json().get("id")).asString().startsWith("fake-");
    assertThat(reply.json())
        .containsEntry("model", "acme/painter-2")
        .containsEntry("object", "list");
    List<Map<String, Object>> data = data(reply);
    for (int i = 0; i < 2; i++) {
      Map<String, Object> image = data.get(i);
      assertThat(image).containsOnlyKeys("index", "b64_json", "type", "timings");
      assertThat(image).containsEntry("index", (double) i).containsEntry("type", "b64_json");
      assertThat(object(image.get("timings")).get("inference"))
          .isInstanceOfSatisfying(
              Double.class, seconds -> assertThat(seconds).isBetween(0.0, 10.0));
    }
    assertThat(reply.headers().get("x-request-id")).isNotBlank().startsWith("fake-req-");
  }

  @Test
  void clientSeesTheEchoedModelAndTheListObject() {
    TogetherImages client = track(server.newClient());

    ImageGenerationResult result = client.generate(small("a fox").model("acme/painter-2").build());

    assertThat(result.model()).isEqualTo("acme/painter-2");
    assertThat(result.object()).isEqualTo("list");
    assertThat(result.id()).startsWith("fake-");
    assertThat(server.takeRequest().field("model")).isEqualTo("acme/painter-2");
  }

  @Test
  void clientDefaultModelIsSentAndEchoed() {
    TogetherImages client = track(server.newClient());

    ImageGenerationResult result = client.generate(small("a fox").build());

    assertThat(result.model()).isEqualTo(TogetherImages.DEFAULT_MODEL);
  }

  @Test
  void successiveRequestsGetDistinctIdsAndRequestIds() {
    Reply first = post(server, base64Request("a fox", 1, 1));
    Reply second = post(server, base64Request("a fox", 1, 1));

    assertThat(second.json().get("id")).isNotEqualTo(first.json().get("id"));
    assertThat(second.headers().get("x-request-id"))
        .isNotEqualTo(first.headers().get("x-request-id"));
  }

  @Test
  void overlappingRequestsGetDistinctIdsAndRequestIds() throws Exception {
    StringBuilder slowToValidate =
        new StringBuilder(
            "{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":1,\"height\":1,\"reference_images\":[");
    for (int i = 0; i < 1_000_000; i++) {
      slowToValidate.append(i == 0 ? "\"u\"" : ",\"u\"");
    }
    String quick = "{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":1,\"height\":1}";
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<Reply> slow =
          executor.submit(() -> post(server, slowToValidate.append("]}").toString()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (server.requestCount() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      Reply overtaking = post(server, quick);
      Reply overtaken = slow.get(10, TimeUnit.SECONDS);

      assertThat(overtaken.json().get("id")).isNotEqualTo(overtaking.json().get("id"));
      assertThat(overtaken.headers().get("x-request-id"))
          .isNotEqualTo(overtaking.headers().get("x-request-id"));
    } finally {
      executor.shutdownNow();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // URL results

  @Test
  void urlIsTheDefaultResponseFormatAndPointsAtThisServerSigned() {
    Reply reply = post(server, MINIMAL_SMALL);

    Map<String, Object> image = data(reply).get(0);
    assertThat(image).containsEntry("type", "url").doesNotContainKey("b64_json");
    HttpUrl url = HttpUrl.get((String) image.get("url"));
    HttpUrl base = HttpUrl.get(server.baseUrl());
    assertThat(url.scheme()).isEqualTo("http");
    assertThat(url.host()).isEqualTo(base.host());
    assertThat(url.port()).isEqualTo(server.port());
    assertThat(url.encodedPath()).startsWith("/v1/files/").endsWith(".jpg");
    assertThat(url.queryParameter("X-Fake-Signature")).isNotBlank();
    assertThat(url.queryParameter("X-Fake-Expires")).isEqualTo("3600");
  }

  @Test
  void everyUrlIsDistinct() {
    List<Map<String, Object>> data =
        data(
            post(
                server,
                "{\"prompt\":\"p\",\"model\":\"m\",\"n\":3,\"width\":8,\"height\":8,\"seed\":1}"));
    String again =
        (String)
            data(post(
                    server,
                    "{\"prompt\":\"p\",\"model\":\"m\",\"width\":8,\"height\":8,\"seed\":1}"))
                .get(0)
                .get("url");

    Set<Object> urls = new HashSet<>();
    data.forEach(image -> urls.add(image.get("url")));
    urls.add(again);
    assertThat(urls).hasSize(4);
  }

  @Test
  void urlServesTheImageWithoutAuthorizationAndWithItsContentType() {
    String jpegUrl =
        url(
            post(
                server,
                "{\"prompt\":\"p\",\"model\":\"m\",\"width\":40,\"height\":30,\"response_format\":\"url\"}"));
    String pngUrl =
        url(
            post(
                server,
                "{\"prompt\":\"p\",\"model\":\"m\",\"width\":40,\"height\":30,"
                    + "\"output_format\":\"png\"}"));

    Download jpeg = get(jpegUrl);
    Download png = get(pngUrl);

    assertThat(jpeg.code()).isEqualTo(200);
    assertThat(jpeg.headers().get("Content-Type")).isEqualTo("image/jpeg");
    assertThat(Arrays.copyOf(jpeg.bytes(), 3)).containsExactly(0xFF, 0xD8, 0xFF);
    assertThat(png.code()).isEqualTo(200);
    assertThat(png.headers().get("Content-Type")).isEqualTo("image/png");
    assertThat(HttpUrl.get(pngUrl).encodedPath()).endsWith(".png");
    BufferedImage decoded = decode(png.bytes());
    assertThat(decoded.getWidth()).isEqualTo(40);
    assertThat(decoded.getHeight()).isEqualTo(30);
  }

  @Test
  void urlServesTheSameBytesAsBase64Would() {
    String url =
        url(
            post(
                server,
                "{\"prompt\":\"p\",\"model\":\"m\",\"width\":16,\"height\":16,\"seed\":3,\"output_format\":\"png\"}"));
    byte[] inline =
        b64(
            data(post(
                    server,
                    "{\"prompt\":\"p\",\"model\":\"m\",\"width\":16,\"height\":16,"
                        + "\"seed\":3,\"output_format\":\"png\",\"response_format\":\"base64\"}"))
                .get(0));

    assertThat(get(url).bytes()).isEqualTo(inline);
  }

  @Test
  void urlCanBeDownloadedMoreThanOnce() {
    String url = url(post(server, MINIMAL_SMALL));

    assertThat(get(url).bytes()).isEqualTo(get(url).bytes());
    assertThat(get(url).code()).isEqualTo(200);
  }

  @Test
  void wrongOrMissingSignatureIs403() {
    HttpUrl url = HttpUrl.get(url(post(server, MINIMAL_SMALL)));
    HttpUrl wrong =
        url.newBuilder().setQueryParameter("X-Fake-Signature", "0000000000000000").build();
    HttpUrl missing = url.newBuilder().removeAllQueryParameters("X-Fake-Signature").build();

    for (HttpUrl bad : List.of(wrong, missing)) {
      Download download = get(bad.toString());
      assertThat(download.code()).as(bad.toString()).isEqualTo(403);
      Map<String, Object> error =
          object(object(parse(new String(download.bytes(), StandardCharsets.UTF_8))).get("error"));
      assertThat(error).containsEntry("type", "access_denied");
    }
  }

  @Test
  void unknownFileIs404() {
    HttpUrl url = HttpUrl.get(url(post(server, MINIMAL_SMALL)));
    HttpUrl unknown = url.newBuilder().encodedPath("/v1/files/0123456789abcdef.jpg").build();

    Download download = get(unknown.toString());

    assertThat(download.code()).isEqualTo(404);
    Map<String, Object> error =
        object(object(parse(new String(download.bytes(), StandardCharsets.UTF_8))).get("error"));
    assertThat(error).containsEntry("type", "not_found");
    assertThat(error.get("message")).asString().contains("0123456789abcdef.jpg");
  }

  @Test
  void clientSavesAUrlResultAsAValidImageOfTheRequestedSize() throws IOException {
    TogetherImages client = track(server.newClient());

    ImageGenerationResult png =
        client.generate(
            ImageGenerationRequest.builder("a fox")
                .size(64, 48)
                .outputFormat(OutputFormat.PNG)
                .responseFormat(ResponseFormat.URL)
                .build());
    ImageGenerationResult jpeg =
        client.generate(ImageGenerationRequest.builder("an owl").size(48, 64).build());

    assertThat(png.images().get(0).isUrl()).isTrue();
    Path pngFile = png.images().get(0).saveTo(tempDir.resolve("fox"));
    Path jpegFile = jpeg.images().get(0).saveTo(tempDir.resolve("owl"));
    assertThat(pngFile).hasFileName("fox.png");
    assertThat(jpegFile).hasFileName("owl.jpg");
    BufferedImage fox = decode(Files.readAllBytes(pngFile));
    BufferedImage owl = decode(Files.readAllBytes(jpegFile));
    assertThat(new int[] {fox.getWidth(), fox.getHeight()}).containsExactly(64, 48);
    assertThat(new int[] {owl.getWidth(), owl.getHeight()}).containsExactly(48, 64);
  }

  @Test
  void clientDownloadsCarryNoAuthorization() {
    List<String> seen = new CopyOnWriteArrayList<>();
    OkHttpClient recording =
        new OkHttpClient.Builder()
            .addNetworkInterceptor(
                chain -> {
                  Request request = chain.request();
                  seen.add(
                      request.method()
                          + " "
                          + request.url().encodedPath()
                          + " "
                          + (request.header("Authorization") == null ? "no-auth" : "auth"));
                  return chain.proceed(request);
                })
            .build();
    try (TogetherImages client = server.clientBuilder().okHttpClient(recording).build()) {
      GeneratedImage image = client.generate(small("a fox").build()).images().get(0);

      assertThat(image.bytes()).startsWith((byte) 0xFF, (byte) 0xD8, (byte) 0xFF);
    } finally {
      recording.dispatcher().executorService().shutdown();
      recording.connectionPool().evictAll();
    }

    assertThat(seen).hasSize(2);
    assertThat(seen.get(0)).isEqualTo("POST /v1/images/generations auth");
    assertThat(seen.get(1)).startsWith("GET /v1/files/").endsWith(" no-auth");
    assertThat(server.requestCount()).as("downloads are not counted").isEqualTo(1);
  }

  @Test
  void oldestUrlIsForgottenAfterMaxStoredFiles() {
    String oldest = url(post(server, MINIMAL_SMALL));
    String second = url(post(server, MINIMAL_SMALL));
    assertThat(get(oldest).code()).isEqualTo(200);
    for (int stored = 2; stored < FakeTogetherServer.MAX_STORED_FILES; ) {
      int n = Math.min(FakeTogetherServer.MAX_N, FakeTogetherServer.MAX_STORED_FILES - stored);
      assertThat(
              data(
                  post(
                      server,
                      "{\"prompt\":\"p\",\"model\":\"m\",\"n\":"
                          + n
                          + ",\"width\":1,\"height\":1}")))
          .hasSize(n);
      stored += n;
    }
    assertThat(get(oldest).code()).as("the 64th stored image still keeps the first").isEqualTo(200);

    String newest = url(post(server, MINIMAL_SMALL));

    assertThat(FakeTogetherServer.MAX_STORED_FILES).isEqualTo(64);
    assertThat(get(oldest).code()).isEqualTo(404);
    assertThat(get(second).code()).isEqualTo(200);
    assertThat(get(newest).code()).isEqualTo(200);
  }

  @Test
  void resetForgetsStoredImages() {
    String url = url(post(server, MINIMAL_SMALL));

    server.reset();

    assertThat(get(url).code()).isEqualTo(404);
  }

  // ---------------------------------------------------------------------------------------------
  // Recorded requests

  @Test
  void takeRequestReturnsWhatTheClientSentWithTheKeyRedacted() {
    TogetherImages client = track(server.newClient());
    client.generate(
        ImageGenerationRequest.builder("a red fox")
            .model("acme/painter-2")
            .n(2)
            .size(32, 24)
            .seed(42)
            .steps(4)
            .guidanceScale(3.5)
            .negativePrompt("blurry")
            .outputFormat(OutputFormat.PNG)
            .responseFormat(ResponseFormat.BASE64)
            .addImageLora("https://example.com/lora", 0.8)
            .putExtra("aspect_ratio", "4:3")
            .build());

    RecordedImageRequest request = server.takeRequest();

    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/v1/images/generations");
    assertThat(request.authorized()).isTrue();
    assertThat(request.header("Authorization")).isEqualTo("Bearer <redacted>");
    assertThat(request.header("authorization")).isEqualTo("Bearer <redacted>");
    assertThat(request.headers().toString()).doesNotContain(server.apiKey());
    assertThat(request.body()).doesNotContain(server.apiKey());
    assertThat(request.toString())
        .doesNotContain(server.apiKey())
        .startsWith("POST /v1/images/generations {");
    assertThat(request.header("User-Agent")).startsWith("together4j/");
    assertThat(request.header("Content-Type")).startsWith("application/json");
    assertThat(request.field("prompt")).isEqualTo("a red fox");
    assertThat(request.field("model")).isEqualTo("acme/painter-2");
    assertThat(request.field("n")).isEqualTo(2.0);
    assertThat(request.field("width")).isEqualTo(32.0);
    assertThat(request.field("height")).isEqualTo(24.0);
    assertThat(request.field("seed")).isEqualTo(42.0);
    assertThat(request.field("steps")).isEqualTo(4.0);
    assertThat(request.field("guidance_scale")).isEqualTo(3.5);
    assertThat(request.field("negative_prompt")).isEqualTo("blurry");
    assertThat(request.field("output_format")).isEqualTo("png");
    assertThat(request.field("response_format")).isEqualTo("base64");
    assertThat(request.field("aspect_ratio")).isEqualTo("4:3");
    assertThat(request.field("image_loras"))
        .isEqualTo(List.of(Map.of("path", "https://example.com/lora", "scale", 0.8)));
    assertThat(request.field("image_url")).isNull();
    assertThat(request.json()).isInstanceOf(Map.class);
    assertThat(request.body())
        .as("the body as sent, integers without a fraction")
        .startsWith("{\"prompt\":\"a red fox\"")
        .contains("\"seed\":42,");
  }

  @Test
  void wrongKeyIsRecordedUnauthorizedAndRedacted() {
    post(server, MINIMAL_SMALL, "Bearer not-the-key");
    post(server, MINIMAL_SMALL, null);

    RecordedImageRequest wrong = server.takeRequest();
    RecordedImageRequest missing = server.takeRequest();

    assertThat(wrong.authorized()).isFalse();
    assertThat(wrong.header("Authorization")).isEqualTo("Bearer <redacted>");
    assertThat(wrong.headers().toString()).doesNotContain("not-the-key");
    assertThat(missing.authorized()).isFalse();
    assertThat(missing.header("Authorization")).isNull();
  }

  @Test
  void bodyThatIsNotJsonIsRecordedAsTextWithoutJson() {
    post(server, "not json");

    RecordedImageRequest request = server.takeRequest();

    assertThat(request.body()).isEqualTo("not json");
    assertThat(request.json()).isNull();
    assertThat(request.field("prompt")).isNull();
  }

  @Test
  void fieldOfANonObjectBodyIsNull() {
    post(server, "[1,2]");

    RecordedImageRequest request = server.takeRequest();

    assertThat(request.json()).isEqualTo(List.of(1.0, 2.0));
    assertThat(request.field("prompt")).isNull();
  }

  @Test
  void longBodyIsCutInToString() {
    String prompt = "x".repeat(300);
    post(server, "{\"prompt\":\"" + prompt + "\",\"model\":\"m\",\"width\":1,\"height\":1}");

    String shown = server.takeRequest().toString();

    assertThat(shown).startsWith("POST /v1/images/generations {\"prompt\":\"xxx").endsWith("…");
    assertThat(shown).hasSize("POST /v1/images/generations ".length() + 200 + 1);
  }

  @Test
  void requestsAreTakenInArrivalOrder() {
    for (String prompt : List.of("one", "two", "three")) {
      post(server, "{\"prompt\":\"" + prompt + "\",\"model\":\"m\",\"width\":1,\"height\":1}");
    }

    assertThat(List.of(server.takeRequest(), server.takeRequest(), server.takeRequest()))
        .extracting(request -> request.field("prompt"))
        .containsExactly("one", "two", "three");
    assertThat(server.requestCount()).as("taking does not uncount").isEqualTo(3);
  }

  @Test
  void requestCountCountsGenerationRequestsOnly() {
    assertThat(server.requestCount()).isZero();
    String url = url(post(server, MINIMAL_SMALL));
    post(server, "not json");
    post(server, MINIMAL_SMALL, null);

    get(url);
    get(server.baseUrl() + "models");
    get(server.baseUrl() + "images/generations");

    assertThat(server.requestCount()).isEqualTo(3);
  }

  @Test
  void resetClearsFaultsRequestsAndCount() {
    server.enqueue(Fault.overloaded());
    post(server, MINIMAL_SMALL);
    server.enqueue(Fault.overloaded());
    server.enqueue(Fault.malformedJson());

    server.reset();

    assertThat(server.requestCount()).isZero();
    Reply reply =
        post(server, "{\"prompt\":\"after reset\",\"model\":\"m\",\"width\":1,\"height\":1}");
    assertThat(reply.code()).isEqualTo(200);
    assertThat(post(server, MINIMAL_SMALL).code()).isEqualTo(200);
    assertThat(server.takeRequest().field("prompt")).isEqualTo("after reset");
    assertThat(server.requestCount()).isEqualTo(2);
  }

  // ---------------------------------------------------------------------------------------------
  // Routing

  @ParameterizedTest
  @ValueSource(strings = {"GET", "PUT", "DELETE"})
  void otherMethodsOnGenerationsAre405(String method) {
    Request request =
        new Request.Builder()
            .url(server.baseUrl() + "images/generations")
            .header("Authorization", "Bearer " + server.apiKey())
            .method(
                method, method.equals("GET") ? null : RequestBody.create(MINIMAL, APPLICATION_JSON))
            .build();

    Reply reply = call(request);

    assertThat(reply.code()).isEqualTo(405);
    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(error).containsEntry("type", "invalid_request_error");
    assertThat(error.get("message")).asString().isEqualTo(method + " is not allowed: use POST");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void unknownPathIs404ErrorData() {
    Reply models = call(new Request.Builder().url(server.baseUrl() + "models").build());
    Reply postToFiles =
        call(
            new Request.Builder()
                .url(server.baseUrl() + "files/x.jpg")
                .post(RequestBody.create(MINIMAL, APPLICATION_JSON))
                .build());

    assertThat(models.code()).isEqualTo(404);
    assertThat(object(models.json().get("error")))
        .containsEntry("type", "not_found")
        .containsEntry("message", "no route for GET /v1/models")
        .containsEntry("param", null);
    assertThat(postToFiles.code()).isEqualTo(404);
    assertThat(object(postToFiles.json().get("error")))
        .containsEntry("message", "no route for POST /v1/files/x.jpg");
  }

  // ---------------------------------------------------------------------------------------------
  // Concurrency

  @Test
  void oneClientFromEightThreadsIsServedEveryTime() throws Exception {
    TogetherImages client = track(server.newClient());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<List<Integer>>> tasks = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        tasks.add(
            () -> {
              List<Integer> sizes = new ArrayList<>();
              for (int call = 0; call < 3; call++) {
                ImageGenerationResult result =
                    client.generate(
                        ImageGenerationRequest.builder("thread " + thread + " call " + call)
                            .size(16, 16)
                            .responseFormat(ResponseFormat.BASE64)
                            .build());
                sizes.add(decode(result.images().get(0).bytes()).getWidth());
              }
              return sizes;
            });
      }
      List<Future<List<Integer>>> futures = pool.invokeAll(tasks, 30, TimeUnit.SECONDS);
      for (Future<List<Integer>> future : futures) {
        assertThat(future.get()).containsExactly(16, 16, 16);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(server.requestCount()).isEqualTo(24);
    Set<Object> prompts = new HashSet<>();
    for (int i = 0; i < 24; i++) {
      prompts.add(server.takeRequest().field("prompt"));
    }
    assertThat(prompts).hasSize(24);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private static final String MINIMAL_SMALL =
      "{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":8,\"height\":8}";

  /** A reply to a request, read whole. */
  record Reply(int code, Headers headers, String body) {
    Map<String, Object> json() {
      return object(parse(body));
    }
  }

  /** A download, read whole as bytes. */
  record Download(int code, Headers headers, byte[] bytes) {}

  private TogetherImages track(TogetherImages client) {
    clients.add(client);
    return client;
  }

  private static ImageGenerationRequest.Builder small(String prompt) {
    return ImageGenerationRequest.builder(prompt).size(8, 8);
  }

  private static String base64Request(String prompt, @Nullable Integer seed, int n) {
    return "{\"prompt\":\""
        + prompt
        + "\",\"model\":\"m\",\"n\":"
        + n
        + ",\"width\":48,\"height\":32,"
        + "\"response_format\":\"base64\""
        + (seed == null ? "" : ",\"seed\":" + seed)
        + "}";
  }

  private static Reply post(FakeTogetherServer target, String body) {
    return post(target, body, "Bearer " + target.apiKey());
  }

  private static Reply post(
      FakeTogetherServer target, String body, @Nullable String authorization) {
    Request.Builder request =
        new Request.Builder()
            .url(target.baseUrl() + "images/generations")
            .post(RequestBody.create(body, APPLICATION_JSON));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return call(request.build());
  }

  private static Reply call(Request request) {
    try (Response response = HTTP.newCall(request).execute()) {
      return new Reply(response.code(), response.headers(), response.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Download get(String url) {
    try (Response response = HTTP.newCall(new Request.Builder().url(url).build()).execute()) {
      return new Download(response.code(), response.headers(), response.body().bytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Map<String, Object>> data(Reply reply) {
    assertThat(reply.code()).as(reply.body()).isEqualTo(200);
    List<Map<String, Object>> data = new ArrayList<>();
    for (Object image : (List<?>) reply.json().get("data")) {
      data.add(object(image));
    }
    return data;
  }

  private static String url(Reply reply) {
    return (String) data(reply).get(0).get("url");
  }

  private static String b64Text(Reply reply) {
    return (String) data(reply).get(0).get("b64_json");
  }

  private static byte[] b64(Map<String, Object> image) {
    return Base64.getDecoder().decode((String) image.get("b64_json"));
  }

  private static @Nullable Object parse(String json) {
    try {
      return JSON.fromJson(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked") // JSON objects parse to maps with string keys
  private static Map<String, Object> object(@Nullable Object json) {
    assertThat(json).isInstanceOf(Map.class);
    return (Map<String, Object>) json;
  }

  private static BufferedImage decode(byte[] bytes) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
      assertThat(image).as("ImageIO decodes the image").isNotNull();
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Null, hidden from the compiler, to check that a builder refuses it. */
  private static String nullString() {
    return null;
  }
}
