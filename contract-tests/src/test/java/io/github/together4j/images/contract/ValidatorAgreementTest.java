package io.github.together4j.images.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.atlassian.oai.validator.model.Request.Method;
import com.atlassian.oai.validator.report.ValidationReport;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.internal.SpecValidator;
import io.github.together4j.images.testkit.internal.SpecValidator.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The testkit's own spec interpreter ({@link SpecValidator}, which the fake server uses) and the
 * Atlassian validator must agree on a corpus of request bodies: the same verdict, and for invalid
 * bodies the same fields. The fake server must answer each body accordingly: 200 when valid, 400
 * naming the field when not.
 *
 * <p>Where the two disagree by design, the case is kept out of the corpus and pinned in its own
 * test below, named for the difference.
 *
 * <p>Responses are compared per operation: the image generation's and the model list's ({@code GET
 * /models}), each against the schema the testkit validates it by name.
 */
class ValidatorAgreementTest {
  private static final SpecValidator TESTKIT = SpecValidator.fromClasspath();
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String REMOVE = "<remove>";

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

  /**
   * One request body and the fields it breaks (as the testkit writes a {@code param}: {@code
   * width}, {@code image_loras[0].scale}, null for the body itself); none when it is valid.
   */
  record BodyCase(String name, String json, Set<@Nullable String> fields) {
    boolean valid() {
      return fields.isEmpty();
    }

    @Override
    public String toString() {
      return (valid() ? "valid: " : "invalid: ") + name;
    }
  }

