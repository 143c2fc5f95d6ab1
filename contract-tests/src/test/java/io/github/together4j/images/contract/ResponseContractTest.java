package io.github.together4j.images.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.atlassian.oai.validator.report.ValidationReport;
import io.github.together4j.images.BadRequestException;
import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.ImageModelInfo;
import io.github.together4j.images.MalformedResponseException;
import io.github.together4j.images.PermissionDeniedException;
import io.github.together4j.images.ServerException;
import io.github.together4j.images.TogetherException;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.contract.Contracts.Spec;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.Fault;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every response and error body the testkit's {@link FakeTogetherServer} produces validates against
 * the spec's response for its status. Requests go out through a plain {@link OkHttpClient} so the
 * raw body is what gets validated, not what the facade made of it.
 *
 * <p>Faults that are off-contract on purpose (malformed JSON, an HTML page, a dropped connection)
 * are not validated, except to prove that the validator does reject such bodies.
 *
 * <p>The model list ({@code GET /models}) is checked with canned bodies against our spec and
 * Together's upstream spec, and each body is also served to the facade from a MockWebServer, so the
 * validator's verdict and the facade's parse can be compared.
 */
class ResponseContractTest {
  private static final MediaType JSON = MediaType.get("application/json");

  private static FakeTogetherServer server;
  private static OkHttpClient http;

  @BeforeAll
  static void start() {
    server = FakeTogetherServer.start();
    http =
        new OkHttpClient.Builder()
            .retryOnConnectionFailure(false)
            .callTimeout(Duration.ofSeconds(20))
            .build();
  }