  static Stream<BodyCase> corpus() {
    return Stream.of(
        // Valid
        valid("minimal", body()),
        valid(
            "every property",
            body(
                "n",
                "2",
                "steps",
                "1",
                "seed",
                "42",
                "image_url",
                "\"https://example.com/in.png\"",
                "negative_prompt",
                "\"blurry\"",
                "response_format",
                "\"base64\"",
                "guidance_scale",
                "3.5",
                "output_format",
                "\"png\"",
                "image_loras",
                "[{\"path\":\"https://hf.co/a\",\"scale\":1.0},{\"path\":\"https://hf.co/b\",\"scale\":0.5}]",
                "reference_images",
                "[\"https://example.com/r1.png\",\"https://example.com/r2.png\"]",
                "disable_safety_checker",
                "true")),
        valid("response_format url", body("response_format", "\"url\"")),
        valid("output_format jpeg", body("output_format", "\"jpeg\"")),
        valid(
            "minimums n=1 width=1 height=1 steps=1",
            body("n", "1", "width", "1", "height", "1", "steps", "1")),
        valid("empty prompt (no minLength)", body("prompt", "\"\"")),
        valid("non-ASCII prompt", body("prompt", "\"一只狐狸 🦊 café\"")),
        valid("negative seed", body("seed", "-1")),
        valid("seed beyond int32 (no format)", body("seed", "2147483648")),
        valid("seed beyond int64", body("seed", "12345678901234567890")),
        valid("guidance_scale an integer", body("guidance_scale", "3")),
        valid("negative guidance_scale (no minimum)", body("guidance_scale", "-1.5")),
        valid("LoRA scale an integer", body("image_loras", "[{\"path\":\"p\",\"scale\":1}]")),
        valid("empty arrays", body("image_loras", "[]", "reference_images", "[]")),
        valid("disable_safety_checker false", body("disable_safety_checker", "false")),
        valid(
            "extra properties of every JSON type",
            body(
                "aspect_ratio",
                "\"16:9\"",
                "strength",
                "0.7",
                "go_fast",
                "true",
                "style",
                "{\"preset\":\"anime\"}",
                "tags",
                "[1,\"a\"]",
                "nothing",
                "null")),
        valid(
            "an extra property inside a LoRA (the schema does not close ImageLora)",
            body("image_loras", "[{\"path\":\"p\",\"scale\":1,\"trigger\":\"tok\"}]")),

        // Required properties
        invalid("missing prompt", body("prompt", REMOVE), "prompt"),
        invalid("missing model", body("model", REMOVE), "model"),
        invalid("empty object", "{}", "prompt", "model"),

        // Wrong types and null, property by property
        invalid("prompt a number", body("prompt", "42"), "prompt"),
        invalid("prompt null", body("prompt", "null"), "prompt"),
        invalid("model true", body("model", "true"), "model"),
        invalid("model null", body("model", "null"), "model"),
        invalid("steps a string", body("steps", "\"20\""), "steps"),
        invalid("steps a fraction", body("steps", "1.5"), "steps"),
        invalid("steps null", body("steps", "null"), "steps"),
        invalid("image_url a number", body("image_url", "1"), "image_url"),
        invalid("image_url null", body("image_url", "null"), "image_url"),
        invalid("seed a string", body("seed", "\"42\""), "seed"),
        invalid("seed a fraction", body("seed", "1.5"), "seed"),
        invalid("n a string", body("n", "\"2\""), "n"),
        invalid("n null", body("n", "null"), "n"),
        invalid("height null", body("height", "null"), "height"),
        invalid("width a boolean", body("width", "true"), "width"),
        invalid("negative_prompt an array", body("negative_prompt", "[]"), "negative_prompt"),
        invalid("response_format a number", body("response_format", "1"), "response_format"),
        invalid("response_format null", body("response_format", "null"), "response_format"),
        invalid("guidance_scale a string", body("guidance_scale", "\"3.5\""), "guidance_scale"),
        invalid("guidance_scale a boolean", body("guidance_scale", "true"), "guidance_scale"),
        invalid("guidance_scale null", body("guidance_scale", "null"), "guidance_scale"),
        invalid("output_format an object", body("output_format", "{}"), "output_format"),
        invalid(
            "disable_safety_checker a string",
            body("disable_safety_checker", "\"true\""),
            "disable_safety_checker"),
        invalid(
            "disable_safety_checker a number",
            body("disable_safety_checker", "1"),
            "disable_safety_checker"),
        invalid(
            "disable_safety_checker null",
            body("disable_safety_checker", "null"),
            "disable_safety_checker"),

        // Enums
        invalid(
            "response_format b64_json (OpenAI's name)",
            body("response_format", "\"b64_json\""),
            "response_format"),
        invalid(
            "response_format in capitals",
            body("response_format", "\"BASE64\""),
            "response_format"),
        invalid("output_format webp", body("output_format", "\"webp\""), "output_format"),
        invalid("output_format in capitals", body("output_format", "\"PNG\""), "output_format"),

        // Minimums
        invalid("n = 0", body("n", "0"), "n"),
        invalid("n = -1", body("n", "-1"), "n"),
        invalid("width = 0", body("width", "0"), "width"),
        invalid("height = 0", body("height", "0"), "height"),
        invalid("height negative", body("height", "-16"), "height"),
        invalid("steps = 0", body("steps", "0"), "steps"),

        // LoRAs
        invalid(
            "image_loras an object",
            body("image_loras", "{\"path\":\"p\",\"scale\":1}"),
            "image_loras"),
        invalid("image_loras a string", body("image_loras", "\"p\""), "image_loras"),
        invalid("image_loras null", body("image_loras", "null"), "image_loras"),
        invalid(
            "LoRA without scale",
            body("image_loras", "[{\"path\":\"p\"}]"),
            "image_loras[0].scale"),
        invalid("LoRA without path", body("image_loras", "[{\"scale\":1}]"), "image_loras[0].path"),
        invalid(
            "LoRA empty",
            body("image_loras", "[{}]"),
            "image_loras[0].path",
            "image_loras[0].scale"),
        invalid(
            "LoRA path a number",
            body("image_loras", "[{\"path\":1,\"scale\":1}]"),
            "image_loras[0].path"),
        invalid(
            "second LoRA's scale a string",
            body("image_loras", "[{\"path\":\"p\",\"scale\":1},{\"path\":\"q\",\"scale\":\"1\"}]"),
            "image_loras[1].scale"),
        invalid(
            "LoRA scale null",
            body("image_loras", "[{\"path\":\"p\",\"scale\":null}]"),
            "image_loras[0].scale"),
        invalid(
            "LoRA path null",
            body("image_loras", "[{\"path\":null,\"scale\":1}]"),
            "image_loras[0].path"),
        invalid("LoRA a string", body("image_loras", "[\"p\"]"), "image_loras[0]"),
        invalid("LoRA null", body("image_loras", "[null]"), "image_loras[0]"),

        // Arrays of the wrong item type
        invalid(
            "reference_images a string",
            body("reference_images", "\"https://example.com/r.png\""),
            "reference_images"),
        invalid(
            "reference_images of numbers", body("reference_images", "[1]"), "reference_images[0]"),
        invalid(
            "reference_images with a null",
            body("reference_images", "[\"r\",null]"),
            "reference_images[1]"),
        invalid(
            "reference_images of arrays",
            body("reference_images", "[[\"r\"]]"),
            "reference_images[0]"),

        // Several at once
        invalid(
            "n, width and output_format at once",
            body("n", "0", "width", "0", "output_format", "\"gif\""),
            "n",
            "width",
            "output_format"),

        // Not an object
        invalid("an array", "[]", (String) null),
        invalid("an array of a valid body", "[" + body() + "]", (String) null),
        invalid("a string", "\"a fox\"", (String) null),
        invalid("a number", "42", (String) null),
        invalid("a boolean", "true", (String) null),
        invalid("null", "null", (String) null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void testkitAndAtlassianAgree(BodyCase c) {
    List<Violation> testkit = TESTKIT.validateRequest(Contracts.parse(c.json()));
    ValidationReport atlassian = Contracts.validateRequestBody(c.json());
    Set<@Nullable String> testkitFields =
        testkit.stream().map(Violation::param).collect(Collectors.toCollection(LinkedHashSet::new));
    Set<@Nullable String> atlassianFields = Contracts.errorParams(atlassian);
    String verdicts = verdicts(c.json(), testkit, atlassian);

    assertThat(atlassian.hasErrors())
        .as("Atlassian's verdict differs from the testkit's\n%s", verdicts)
        .isEqualTo(!testkit.isEmpty());
    assertThat(atlassianFields)
        .as("Atlassian's fields differ from the testkit's\n%s", verdicts)
        .isEqualTo(testkitFields);
    assertThat(testkitFields).as("the fields of %s\n%s", c, verdicts).isEqualTo(c.fields());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void fakeServerAnswersAsTheSpecSays(BodyCase c) throws IOException {
    Raw raw = post(c.json());

    if (c.valid()) {
      assertThat(raw.status()).as("a valid body: %s\n%s", c.json(), raw.body()).isEqualTo(200);
    } else {
      assertThat(raw.status()).as("an invalid body: %s\n%s", c.json(), raw.body()).isEqualTo(400);
      Map<?, ?> error = (Map<?, ?>) ((Map<?, ?>) Contracts.parse(raw.body())).get("error");
      assertThat(error.get("type")).isEqualTo("invalid_request_error");
      assertThat(c.fields())
          .as("error.param %s of %s", error.get("param"), raw.body())
          .contains((String) error.get("param"));
      if (!"null".equals(c.json())) { // JSON null is refused as "not JSON" before validation
        List<Violation> testkit = TESTKIT.validateRequest(Contracts.parse(c.json()));
        assertThat(error.get("param")).isEqualTo(testkit.get(0).param());
      }
    }
    Contracts.assertValid(
        Contracts.validateResponse(raw.status(), raw.headers(), raw.body()),
        "the fake server's answer to " + c,
        raw.body());
  }

  /**
   * A response body to the operation at {@code method} and {@code path}, the schema the testkit
   * checks it against, and the fields it breaks.
   */
  record ResponseCase(
      Method method,
      String path,
      String schema,
      int status,
      String json,
      Set<@Nullable String> fields) {
    @Override
    public String toString() {
      return method + " " + path + " HTTP " + status + " " + json;
    }
  }

  /** The response schemas hold the spec's nullable properties: null is allowed exactly there. */
  static Stream<ResponseCase> responseCorpus() {
    String image = "{\"id\":\"x\",\"model\":\"m\",\"object\":\"list\",\"data\":[%s]}";
    return Stream.of(
        response(
            "ImageResponse",
            200,
            image.formatted("{\"index\":0,\"b64_json\":\"AA==\",\"type\":\"b64_json\"}")),
        response(
            "ImageResponse", 200, image.formatted("{\"index\":0,\"b64_json\":null,\"url\":null}")),
        response(
            "ImageResponse",
            200,
            image.formatted("{\"index\":0,\"url\":\"u\",\"b64_json\":null,\"type\":\"url\"}")),
        response("ImageResponse", 200, image.formatted("")),
        response(
            "ImageResponse", 200, image.formatted("{\"index\":0,\"type\":null}"), "data[0].type"),
        response(
            "ImageResponse",
            200,
            image.formatted("{\"index\":0,\"type\":\"base64\"}"),
            "data[0].type"),
        response("ImageResponse", 200, image.formatted("{\"index\":null}"), "data[0].index"),
        response("ImageResponse", 200, image.formatted("{\"index\":0.5}"), "data[0].index"),
        response("ImageResponse", 200, image.formatted("{\"url\":\"u\"}"), "data[0].index"),
        response(
            "ImageResponse",
            200,
            image.formatted("{\"index\":0,\"b64_json\":1}"),
            "data[0].b64_json"),
        response("ImageResponse", 200, image.formatted("null"), "data[0]"),
        response(
            "ImageResponse",
            200,
            "{\"id\":null,\"model\":\"m\",\"object\":\"image\",\"data\":null}",
            "id",
            "object",
            "data"),
        response("ImageResponse", 200, "{}", "id", "model", "object", "data"),
        response("ErrorData", 400, "{\"error\":{\"message\":\"m\",\"type\":\"t\"}}"),
        response(
            "ErrorData",
            400,
            "{\"error\":{\"message\":\"m\",\"type\":\"t\",\"param\":null,\"code\":null}}"),
        response(
            "ErrorData",
            400,
            "{\"id\":\"req\",\"error\":{\"message\":\"m\",\"type\":\"t\",\"param\":\"n\",\"code\":\"c\"}}"),
        response(
            "ErrorData",
            401,
            "{\"error\":{\"message\":null,\"type\":null}}",
            "error.message",
            "error.type"),
        response(
            "ErrorData",
            429,
            "{\"error\":{\"message\":\"m\",\"type\":\"t\",\"param\":[],\"code\":5}}",
            "error.param",
            "error.code"),
        response("ErrorData", 500, "{\"error\":null}", "error"),
        response("ErrorData", 503, "{\"error\":{}}", "error.message", "error.type"),
        response("ErrorData", 404, "[]", (String) null));
  }

  /**
   * GET /models: ModelInfoList, its ModelInfo and Pricing, and the errors the operation declares.
   */
  static Stream<ResponseCase> modelsResponseCorpus() {
    String pricing = "{\"hourly\":0,\"input\":0.88,\"output\":0.88,\"base\":0,\"finetune\":0}";
    return Stream.of(
        // Valid
        models(ResponseContractTest.MODELS),
        models(ResponseContractTest.UNKNOWN_TYPE),
        models("[]"),
        models(list(model())),
        models(list(model("pricing", pricing))),
        models(list(model("created", "-1"))),
        models(list(model("created", "9007199254740993"))),
        models(list(model("context_length", "2147483648"))),
        models(list(model("running", "false", "config", "{\"x\":1}"))),
        models(list(model("pricing", pricing.replace("}", ",\"cached\":0.1}")))),

        // Required properties
        models("[{}]", "[0].id", "[0].object", "[0].created", "[0].type"),
        models(list(model("id", REMOVE)), "[0].id"),
        models(list(model("object", REMOVE)), "[0].object"),
        models(list(model("created", REMOVE)), "[0].created"),
        models(list(model("type", REMOVE)), "[0].type"),
        models(
            list(model("pricing", pricing.replace(",\"finetune\":0", ""))), "[0].pricing.finetune"),
        models(
            list(model("pricing", "{}")),
            "[0].pricing.hourly",
            "[0].pricing.input",
            "[0].pricing.output",
            "[0].pricing.base",
            "[0].pricing.finetune"),

        // Wrong types, enum and null
        models(list(model("id", "1")), "[0].id"),
        models(list(model("object", "\"list\"")), "[0].object"),
        models(list(model("created", "\"1733184000\"")), "[0].created"),
        models(list(model("created", "1.5")), "[0].created"),
        models(list(model("created", "null")), "[0].created"),
        models(list(model("type", "null")), "[0].type"),
        models(list(model("type", "5")), "[0].type"),
        models(list(model("display_name", "null")), "[0].display_name"),
        models(list(model("organization", "[]")), "[0].organization"),
        models(list(model("link", "null")), "[0].link"),
        models(list(model("license", "{}")), "[0].license"),
        models(list(model("context_length", "\"2048\"")), "[0].context_length"),
        models(list(model("context_length", "0.5")), "[0].context_length"),
        models(list(model("pricing", "null")), "[0].pricing"),
        models(list(model("pricing", "[]")), "[0].pricing"),
        models(
            list(model("pricing", pricing.replace("\"hourly\":0", "\"hourly\":\"0\""))),
            "[0].pricing.hourly"),

        // Not a list of ModelInfo objects
        models("{\"data\":[]}", (String) null),
        models("\"m\"", (String) null),
        models("[null]", "[0]"),
        models("[\"m\"]", "[0]"),
        models("[[]]", "[0]"),
        models(list(model(), "{}"), "[1].id", "[1].object", "[1].created", "[1].type"),

        // Errors
        models("ErrorData", 400, "{\"error\":{\"message\":\"m\",\"type\":\"t\"}}"),
        models(
            "ErrorData",
            504,
            "{\"error\":{\"message\":\"m\",\"type\":\"t\",\"param\":null,\"code\":null}}"),
        models("ErrorData", 429, "{\"error\":{\"message\":null,\"type\":\"t\"}}", "error.message"),
        models("ErrorData", 404, "{\"error\":{\"type\":\"t\"}}", "error.message"),
        models("ErrorData", 401, "[]", (String) null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"responseCorpus", "modelsResponseCorpus"})
  void testkitAndAtlassianAgreeOnResponses(ResponseCase c) {
    List<Violation> testkit = TESTKIT.validate(c.schema(), Contracts.parse(c.json()));
    ValidationReport atlassian =
        Contracts.validateResponse(
            Contracts.VALIDATOR,
            c.method(),
            c.path(),
            c.status(),
            Contracts.JSON_RESPONSE,
            c.json());
    Set<@Nullable String> testkitFields =
        testkit.stream().map(Violation::param).collect(Collectors.toCollection(LinkedHashSet::new));
    String verdicts = verdicts(c.json(), testkit, atlassian);

    assertThat(atlassian.hasErrors())
        .as("Atlassian's verdict differs from the testkit's\n%s", verdicts)
        .isEqualTo(!testkit.isEmpty());
    assertThat(Contracts.errorParams(atlassian))
        .as("Atlassian's fields differ\n%s", verdicts)
        .isEqualTo(testkitFields);
    assertThat(testkitFields).as("the fields of %s\n%s", c, verdicts).isEqualTo(c.fields());
  }

  /** Every property of ImageRequest and ImageLora is broken by at least one corpus case. */
  @Test
  void corpusBreaksEveryPropertyOfTheSpec() {
    Set<String> properties = properties("ImageRequest", "");
    properties.addAll(properties("ImageLora", "image_loras[0]."));
    Set<@Nullable String> broken =
        corpus()
            .flatMap(c -> c.fields().stream())
            .collect(Collectors.toCollection(LinkedHashSet::new));

    assertThat(broken).containsAll(properties);
    assertThat(corpus().filter(BodyCase::valid).count()).isGreaterThanOrEqualTo(15);
    assertThat(corpus().count()).isGreaterThanOrEqualTo(40);
  }

  /** Every property of ModelInfo and Pricing is broken by at least one GET /models case. */
  @Test
  void modelsCorpusBreaksEveryPropertyOfTheModelList() {
    Set<String> properties = properties("ModelInfo", "[0].");
    properties.addAll(properties("Pricing", "[0].pricing."));

    assertThat(properties).hasSizeGreaterThanOrEqualTo(15);
    assertThat(modelsResponseCorpus().flatMap(c -> c.fields().stream())).containsAll(properties);
  }

  /**
   * The fake server validates against the copy of the spec inside the testkit jar: the same text.
   */
  @Test
  void testkitCarriesTheSameSpec() throws IOException {
    try (InputStream in =
        SpecValidator.class.getResourceAsStream(SpecValidator.CLASSPATH_RESOURCE)) {
      assertThat(in).as(SpecValidator.CLASSPATH_RESOURCE).isNotNull();
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .as("the testkit jar's images.yaml is stale: rebuild the testkit")
          .isEqualTo(Contracts.specText());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a fox", "{", "{\"prompt\":\"a fox\",", "{\"prompt\":'a fox'}"})
  void notJsonIsRejectedByBothAndByTheServer(String notJson) throws IOException {
    assertThatThrownBy(() -> Contracts.JSON.fromJson(notJson)).isInstanceOf(IOException.class);
    Contracts.assertInvalid(
        Contracts.validateRequestBody(notJson), "a body that is not JSON", notJson);

    Raw raw = post(notJson);
    assertThat(raw.status()).isEqualTo(400);
    Map<?, ?> error = (Map<?, ?>) ((Map<?, ?>) Contracts.parse(raw.body())).get("error");
    assertThat(error.get("param")).isNull();
    assertThat((String) error.get("message")).startsWith("Request body is not valid JSON");
  }

  // ---------------------------------------------------------------------------------------------
  // Known differences, pinned so a change on either side is noticed

  /**
   * The testkit treats a number with a zero fraction ({@code 1.0}, {@code 16.0}, {@code 1e3}) as an
   * integer, as JSON Schema draft 6 and later do (and as SpecValidator documents); Atlassian's
   * draft-4 engine (OpenAPI 3.0's base) calls it a {@code number} and rejects it for an integer
   * property. The fake server therefore accepts bodies a stricter server could refuse. The facade
   * never sends such numbers: its integer properties are {@code int}/{@link Integer}.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {"n:1.0", "width:16.0", "height:16.0", "steps:2.0", "seed:1e3", "seed:7.0"})
  void integralFractionsAreIntegersToTheTestkitOnly(String field) throws IOException {
    String name = field.substring(0, field.indexOf(':'));
    String json = body(name, field.substring(field.indexOf(':') + 1));

    assertThat(TESTKIT.validateRequest(Contracts.parse(json))).isEmpty();
    ValidationReport atlassian = Contracts.validateRequestBody(json);
    assertThat(Contracts.errorKeys(atlassian))
        .as(Contracts.describe(atlassian))
        .containsExactly("validation.request.body.schema.type");
    assertThat(Contracts.errorParams(atlassian)).containsExactly(name);
    assertThat(post(json).status()).isEqualTo(200);
  }

  /**
   * A body with a repeated key: Moshi, and so the fake server, refuses it as not JSON (400), while
   * Atlassian's Jackson keeps the last value and validates that. RFC 8259 leaves duplicate names'
   * meaning to the implementation.
   */
  @Test
  void duplicateKeysAreNotJsonToTheServerButLastOneWinsForAtlassian() throws IOException {
    String json =
        "{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":16,\"height\":16,\"n\":0,\"n\":1}";

    assertThatThrownBy(() -> Contracts.JSON.fromJson(json)).hasMessageContaining("multiple values");
    ValidationReport atlassian = Contracts.validateRequestBody(json);
    assertThat(atlassian.hasErrors()).as(Contracts.describe(atlassian)).isFalse();
    Raw raw = post(json);
    assertThat(raw.status()).isEqualTo(400);
    assertThat(raw.body()).contains("Request body is not valid JSON");
  }

  /**
   * ImageLora does not say {@code additionalProperties}, so by OpenAPI's rules a LoRA may carry
   * other properties; the testkit agrees (see the corpus). Atlassian's default injects {@code
   * additionalProperties: false} and would reject it, which is why {@link Contracts#VALIDATOR}
   * turns that default off.
   */
  @Test
  void atlassiansDefaultWouldCloseImageLora() {
    String json = body("image_loras", "[{\"path\":\"p\",\"scale\":1,\"trigger\":\"tok\"}]");
    ValidationReport strict =
        Contracts.STRICT_VALIDATOR.validateRequest(
            com.atlassian.oai.validator.model.SimpleRequest.Builder.post(Contracts.GENERATIONS)
                .withContentType("application/json")
                .withAuthorization("Bearer k")
                .withBody(json)
                .build());

    assertThat(Contracts.errorKeys(strict))
        .containsExactly("validation.request.body.schema.additionalProperties");
    assertThat(Contracts.errorParams(strict)).containsExactly("image_loras[0]");
    assertThat(TESTKIT.validateRequest(Contracts.parse(json))).isEmpty();
  }

  /**
   * JSON numbers beyond a double's range: Moshi cannot read them, so the fake server answers 400
   * "Request body is not valid JSON" (param null). For {@code seed}, an integer with no format, the
   * spec and Atlassian accept the body; for the {@code format: double} properties Atlassian rejects
   * it too, naming the field. RFC 8259 §9 lets parsers limit number range.
   */
  @Test
  void numbersBeyondDoubleRangeAreNotJsonToTheTestkit() throws IOException {
    String hugeSeed = body("seed", "1" + "0".repeat(400));
    assertThat(Contracts.validateRequestBody(hugeSeed).hasErrors()).isFalse();
    assertNotJsonToTheServer(hugeSeed);

    String hugeScale = body("guidance_scale", "1e400");
    ValidationReport atlassian = Contracts.validateRequestBody(hugeScale);
    assertThat(Contracts.errorKeys(atlassian))
        .containsExactly("validation.request.body.schema.format.double");
    assertThat(Contracts.errorParams(atlassian)).containsExactly("guidance_scale");
    assertNotJsonToTheServer(hugeScale);
  }

  /**
   * An extra property nested deeper than Moshi's 255 levels: allowed by the spec (ImageRequest has
   * additionalProperties: true) and by Atlassian, refused by the fake server as not JSON.
   */
  @Test
  void extrasNestedDeeperThanMoshiReadsAreNotJsonToTheTestkit() throws IOException {
    String json = body("extra", "[".repeat(300) + "1" + "]".repeat(300));
    assertThat(Contracts.validateRequestBody(json).hasErrors()).isFalse();
    assertNotJsonToTheServer(json);
  }

  // ---------------------------------------------------------------------------------------------
  // The request as a whole: the spec declares an application/json body only

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded"})
  void atlassianRefusesABodyThatIsNotApplicationJson(String contentType) {
    Headers headers = Headers.of("Authorization", "Bearer k", "Content-Type", contentType);
    String json = body();
    ValidationReport report =
        Contracts.validateRequest("POST", Contracts.GENERATIONS, headers, json);
    assertThat(Contracts.errorKeys(report))
        .as(Contracts.describe(report))
        .containsExactly("validation.request.contentType.notAllowed");
  }

  /** Atlassian 2.46.1 does not object to a body without any Content-Type; nor does the server. */
  @Test
  void aBodyWithoutContentTypePassesAtlassianAndTheServer() throws IOException {
    String json = body();
    ValidationReport report =
        Contracts.validateRequest(
            "POST", Contracts.GENERATIONS, Headers.of("Authorization", "Bearer k"), json);
    assertThat(report.hasErrors()).as(Contracts.describe(report)).isFalse();
    assertThat(post(json, null).status()).isEqualTo(200);
  }

  /**
   * The spec's request body is {@code application/json} only, and Atlassian refuses others (above),
   * but the fake server never looks at Content-Type: it answers 200 to the same body sent as
   * text/plain or as a form, so a client that mislabels its body passes every test against it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded"})
  void fakeServerRefusesABodyThatIsNotApplicationJson(String contentType) throws IOException {
    Raw raw = post(body(), MediaType.get(contentType));

    assertThat(raw.status()).as(raw.body()).isEqualTo(400);
    Contracts.assertValid(
        Contracts.validateResponse(raw.status(), raw.headers(), raw.body()),
        "the answer to a body sent as " + contentType,
        raw.body());
  }

  // ---------------------------------------------------------------------------------------------

  private static BodyCase valid(String name, String json) {
    return new BodyCase(name, json, Set.of());
  }

  private static BodyCase invalid(String name, String json, @Nullable String... fields) {
    return new BodyCase(name, json, new LinkedHashSet<>(Arrays.asList(fields)));
  }

  private static ResponseCase response(
      String schema, int status, String json, @Nullable String... fields) {
    return responseTo(Method.POST, Contracts.GENERATIONS, schema, status, json, fields);
  }

  /** A 200 to GET /models, checked as ModelInfoList. */
  private static ResponseCase models(String json, @Nullable String... fields) {
    return models("ModelInfoList", 200, json, fields);
  }

  private static ResponseCase models(
      String schema, int status, String json, @Nullable String... fields) {
    return responseTo(Method.GET, Contracts.MODELS, schema, status, json, fields);
  }

  private static ResponseCase responseTo(
      Method method,
      String path,
      String schema,
      int status,
      String json,
      @Nullable String[] fields) {
    return new ResponseCase(
        method, path, schema, status, json, new LinkedHashSet<>(Arrays.asList(fields)));
  }

  private static void assertNotJsonToTheServer(String json) throws IOException {
    assertThatThrownBy(() -> Contracts.JSON.fromJson(json))
        .isInstanceOfAny(IOException.class, RuntimeException.class);
    Raw raw = post(json);
    assertThat(raw.status()).isEqualTo(400);
    Map<?, ?> error = (Map<?, ?>) ((Map<?, ?>) Contracts.parse(raw.body())).get("error");
    assertThat(error.get("param")).isNull();
    assertThat((String) error.get("message")).startsWith("Request body is not valid JSON");
  }

  /**
   * Returns a JSON object: prompt "a fox", model "m", width and height 16 (small to draw), with
   * {@code overrides} (name, raw JSON value, …) put over them; the value {@link #REMOVE} drops one.
   */
  private static String body(String... overrides) {
    return object(
        List.of("prompt", "\"a fox\"", "model", "\"m\"", "width", "16", "height", "16"), overrides);
  }

  /**
   * Returns one ModelInfo: id "m", object "model", created 1, type "image", with {@code overrides}
   * as {@link #body} takes them.
   */
  private static String model(String... overrides) {
    return object(
        List.of("id", "\"m\"", "object", "\"model\"", "created", "1", "type", "\"image\""),
        overrides);
  }

  /** Returns a JSON array of {@code items}. */
  private static String list(String... items) {
    return "[" + String.join(",", items) + "]";
  }

  /** Returns a JSON object of {@code defaults} (name, raw JSON value, …) with {@code overrides}. */
  private static String object(List<String> defaults, String... overrides) {
    List<String> pairs = new ArrayList<>(defaults);
    pairs.addAll(Arrays.asList(overrides));
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i < pairs.size(); i += 2) {
      if (pairs.get(i + 1).equals(REMOVE)) {
        fields.remove(pairs.get(i));
      } else {
        fields.put(pairs.get(i), pairs.get(i + 1));
      }
    }
    return fields.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\":" + e.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String verdicts(String json, List<Violation> testkit, ValidationReport atlassian) {
    StringBuilder out =
        new StringBuilder("body: ").append(Contracts.excerpt(json, 500)).append('\n');
    out.append("testkit (SpecValidator): ")
        .append(testkit.isEmpty() ? "valid" : "invalid")
        .append('\n');
    for (Violation v : testkit) {
      out.append("  param=").append(v.param()).append(": ").append(v.message()).append('\n');
    }
    out.append("Atlassian: ")
        .append(atlassian.hasErrors() ? "invalid" : "valid")
        .append(", fields ")
        .append(Contracts.errorParams(atlassian))
        .append('\n');
    return out.append(Contracts.describe(atlassian)).toString();
  }

  /** The property names of the spec's schema {@code name}, each after {@code prefix}, sorted. */
  private static Set<String> properties(String name, String prefix) {
    Map<?, ?> schemas = (Map<?, ?>) ((Map<?, ?>) yaml().get("components")).get("schemas");
    Set<String> properties = new TreeSet<>();
    for (Object property :
        ((Map<?, ?>) ((Map<?, ?>) schemas.get(name)).get("properties")).keySet()) {
      properties.add(prefix + property);
    }
    return properties;
  }

  private static Map<?, ?> yaml() {
    return (Map<?, ?>)
        new Yaml(new SafeConstructor(new LoaderOptions())).load(Contracts.specText());
  }

  private record Raw(int status, Headers headers, String body) {}

  private static Raw post(String body) throws IOException {
    return post(body, JSON);
  }

  private static Raw post(String body, @Nullable MediaType contentType) throws IOException {
    Request request =
        new Request.Builder()
            .url(server.baseUrl() + "images/generations")
            .header("Authorization", "Bearer " + server.apiKey())
            .post(RequestBody.create(body.getBytes(StandardCharsets.UTF_8), contentType))
            .build();
    try (Response response = http.newCall(request).execute()) {
      return new Raw(response.code(), response.headers(), response.body().string());
    }
  }
}