  @AfterAll
  static void stop() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    server.close();
  }

  @AfterEach
  void reset() {
    server.reset();
  }

  // ---------------------------------------------------------------------------------------------
  // 200

  static Stream<Arguments> images() {
    List<Arguments> cases = new ArrayList<>();
    for (int n = 1; n <= FakeTogetherServer.MAX_N; n++) {
      for (String responseFormat : List.of("base64", "url")) {
        for (String outputFormat : List.of("png", "jpeg")) {
          cases.add(Arguments.of(n, responseFormat, outputFormat));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "n={0} response_format={1} output_format={2}")
  @MethodSource("images")
  void imagesSatisfyTheSpec(int n, String responseFormat, String outputFormat) throws IOException {
    String request =
        "{\"prompt\":\"a fox\",\"model\":\"black-forest-labs/FLUX.1-schnell\",\"n\":"
            + n
            + ",\"width\":64,\"height\":48,\"seed\":7,\"response_format\":\""
            + responseFormat
            + "\",\"output_format\":\""
            + outputFormat
            + "\"}";
    Raw raw = post(request);

    assertThat(raw.status()).as(raw.body()).isEqualTo(200);
    assertValid(raw);
    Map<?, ?> body = (Map<?, ?>) Contracts.parse(raw.body());
    List<?> data = (List<?>) body.get("data");
    assertThat(data).hasSize(n);
    String carrier = responseFormat.equals("base64") ? "b64_json" : "url";
    for (int i = 0; i < n; i++) {
      Map<?, ?> item = (Map<?, ?>) data.get(i);
      assertThat(item.get("index")).isEqualTo((double) i);
      assertThat(item.get("type")).isEqualTo(carrier);
      assertThat(item.get(carrier)).isInstanceOf(String.class);
    }
  }

  @Test
  void defaultsSatisfyTheSpec() throws IOException {
    // No response_format, output_format or seed: the server's defaults (url, jpeg, seed 0).
    Raw raw = post("{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":16,\"height\":16}");
    assertThat(raw.status()).isEqualTo(200);
    assertValid(raw);
  }

  /**
   * The fake server sends {@code timings} in each image, as the live API does, but the spec's
   * ImageChoicesData does not declare it. OpenAPI allows undeclared properties, so the body is
   * valid; Atlassian's strict default shows that {@code timings} is the only such property.
   */
  @Test
  void onlyTimingsGoesBeyondTheDeclaredProperties() throws IOException {
    Raw raw =
        post(
            "{\"prompt\":\"a fox\",\"model\":\"m\",\"n\":2,\"width\":16,\"height\":16,"
                + "\"response_format\":\"base64\"}");
    ValidationReport strict =
        Contracts.validateResponse(
            Contracts.STRICT_VALIDATOR, raw.status(), raw.headers(), raw.body());

    assertThat(Contracts.errorKeys(strict))
        .as(Contracts.describe(strict))
        .containsExactly("validation.response.body.schema.additionalProperties");
    assertThat(strict.getMessages())
        .extracting(ValidationReport.Message::getMessage)
        .containsExactly(
            "[Path '/data/0'] Object instance has properties which are not allowed by the schema: [\"timings\"]",
            "[Path '/data/1'] Object instance has properties which are not allowed by the schema: [\"timings\"]");
  }

  // ---------------------------------------------------------------------------------------------
  // 400 and 401 from the server's own checks

  static Stream<Arguments> badRequests() {
    return Stream.of(
        Arguments.of("missing prompt", "{\"model\":\"m\"}", "prompt"),
        Arguments.of("missing model", "{\"prompt\":\"a fox\"}", "model"),
        Arguments.of("n = 0", "{\"prompt\":\"a fox\",\"model\":\"m\",\"n\":0}", "n"),
        Arguments.of(
            "bad enum",
            "{\"prompt\":\"a fox\",\"model\":\"m\",\"response_format\":\"b64_json\"}",
            "response_format"),
        Arguments.of(
            "wrong type", "{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":\"64\"}", "width"),
        Arguments.of(
            "wrong type in a LoRA",
            "{\"prompt\":\"a fox\",\"model\":\"m\",\"image_loras\":[{\"path\":\"p\",\"scale\":\"1\"}]}",
            "image_loras[0].scale"),
        Arguments.of("not JSON", "a fox", null),
        Arguments.of("truncated JSON", "{\"prompt\":\"a fox\",", null),
        Arguments.of("empty body", "", null),
        Arguments.of("an array", "[]", null),
        Arguments.of(
            "above the fake server's n limit",
            "{\"prompt\":\"a fox\",\"model\":\"m\",\"n\":" + (FakeTogetherServer.MAX_N + 1) + "}",
            "n"),
        Arguments.of(
            "above the fake server's size limit",
            "{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":"
                + (FakeTogetherServer.MAX_DIMENSION + 1)
                + "}",
            "width"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void badRequestErrorsSatisfyTheSpec(String name, String request, @Nullable String param)
      throws IOException {
    Raw raw = post(request);

    assertThat(raw.status()).as(raw.body()).isEqualTo(400);
    assertValid(raw);
    Map<?, ?> error = error(raw);
    assertThat(error.get("type")).isEqualTo("invalid_request_error");
    assertThat(error.get("param")).isEqualTo(param);
  }

  static Stream<Arguments> unauthorized() {
    return Stream.of(
        Arguments.of("no Authorization header", null),
        Arguments.of("a wrong key", "Bearer wrong-key"),
        Arguments.of(
            "the right key in another scheme", "Basic " + FakeTogetherServer.DEFAULT_API_KEY),
        Arguments.of("an empty bearer", "Bearer "));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unauthorized")
  void unauthorizedErrorsSatisfyTheSpec(String name, @Nullable String authorization)
      throws IOException {
    Raw raw =
        post("{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":16,\"height\":16}", authorization);

    assertThat(raw.status()).as(raw.body()).isEqualTo(401);
    assertValid(raw);
    assertThat(error(raw).get("code")).isEqualTo("invalid_api_key");
  }

  // ---------------------------------------------------------------------------------------------
  // Scripted faults

  static Stream<Arguments> declaredErrors() {
    List<Arguments> cases = new ArrayList<>();
    for (int status : List.of(400, 401, 403, 404, 429, 500, 503)) {
      cases.add(Arguments.of(status, null, null));
      cases.add(Arguments.of(status, "prompt", null));
      cases.add(Arguments.of(status, null, "some_code"));
      cases.add(Arguments.of(status, "image_loras[0].scale", "some_code"));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "HTTP {0} param={1} code={2}")
  @MethodSource("declaredErrors")
  void scriptedErrorsSatisfyTheSpec(int status, @Nullable String param, @Nullable String code)
      throws IOException {
    Fault fault = Fault.error(status, "some_error", "Something went wrong: " + status);
    if (param != null) {
      fault = fault.withParam(param);
    }
    if (code != null) {
      fault = fault.withCode(code);
    }
    server.enqueue(fault);
    Raw raw = post("{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":16,\"height\":16}");

    assertThat(raw.status()).isEqualTo(status);
    assertValid(raw);
    Map<?, ?> error = error(raw);
    assertThat(error.get("message")).isEqualTo("Something went wrong: " + status);
    assertThat(error.get("type")).isEqualTo("some_error");
    assertThat(error.get("param")).isEqualTo(param);
    assertThat(error.get("code")).isEqualTo(code);
  }

  @Test
  void rateLimitedSatisfiesTheSpec() throws IOException {
    server.enqueue(Fault.rateLimited(Duration.ofSeconds(3)));
    Raw raw = post("{\"prompt\":\"a fox\",\"model\":\"m\"}");

    assertThat(raw.status()).isEqualTo(429);
    assertThat(raw.headers().get("Retry-After")).isEqualTo("3");
    assertValid(raw);
    assertThat(error(raw).get("type")).isEqualTo("rate_limit_exceeded");
  }

  @Test
  void overloadedSatisfiesTheSpec() throws IOException {
    server.enqueue(Fault.overloaded());
    Raw raw = post("{\"prompt\":\"a fox\",\"model\":\"m\"}");

    assertThat(raw.status()).isEqualTo(503);
    assertValid(raw);
    assertThat(error(raw).get("type")).isEqualTo("server_overloaded");
  }

  @Test
  void delayedAnswerSatisfiesTheSpec() throws IOException {
    server.enqueue(Fault.delay(Duration.ofMillis(10)));
    Raw raw = post("{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":16,\"height\":16}");

    assertThat(raw.status()).isEqualTo(200);
    assertValid(raw);
  }

  // ---------------------------------------------------------------------------------------------
  // Off-contract faults: the validator must see them

  @Test
  void validatorRejectsMalformedJson() throws IOException {
    server.enqueue(Fault.malformedJson());
    Raw raw = post("{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":16,\"height\":16}");

    assertThat(raw.status()).isEqualTo(200);
    ValidationReport report = Contracts.validateResponse(raw.status(), raw.headers(), raw.body());
    Contracts.assertInvalid(report, "Fault.malformedJson()", raw.body());
    assertThat(Contracts.errorKeys(report))
        .containsExactly("validation.response.body.schema.invalidJson");
  }

  @Test
  void validatorRejectsAnHtmlPage() throws IOException {
    server.enqueue(Fault.htmlPage(502));
    Raw raw = post("{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":16,\"height\":16}");

    assertThat(raw.status()).isEqualTo(502);
    Contracts.assertInvalid(
        Contracts.validateResponse(raw.status(), raw.headers(), raw.body()),
        "Fault.htmlPage(502)",
        raw.body());
    // 502 is not a declared status; the page is rejected for what it is at a declared one too.
    ValidationReport at503 = Contracts.validateResponse(503, raw.headers(), raw.body());
    assertThat(Contracts.errorKeys(at503))
        .as(Contracts.describe(at503))
        .containsExactly("validation.response.contentType.notAllowed");
    ValidationReport asJson =
        Contracts.validateResponse(503, Headers.of("Content-Type", "application/json"), raw.body());
    assertThat(Contracts.errorKeys(asJson))
        .as(Contracts.describe(asJson))
        .containsExactly("validation.response.body.schema.invalidJson");
  }

  /**
   * The spec types {@code b64_json} as a plain string (no {@code format: byte}), so a body whose
   * base64 is corrupt is still on-contract: only the client's decoding can catch it.
   */
  @Test
  void malformedBase64IsInvisibleToTheSchema() throws IOException {
    server.enqueue(Fault.malformedBase64());
    Raw raw =
        post(
            "{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":16,\"height\":16,"
                + "\"response_format\":\"base64\"}");

    assertThat(raw.status()).isEqualTo(200);
    assertValid(raw);
    Map<?, ?> item =
        (Map<?, ?>) ((List<?>) ((Map<?, ?>) Contracts.parse(raw.body())).get("data")).get(0);
    assertThat((String) item.get("b64_json")).contains("%$!");
  }

  static Stream<Arguments> offContractBodies() {
    return Stream.of(
        Arguments.of(
            200,
            "no id",
            "{\"model\":\"m\",\"object\":\"list\",\"data\":[]}",
            "validation.response.body.schema.required"),
        Arguments.of(
            200,
            "object is not list",
            "{\"id\":\"x\",\"model\":\"m\",\"object\":\"image\",\"data\":[]}",
            "validation.response.body.schema.enum"),
        Arguments.of(
            200,
            "an image without index",
            "{\"id\":\"x\",\"model\":\"m\",\"object\":\"list\",\"data\":[{\"url\":\"u\"}]}",
            "validation.response.body.schema.required"),
        Arguments.of(
            200,
            "type base64 (not an enum value)",
            "{\"id\":\"x\",\"model\":\"m\",\"object\":\"list\",\"data\":[{\"index\":0,"
                + "\"b64_json\":\"AA==\",\"type\":\"base64\"}]}",
            "validation.response.body.schema.enum"),
        Arguments.of(
            200,
            "b64_json a number",
            "{\"id\":\"x\",\"model\":\"m\",\"object\":\"list\",\"data\":[{\"index\":0,\"b64_json\":1}]}",
            "validation.response.body.schema.type"),
        Arguments.of(
            200,
            "an error body",
            "{\"error\":{\"message\":\"m\",\"type\":\"t\"}}",
            "validation.response.body.schema.required"),
        Arguments.of(
            400,
            "an error without type",
            "{\"error\":{\"message\":\"m\"}}",
            "validation.response.body.schema.required"),
        Arguments.of(
            401,
            "param a number",
            "{\"error\":{\"message\":\"m\",\"type\":\"t\",\"param\":1}}",
            "validation.response.body.schema.type"),
        Arguments.of(429, "an empty object", "{}", "validation.response.body.schema.required"),
        Arguments.of(
            503,
            "message null",
            "{\"error\":{\"message\":null,\"type\":\"t\"}}",
            "validation.response.body.schema.type"));
  }

  /** The response schemas have teeth: bodies that break them are reported, for the right rule. */
  @ParameterizedTest(name = "HTTP {0}: {1}")
  @MethodSource("offContractBodies")
  void validatorRejectsBodiesThatBreakTheResponseSchemas(
      int status, String name, String body, String key) {
    ValidationReport report =
        Contracts.validateResponse(status, Headers.of("Content-Type", "application/json"), body);
    Contracts.assertInvalid(report, name, body);
    assertThat(Contracts.errorKeys(report)).as(Contracts.describe(report)).contains(key);
  }

  // ---------------------------------------------------------------------------------------------
  // The live API, as API-NOTES.md §1.3 quotes it

  /**
   * What the live API was observed to send: {@code created: null} at the top, and per image {@code
   * index}, {@code b64_json}, {@code url: null}, {@code revised_prompt: null} and {@code timings},
   * with no {@code type}. Under OpenAPI's semantics that is on-contract: {@code type} is optional,
   * {@code url} is nullable, and undeclared properties are allowed.
   */
  static final String LIVE_RESPONSE =
      "{\"created\":null,\"id\":\"91a1e5e7-b5c5-4f41-9c6f-2b1a5e0c1d2e\","
          + "\"model\":\"black-forest-labs/FLUX.1-schnell-Free\",\"object\":\"list\",\"data\":["
          + "{\"index\":0,\"b64_json\":\"/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQ==\","
          + "\"url\":null,\"revised_prompt\":null,\"timings\":{\"inference\":1.2}}]}";

  @Test
  void liveResponseSatisfiesTheSpec() {
    Headers json = Headers.of("Content-Type", "application/json");
    Contracts.assertValid(
        Contracts.validateResponse(200, json, LIVE_RESPONSE),
        "the live API's response (API-NOTES §1.3)",
        LIVE_RESPONSE);
  }

  /** The properties of the live response the spec does not declare, as Atlassian's default sees. */
  @Test
  void liveResponseCarriesThreeUndeclaredProperties() {
    ValidationReport strict =
        Contracts.validateResponse(
            Contracts.STRICT_VALIDATOR,
            200,
            Headers.of("Content-Type", "application/json"),
            LIVE_RESPONSE);

    assertThat(strict.getMessages())
        .extracting(ValidationReport.Message::getMessage)
        .containsExactlyInAnyOrder(
            "Object instance has properties which are not allowed by the schema: [\"created\"]",
            "[Path '/data/0'] Object instance has properties which are not allowed by the schema:"
                + " [\"revised_prompt\",\"timings\"]");
  }

  // ---------------------------------------------------------------------------------------------
  // What the facade makes of on-contract bodies

  @Test
  void facadeReadsTheLiveResponse() throws IOException {
    ImageGenerationResult result = generateFromCanned(200, LIVE_RESPONSE);

    assertThat(result.images()).hasSize(1);
    GeneratedImage image = result.images().get(0);
    assertThat(image.index()).isZero();
    assertThat(image.isBase64()).isTrue();
    assertThat(image.isUrl()).isFalse();
    assertThat(image.b64Json()).startsWith("/9j/");
  }

  @Test
  void facadeReadsAUrlImageWithoutType() throws IOException {
    String body =
        "{\"id\":\"x\",\"model\":\"m\",\"object\":\"list\","
            + "\"data\":[{\"index\":0,\"url\":\"https://example.com/img.png\"}]}";
    Contracts.assertValid(
        Contracts.validateResponse(200, Headers.of("Content-Type", "application/json"), body),
        "a url image without type",
        body);

    GeneratedImage image = generateFromCanned(200, body).images().get(0);
    assertThat(image.isUrl()).isTrue();
    assertThat(image.url()).isEqualTo("https://example.com/img.png");
  }

  /**
   * Each declared error status, as the fake server scripts it, reaches the facade as an exception
   * carrying the status and every field of the ErrorDetail.
   */
  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {400, 401, 403, 404, 429, 500, 503})
  void facadeReadsEveryDeclaredErrorOfTheFakeServer(int status) {
    server.enqueue(
        Fault.error(status, "some_error", "went wrong").withParam("width").withCode("c1"));
    try (TogetherImages client = server.clientBuilder().maxRetries(0).build()) {
      assertThatThrownBy(
              () -> client.generate(ImageGenerationRequest.builder("a fox").size(16, 16).build()))
          .isInstanceOfSatisfying(TogetherException.class, carriesTheError(status, "width"));
    }
  }

  /**
   * The exception carries the status and the ErrorDetail the tests script: type some_error, message
   * "went wrong", {@code param}, code c1; after one attempt.
   */
  private static Consumer<TogetherException> carriesTheError(int status, String param) {
    return e -> {
      assertThat(e.statusCode()).isEqualTo(status);
      assertThat(e.errorType()).isEqualTo("some_error");
      assertThat(e.serverMessage()).isEqualTo("went wrong");
      assertThat(e.param()).isEqualTo(param);
      assertThat(e.errorCode()).isEqualTo("c1");
      assertThat(e.attempts()).isEqualTo(1);
    };
  }

  /** The live API's 400 (API-NOTES §1.3): a top-level id beside error, param and code null. */
  @Test
  void facadeReadsTheLiveErrorBody() throws IOException {
    String body =
        "{\"id\":\"o9Xc2-62bZhn-9b5c1d\",\"error\":{\"message\":\"image_url is not supported"
            + " for this model\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}";
    Contracts.assertValid(
        Contracts.validateResponse(400, Headers.of("Content-Type", "application/json"), body),
        "the live API's 400",
        body);

    assertThatThrownBy(() -> generateFromCanned(400, body))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("invalid_request_error");
              assertThat(e.serverMessage()).isEqualTo("image_url is not supported for this model");
              assertThat(e.param()).isNull();
              assertThat(e.errorCode()).isNull();
            });
  }

  /**
   * Bodies the schema allows but the facade refuses on purpose, as malformed: {@code data} may be
   * empty (no minItems), an image may carry neither {@code b64_json} nor {@code url} (only {@code
   * index} is required), and two images may share an index (nothing says indexes are unique).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "{\"id\":\"x\",\"model\":\"m\",\"object\":\"list\",\"data\":[]}",
        "{\"id\":\"x\",\"model\":\"m\",\"object\":\"list\",\"data\":[{\"index\":0}]}",
        "{\"id\":\"x\",\"model\":\"m\",\"object\":\"list\",\"data\":[{\"index\":0,\"b64_json\":null,\"url\":null}]}",
        "{\"id\":\"x\",\"model\":\"m\",\"object\":\"list\",\"data\":[{\"index\":0,\"url\":\"https://example.com/a.png\"},"
            + "{\"index\":0,\"url\":\"https://example.com/b.png\"}]}"
      })
  void facadeRefusesOnContractBodiesItCannotUse(String body) {
    Contracts.assertValid(
        Contracts.validateResponse(200, Headers.of("Content-Type", "application/json"), body),
        "a response the facade refuses",
        body);

    assertThatThrownBy(() -> generateFromCanned(200, body))
        .isInstanceOf(MalformedResponseException.class);
  }

  // ---------------------------------------------------------------------------------------------
  // GET /models, against our spec and Together's upstream spec

  /**
   * A realistic model list, in no order: two image models (one without pricing, as Together lists
   * some), a chat and an embedding model. RequestContractTest's mock server answers GET /models
   * with it.
   */
  static final String MODELS =
      """
      [
        {"id":"meta-llama/Llama-3.3-70B-Instruct-Turbo","object":"model","created":1733443200,\
      "type":"chat","display_name":"Llama 3.3 70B Instruct Turbo","organization":"Meta",\
      "link":"https://huggingface.co/meta-llama/Llama-3.3-70B-Instruct","license":"llama3.3",\
      "context_length":131072,\
      "pricing":{"hourly":0,"input":0.88,"output":0.88,"base":0,"finetune":0}},
        {"id":"black-forest-labs/FLUX.1-schnell","object":"model","created":1733184000,\
      "type":"image","display_name":"FLUX.1 [schnell]","organization":"Black Forest Labs",\
      "link":"https://huggingface.co/black-forest-labs/FLUX.1-schnell","license":"apache-2.0",\
      "context_length":0,\
      "pricing":{"hourly":0,"input":0,"output":0,"base":0.0027,"finetune":0}},
        {"id":"BAAI/bge-large-en-v1.5","object":"model","created":1705536000,"type":"embedding",\
      "display_name":"BAAI-Bge-Large-1p5","organization":"BAAI","license":"MIT",\
      "context_length":512,\
      "pricing":{"hourly":0,"input":0.02,"output":0.02,"base":0,"finetune":0}},
        {"id":"black-forest-labs/FLUX.1-dev","object":"model","created":1733184000,\
      "type":"image","display_name":"FLUX.1 [dev]","organization":"Black Forest Labs"}
      ]""";

  /**
   * An image model and one of a type neither spec's documentation lists ({@code transcribe}): the
   * live API sends such types, so ours reads type as open text.
   */
  static final String UNKNOWN_TYPE =
      """
      [
        {"id":"openai/whisper-large-v3","object":"model","created":1733443200,\
      "type":"transcribe","display_name":"Whisper large-v3","organization":"OpenAI",\
      "pricing":{"hourly":0,"input":0.0015,"output":0,"base":0,"finetune":0}},
        {"id":"black-forest-labs/FLUX.1-schnell","object":"model","created":1733184000,\
      "type":"image","display_name":"FLUX.1 [schnell]"}
      ]""";

  /** An ErrorData body: type some_error, message "went wrong". */
  private static final String SOME_ERROR =
      "{\"error\":{\"message\":\"went wrong\",\"type\":\"some_error\"}}";

  @ParameterizedTest(name = "{0}")
  @EnumSource(Spec.class)
  void modelListSatisfiesTheSpec(Spec spec) {
    Contracts.assertValid(
        spec, Contracts.validateModelsResponse(spec, 200, MODELS), "the model list", MODELS);
  }

  @Test
  void facadeReadsTheModelList() throws IOException {
    List<ImageModelInfo> models = fromCanned(200, MODELS, TogetherImages::models);
    List<ImageModelInfo> images = fromCanned(200, MODELS, TogetherImages::imageModels);

    Contracts.assertModelsParsedFaithfully(models, MODELS);
    assertThat(models)
        .extracting(ImageModelInfo::type)
        .containsExactly("embedding", "image", "image", "chat");
    Contracts.assertImageModelsParsedFaithfully(images, MODELS);
    assertThat(images)
        .extracting(ImageModelInfo::id)
        .containsExactly("black-forest-labs/FLUX.1-dev", "black-forest-labs/FLUX.1-schnell");
    assertThat(images.get(0).pricing()).as("pricing the wire omits").isNull();
    assertThat(images.get(1).pricing()).isEqualTo(new ImageModelInfo.Pricing(0, 0, 0, 0.0027, 0));
  }

  /** Our spec reads type as open text: an unknown type is on-contract, and passes through. */
  @Test
  void anUnknownTypeSatisfiesOurSpecAndPassesThroughTheFacade() throws IOException {
    Contracts.assertValid(
        Contracts.validateModelsResponse(Spec.OURS, 200, UNKNOWN_TYPE),
        "a model of type transcribe",
        UNKNOWN_TYPE);

    List<ImageModelInfo> models = fromCanned(200, UNKNOWN_TYPE, TogetherImages::models);
    Contracts.assertModelsParsedFaithfully(models, UNKNOWN_TYPE);
    ImageModelInfo whisper = models.get(1);
    assertThat(whisper.id()).isEqualTo("openai/whisper-large-v3");
    assertThat(whisper.type()).isEqualTo("transcribe");
    assertThat(whisper.isImage()).isFalse();
    assertThat(fromCanned(200, UNKNOWN_TYPE, TogetherImages::imageModels))
        .extracting(ImageModelInfo::id)
        .containsExactly("black-forest-labs/FLUX.1-schnell");
  }

  /**
   * Upstream's type is a closed enum (chat, language, code, image, embedding, moderation, rerank),
   * so the same body breaks it. That difference is intended (the live API sends more types) and
   * listed in openapi/upstream-drift-allowlist.yaml, which this test also checks.
   */
  @Test
  void anUnknownTypeBreaksUpstreamsEnumAsTheAllowlistSays() throws IOException {
    ValidationReport upstream = Contracts.validateModelsResponse(Spec.UPSTREAM, 200, UNKNOWN_TYPE);

    assertThat(Contracts.errorKeys(upstream))
        .as(Contracts.describe(upstream))
        .containsExactly("validation.response.body.schema.enum");
    assertThat(Contracts.errorParams(upstream)).containsExactly("[0].type");
    assertThat(Files.readString(Contracts.DRIFT_ALLOWLIST))
        .contains("- difference: ModelInfoList[].type enum")
        .contains("- difference: ModelInfoList[].type type");
  }

  /**
   * Model lists that break our ModelInfoList: the rule Atlassian reports against our spec, and
   * whether it reports the body against upstream too (only {@code required} and {@code enum}
   * breaks: see {@link Contracts} on OpenAPI 3.1).
   */
  static Stream<Arguments> offContractModelLists() {
    return Stream.of(
        Arguments.of(
            "no id",
            "[{\"object\":\"model\",\"created\":1,\"type\":\"image\"}]",
            "validation.response.body.schema.required",
            true),
        Arguments.of(
            "no type",
            "[{\"id\":\"m\",\"object\":\"model\",\"created\":1}]",
            "validation.response.body.schema.required",
            true),
        Arguments.of(
            "created a string",
            "[{\"id\":\"m\",\"object\":\"model\",\"created\":\"2024-12-03\",\"type\":\"image\"}]",
            "validation.response.body.schema.type",
            false),
        Arguments.of(
            "pricing without finetune",
            "[{\"id\":\"m\",\"object\":\"model\",\"created\":1,\"type\":\"image\","
                + "\"pricing\":{\"hourly\":0,\"input\":0,\"output\":0,\"base\":0.0027}}]",
            "validation.response.body.schema.required",
            true),
        Arguments.of(
            "pricing input a string",
            "[{\"id\":\"m\",\"object\":\"model\",\"created\":1,\"type\":\"image\","
                + "\"pricing\":{\"hourly\":0,\"input\":\"free\",\"output\":0,\"base\":0,"
                + "\"finetune\":0}}]",
            "validation.response.body.schema.type",
            false),
        Arguments.of(
            "an object instead of an array",
            "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\",\"created\":1,"
                + "\"type\":\"image\"}]}",
            "validation.response.body.schema.type",
            false),
        Arguments.of("an entry null", "[null]", "validation.response.body.schema.type", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("offContractModelLists")
  void validatorRejectsModelListsThatBreakOurSpec(
      String name, String body, String key, boolean upstreamSeesIt) {
    ValidationReport report = Contracts.validateModelsResponse(Spec.OURS, 200, body);

    Contracts.assertInvalid(report, name, body);
    assertThat(Contracts.errorKeys(report)).as(Contracts.describe(report)).containsExactly(key);
  }

  /**
   * Against upstream, Atlassian reports the {@code required} breaks; a wrong {@code type} it does
   * not see in an OpenAPI 3.1 schema, so those bodies pass (pinned: if Atlassian learns 3.1, this
   * fails and the cases can expect a rejection). Prism, which reads 3.1, is PrismContractTest's.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("offContractModelLists")
  void upstreamVerdictOnModelListsThatBreakTheSchema(
      String name, String body, String key, boolean upstreamSeesIt) {
    ValidationReport report = Contracts.validateModelsResponse(Spec.UPSTREAM, 200, body);

    if (upstreamSeesIt) {
      assertThat(Contracts.errorKeys(report)).as(Contracts.describe(report)).containsExactly(key);
    } else {
      assertThat(report.hasErrors()).as(Contracts.describe(report)).isFalse();
    }
  }

  /** What breaks the list's schema the facade refuses, as malformed, without parsing half. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("offContractModelLists")
  void facadeRefusesModelListsThatBreakOurSpec(
      String name, String body, String key, boolean upstreamSeesIt) {
    assertThatThrownBy(() -> fromCanned(200, body, TogetherImages::models))
        .isInstanceOf(MalformedResponseException.class);
  }

  static Stream<Arguments> modelListsTheFacadeTolerates() {
    return Stream.of(
        Arguments.of(
            "created a numeric string",
            "[{\"id\":\"m\",\"object\":\"model\",\"created\":\"1733184000\",\"type\":\"image\"}]",
            "validation.response.body.schema.type"),
        Arguments.of(
            "object not model",
            "[{\"id\":\"m\",\"object\":\"list\",\"created\":1733184000,\"type\":\"image\"}]",
            "validation.response.body.schema.enum"));
  }

  /**
   * Where the facade is more tolerant than the spec: Moshi reads a JSON string that holds a number
   * as that number, and the generated {@code object} enum reads a value it does not know. Both
   * bodies break our spec, yet parse. Pinned so that a stricter reader is a visible change.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("modelListsTheFacadeTolerates")
  void facadeReadsSomeModelListsTheSpecRejects(String name, String body, String key)
      throws IOException {
    ValidationReport report = Contracts.validateModelsResponse(Spec.OURS, 200, body);
    assertThat(Contracts.errorKeys(report)).as(Contracts.describe(report)).containsExactly(key);

    ImageModelInfo model = fromCanned(200, body, TogetherImages::models).get(0);
    assertThat(model.id()).isEqualTo("m");
    assertThat(model.raw().created()).isEqualTo(1733184000L);
  }

  /**
   * The reverse: {@code context_length} is an integer without a format in both specs, so any
   * integer is on-contract, but the generated model reads it as an {@link Integer} and the facade
   * refuses a value beyond 2^31-1 as malformed. No real context is that long; pinned so that a
   * {@code format} in the spec (or a {@code Long}) is a visible change.
   */
  @Test
  void aContextLengthBeyondInt32IsOnContractButRefusedByTheFacade() {
    String body =
        "[{\"id\":\"m\",\"object\":\"model\",\"created\":1,\"type\":\"chat\","
            + "\"context_length\":2147483648}]";
    Contracts.assertValid(
        Contracts.validateModelsResponse(Spec.OURS, 200, body), "context_length 2^31", body);

    assertThatThrownBy(() -> fromCanned(200, body, TogetherImages::models))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("context_length");
  }

  static Stream<Arguments> modelsErrorsPerSpec() {
    return Contracts.forEachSpec(Contracts.modelsErrors());
  }

  /** Each declared error status with an ErrorData body, the live API's shape included. */
  @ParameterizedTest(name = "{0}: HTTP {1}")
  @MethodSource("modelsErrorsPerSpec")
  void modelsErrorsSatisfyTheSpec(Spec spec, int status, Class<?> mappedTo) {
    for (String body :
        List.of(
            SOME_ERROR,
            "{\"id\":\"o9Xc2-62bZhn\",\"error\":{\"message\":\"went wrong\","
                + "\"type\":\"some_error\",\"param\":null,\"code\":null}}")) {
      Contracts.assertValid(
          spec,
          Contracts.validateModelsResponse(spec, status, body),
          "GET /models HTTP " + status,
          body);
    }
    String noType = "{\"error\":{\"message\":\"went wrong\"}}";
    ValidationReport report = Contracts.validateModelsResponse(spec, status, noType);
    assertThat(Contracts.errorKeys(report))
        .as(Contracts.describe(report))
        .containsExactly("validation.response.body.schema.required");
  }

  @ParameterizedTest(name = "HTTP {0} -> {1}")
  @MethodSource("io.github.together4j.images.contract.Contracts#modelsErrors")
  void facadeReadsEveryModelsErrorTheSpecDeclares(
      int status, Class<? extends TogetherException> expected) {
    String body =
        "{\"error\":{\"message\":\"went wrong\",\"type\":\"some_error\",\"param\":\"dedicated\","
            + "\"code\":\"c1\"}}";

    assertThatThrownBy(() -> fromCanned(status, body, TogetherImages::models))
        .isExactlyInstanceOf(expected)
        .isInstanceOfSatisfying(TogetherException.class, carriesTheError(status, "dedicated"));
  }

  static Stream<Arguments> undeclaredModelsStatuses() {
    return Stream.of(
        Arguments.of(403, PermissionDeniedException.class),
        Arguments.of(500, ServerException.class),
        Arguments.of(502, ServerException.class),
        Arguments.of(503, ServerException.class),
        Arguments.of(418, TogetherException.class));
  }

  /**
   * Statuses GET /models does not declare (403, 500 and 503 are declared for a generation only) are
   * off-contract for both specs, whatever the body.
   */
  @ParameterizedTest(name = "{0}: HTTP {1} -> {2}")
  @MethodSource("undeclaredModelsStatusesPerSpec")
  void undeclaredStatusesAreOffContract(Spec spec, int status, Class<?> mappedTo) {
    ValidationReport report = Contracts.validateModelsResponse(spec, status, SOME_ERROR);

    assertThat(Contracts.errorKeys(report))
        .as(Contracts.describe(report))
        .containsExactly("validation.response.status.unknown");
  }

  static Stream<Arguments> undeclaredModelsStatusesPerSpec() {
    return Contracts.forEachSpec(undeclaredModelsStatuses());
  }

  /** The facade maps an undeclared status by the status table, keeping what the ErrorData says. */
  @ParameterizedTest(name = "HTTP {0} -> {1}")
  @MethodSource("undeclaredModelsStatuses")
  void facadeMapsUndeclaredStatusesByTheStatusTable(
      int status, Class<? extends TogetherException> expected) {
    assertThatThrownBy(() -> fromCanned(status, SOME_ERROR, TogetherImages::models))
        .isExactlyInstanceOf(expected)
        .isInstanceOfSatisfying(
            TogetherException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(status);
              assertThat(e.serverMessage()).isEqualTo("went wrong");
            });
  }

  // ---------------------------------------------------------------------------------------------

  /** Serves {@code body} once from a MockWebServer and returns what the facade made of it. */
  private static ImageGenerationResult generateFromCanned(int status, String body)
      throws IOException {
    return fromCanned(status, body, client -> client.generate("a fox"));
  }

  /** Serves {@code body} once from a MockWebServer to {@code call} and returns what it returned. */
  private static <T> T fromCanned(int status, String body, Function<TogetherImages, T> call)
      throws IOException {
    try (MockWebServer mock = new MockWebServer()) {
      mock.start(InetAddress.getLoopbackAddress(), 0);
      mock.enqueue(
          new MockResponse.Builder()
              .code(status)
              .addHeader("Content-Type", "application/json")
              .body(body)
              .build());
      try (TogetherImages client =
          TogetherImages.builder()
              .apiKey("k")
              .baseUrl(mock.url("/v1/").toString())
              .maxRetries(0)
              .build()) {
        return call.apply(client);
      }
    }
  }

  private record Raw(int status, Headers headers, String body) {}

  private static Raw post(String body) throws IOException {
    return post(body, "Bearer " + server.apiKey());
  }

  private static Raw post(String body, @Nullable String authorization) throws IOException {
    Request.Builder request =
        new Request.Builder()
            .url(server.baseUrl() + "images/generations")
            .post(RequestBody.create(body, JSON));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try (Response response = http.newCall(request.build()).execute()) {
      ResponseBody responseBody = response.body();
      return new Raw(response.code(), response.headers(), responseBody.string());
    }
  }

  private static void assertValid(Raw raw) {
    Contracts.assertValid(
        Contracts.validateResponse(raw.status(), raw.headers(), raw.body()),
        "the fake server's HTTP " + raw.status(),
        raw.body());
  }

  private static Map<?, ?> error(Raw raw) {
    Object body = Contracts.parse(raw.body());
    assertThat(body).isInstanceOf(Map.class);
    Object error = ((Map<?, ?>) body).get("error");
    assertThat(error).as("error in %s", raw.body()).isInstanceOf(Map.class);
    return (Map<?, ?>) error;
  }
}
