package io.github.together4j.images.contract;

import static io.github.together4j.images.contract.Contracts.GENERATIONS;
import static io.github.together4j.images.contract.Contracts.MODELS;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.Lora;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.contract.Contracts.Spec;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okio.ByteString;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Captures the exact bytes the facade sends and checks them against openapi/images.yaml with the
 * Atlassian validator: method, path, Content-Type, Authorization and body, for every option of
 * {@link ImageGenerationRequest.Builder}. Each case also pins the whole JSON body, so a property
 * the facade drops or renames fails even where the spec would still accept the rest. The model list
 * ({@code GET /models}) is checked against our spec and Together's upstream spec.
 */
class RequestContractTest {
  private static final String KEY = "k";
  private static final String DEFAULT_MODEL = TogetherImages.DEFAULT_MODEL;

  /** A 1×1 PNG: a real image, so a client that decodes eagerly would not fail either. */
  private static final String PNG_1X1 =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

  /** What the mock server answers every request with; itself checked against the spec below. */
  static final String OK_RESPONSE =
      "{\"id\":\"gen-1\",\"model\":\""
          + DEFAULT_MODEL
          + "\","
          + "\"object\":\"list\",\"data\":[{\"index\":0,\"b64_json\":\""
          + PNG_1X1
          + "\","
          + "\"type\":\"b64_json\"}]}";

  private static final String LONG_PROMPT = longPrompt();
  private static final String NON_ASCII_PROMPT = "一只在雪地里的狐狸 🦊 — café, naïve, Ωμέγα, Ёлка";
  private static final String ESCAPED_PROMPT = "say \"hi\" \\ path/to </script>\n\ttab \u0001 end";

  private MockWebServer server;
  private TogetherImages client;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start(InetAddress.getLoopbackAddress(), 0);
    // Each path gets its own canned answer (ResponseContractTest checks both against the spec).
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String body =
                request.getUrl().encodedPath().equals(MODELS)
                    ? ResponseContractTest.MODELS
                    : OK_RESPONSE;
            return new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(body)
                .build();
          }
        });
    client =
        TogetherImages.builder()
            .apiKey(KEY)
            .baseUrl(server.url("/v1/").toString())
            .maxRetries(0)
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  /** One way of calling the facade, and the whole JSON body it must send, as Moshi parses it. */
  record Case(String name, Consumer<TogetherImages> call, Map<String, Object> body) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> requests() {
    return Stream.of(
        new Case("minimal generate(\"a fox\")", c -> c.generate("a fox"), body()),
        new Case(
            "minimal request builder", c -> c.generate(ImageGenerationRequest.of("a fox")), body()),
        new Case("every option set", c -> c.generate(everyOption()), everyOptionBody()),
        new Case(
            "response format URL",
            send(b -> b.responseFormat(ResponseFormat.URL)),
            body("response_format", "url")),
        new Case(
            "response format BASE64",
            send(b -> b.responseFormat(ResponseFormat.BASE64)),
            body("response_format", "base64")),
        new Case(
            "output format JPEG",
            send(b -> b.outputFormat(OutputFormat.JPEG)),
            body("output_format", "jpeg")),
        new Case(
            "output format PNG",
            send(b -> b.outputFormat(OutputFormat.PNG)),
            body("output_format", "png")),
        new Case(
            "LoRAs only",
            send(
                b ->
                    b.addImageLora("https://huggingface.co/a/lora", 1.0)
                        .addImageLora("https://huggingface.co/b/lora", 0.25)),
            body(
                "image_loras",
                List.of(
                    Map.of("path", "https://huggingface.co/a/lora", "scale", 1.0),
                    Map.of("path", "https://huggingface.co/b/lora", "scale", 0.25)))),
        new Case(
            "LoRAs as a list",
            send(b -> b.imageLoras(List.of(new Lora("https://huggingface.co/a/lora", 2.0)))),
            body(
                "image_loras",
                List.of(Map.of("path", "https://huggingface.co/a/lora", "scale", 2.0)))),
        new Case(
            "reference images only",
            send(
                b ->
                    b.referenceImages(
                        List.of("https://example.com/r1.png", "https://example.com/r2.png"))),
            body(
                "reference_images",
                List.of("https://example.com/r1.png", "https://example.com/r2.png"))),
        new Case(
            "safety checker explicitly on (false)",
            send(b -> b.disableSafetyChecker(false)),
            body("disable_safety_checker", false)),
        new Case(
            "extra properties: string, number, boolean, nested object, list",
            send(
                b ->
                    b.putExtra("aspect_ratio", "16:9")
                        .putExtra("strength", 0.75)
                        .putExtra("count", 3)
                        .putExtra("big", Long.MAX_VALUE)
                        .putExtra("go_fast", true)
                        .putExtra("style", Map.of("preset", "anime", "weights", List.of(0.5, 1)))
                        .putExtra("tags", List.of("a", "b", 1, false))),
            body(
                "aspect_ratio",
                "16:9",
                "strength",
                0.75,
                "count",
                3.0,
                "big",
                (double) Long.MAX_VALUE,
                "go_fast",
                true,
                "style",
                Map.of("preset", "anime", "weights", List.of(0.5, 1.0)),
                "tags",
                List.of("a", "b", 1.0, false))),
        new Case(
            "non-ASCII prompt",
            c -> c.generate(NON_ASCII_PROMPT),
            body("prompt", NON_ASCII_PROMPT)),
        new Case(
            "prompt with characters JSON escapes",
            c -> c.generate(ESCAPED_PROMPT),
            body("prompt", ESCAPED_PROMPT)),
        new Case(
            "10,000-character prompt", c -> c.generate(LONG_PROMPT), body("prompt", LONG_PROMPT)),
        new Case(
            "minimums: n=1, width=1, height=1, steps=1",
            send(b -> b.n(1).size(1, 1).steps(1)),
            body("n", 1.0, "width", 1.0, "height", 1.0, "steps", 1.0)),
        new Case("seed 0", send(b -> b.seed(0)), body("seed", 0.0)),
        new Case(
            "seed Integer.MAX_VALUE",
            send(b -> b.seed(Integer.MAX_VALUE)),
            body("seed", (double) Integer.MAX_VALUE)),
        new Case(
            "seed Integer.MIN_VALUE",
            send(b -> b.seed(Integer.MIN_VALUE)),
            body("seed", (double) Integer.MIN_VALUE)),
        new Case(
            "guidance scale 0.0", send(b -> b.guidanceScale(0.0)), body("guidance_scale", 0.0)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requests")
  void facadeSendsWhatTheSpecAccepts(Case c) throws Exception {
    c.call().accept(client);
    Sent sent = takeSent();

    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path()).isEqualTo(GENERATIONS);
    MediaType contentType = MediaType.parse(String.valueOf(sent.headers().get("Content-Type")));
    assertThat(contentType).as("Content-Type %s", sent.headers().get("Content-Type")).isNotNull();
    assertThat(contentType.type() + "/" + contentType.subtype()).isEqualTo("application/json");
    assertThat(contentType.charset(StandardCharsets.UTF_8)).isEqualTo(StandardCharsets.UTF_8);
    assertThat(sent.headers().values("Authorization")).containsExactly("Bearer " + KEY);

    Contracts.assertValid(
        Contracts.validateRequest(sent.method(), sent.path(), sent.headers(), sent.body()),
        c.name(),
        sent.body());
    assertThat(Contracts.parse(sent.body()))
        .as("the JSON body of %s", c.name())
        .isEqualTo(c.body());
  }

  @Test
  void asyncSendsTheSameRequestAsSync() throws Exception {
    client.generate(everyOption());
    Sent sync = takeSent();
    client.generateAsync(everyOption()).get(10, TimeUnit.SECONDS);
    Sent async = takeSent();

    assertThat(async.body()).isEqualTo(sync.body());
    assertThat(async.method()).isEqualTo(sync.method());
    assertThat(async.path()).isEqualTo(sync.path());
    assertThat(async.headers().get("Content-Type")).isEqualTo(sync.headers().get("Content-Type"));
    assertThat(async.headers().values("Authorization"))
        .isEqualTo(sync.headers().values("Authorization"));
    Contracts.assertValid(
        Contracts.validateRequest(async.method(), async.path(), async.headers(), async.body()),
        "the async every-option request",
        async.body());
  }

  @Test
  void longExtraNumbersKeepEveryDigit() throws Exception {
    client.generate(
        ImageGenerationRequest.builder("a fox").putExtra("big", Long.MAX_VALUE).build());
    assertThat(takeSent().body()).contains("\"big\":9223372036854775807");
  }

  @Test
  void cannedResponseSatisfiesTheSpec() {
    Contracts.assertValid(
        Contracts.validateResponse(
            200, Headers.of("Content-Type", "application/json"), OK_RESPONSE),
        "the mock server's canned 200",
        OK_RESPONSE);
  }

  @Test
  void validatorRejectsWhatTheFacadeMustNeverSend() {
    String minimal = "{\"prompt\":\"a fox\",\"model\":\"m\"}";
    Headers json = Headers.of("Content-Type", "application/json", "Authorization", "Bearer k");
    Contracts.assertInvalid(Contracts.validateRequest("GET", GENERATIONS, json, ""), "GET", "");
    Contracts.assertInvalid(
        Contracts.validateRequest("POST", "/v1/images/generation", json, minimal),
        "a wrong path",
        minimal);
    Contracts.assertInvalid(
        Contracts.validateRequest(
            "POST",
            GENERATIONS,
            Headers.of("Content-Type", "text/plain", "Authorization", "Bearer k"),
            minimal),
        "a text/plain body",
        minimal);
    Contracts.assertInvalid(
        Contracts.validateRequestBody("{\"prompt\":\"a fox\",\"model\":\"m\",\"n\":0}"),
        "n = 0",
        "n = 0");
  }

  /**
   * Atlassian 2.46.1 applies only operation-level {@code security}; this spec declares it at the
   * document level, so a request without a key passes the validator. That is why every case above
   * asserts {@code Authorization: Bearer k} itself. If this starts failing, the validator learned
   * document-level security and the explicit assertion becomes a second check.
   */
  @Test
  void validatorIgnoresDocumentLevelSecuritySoTheHeaderIsAssertedDirectly() {
    ValidationReport report =
        Contracts.VALIDATOR.validateRequest(
            SimpleRequest.Builder.post(GENERATIONS)
                .withContentType("application/json")
                .withBody("{\"prompt\":\"a fox\",\"model\":\"m\"}")
                .build());
    assertThat(report.hasErrors()).as(Contracts.describe(report)).isFalse();
  }

  // ---------------------------------------------------------------------------------------------
  // GET /models

  static Stream<Arguments> modelsQueries() {
    return Contracts.forEachSpec(
        Stream.of("", "dedicated=true", "dedicated=false").map(Arguments::of));
  }

  @ParameterizedTest(name = "{0}: GET /models?{1}")
  @MethodSource("modelsQueries")
  void modelsRequestsTheSpecsAccept(Spec spec, String query) {
    Contracts.assertValid(
        spec, Contracts.validateModelsRequest(spec, query), "GET /models?" + query, "");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Spec.class)
  void dedicatedMustBeABoolean(Spec spec) {
    ValidationReport report = Contracts.validateModelsRequest(spec, "dedicated=maybe");

    Contracts.assertInvalid(spec, report, "GET /models?dedicated=maybe", "");
    // Atlassian reads a query value as JSON before checking its type: "maybe" is not JSON.
    assertThat(Contracts.errorKeys(report))
        .as(Contracts.describe(report))
        .containsExactly("validation.request.parameter.schema.invalidJson");
  }

  /**
   * {@code dedicated=1} is JSON, an integer, so our spec rejects it for its type; Atlassian does
   * not see the {@code type} of upstream's OpenAPI 3.1 schema (see {@link Contracts}) and lets it
   * through. Prism, which reads 3.1, rejects it against both (PrismContractTest).
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Spec.class)
  void anIntegerDedicatedIsRefusedByOurSpecButUnseenInUpstreamsByAtlassian(Spec spec) {
    ValidationReport report = Contracts.validateModelsRequest(spec, "dedicated=1");

    assertThat(Contracts.errorKeys(report))
        .as(Contracts.describe(report))
        .isEqualTo(
            spec == Spec.OURS ? Set.of("validation.request.parameter.schema.type") : Set.of());
  }

  static Stream<Arguments> modelsCalls() {
    Map<String, Consumer<TogetherImages>> calls = new LinkedHashMap<>();
    calls.put("models()", TogetherImages::models);
    calls.put("imageModels()", TogetherImages::imageModels);
    calls.put("modelsAsync()", c -> c.modelsAsync().join());
    calls.put("imageModelsAsync()", c -> c.imageModelsAsync().join());
    return Contracts.forEachSpec(
        calls.entrySet().stream().map(call -> Arguments.of(call.getKey(), call.getValue())));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("modelsCalls")
  void facadeListsModelsWithARequestTheSpecAccepts(
      Spec spec, String name, Consumer<TogetherImages> call) throws Exception {
    call.accept(client);
    Sent sent = takeSent();

    assertThat(sent.method()).isEqualTo("GET");
    assertThat(sent.path()).isEqualTo(MODELS);
    assertThat(sent.query()).as("no dedicated filter").isNull();
    assertThat(sent.headers().values("Authorization")).containsExactly("Bearer " + KEY);
    assertThat(sent.body()).isEmpty();
    Contracts.assertValid(
        spec,
        Contracts.validateRequest(
            spec.validator(), sent.method(), sent.url(), sent.headers(), sent.body()),
        name,
        sent.body());
  }

  /** The operation the validators check the facade's GET against is the right one. */
  @Test
  void validatorRejectsWhatTheModelListMustNeverBe() {
    Headers key = Headers.of("Authorization", "Bearer k");
    HttpUrl models = HttpUrl.get("http://localhost" + MODELS);
    Contracts.assertInvalid(
        Contracts.validateRequest(Contracts.VALIDATOR, "POST", models, key, ""),
        "POST /models",
        "");
    Contracts.assertInvalid(
        Contracts.validateRequest(
            Contracts.VALIDATOR, "GET", HttpUrl.get("http://localhost/v1/model"), key, ""),
        "GET /model",
        "");
  }

  // ---------------------------------------------------------------------------------------------

  private record Sent(String method, HttpUrl url, Headers headers, String body) {
    String path() {
      return url.encodedPath();
    }

    @Nullable String query() {
      return url.query();
    }
  }

  private Sent takeSent() throws Exception {
    RecordedRequest request = server.takeRequest(10, TimeUnit.SECONDS);
    assertThat(request).as("a request reached the mock server").isNotNull();
    ByteString bytes = request.getBody();
    String body;
    try {
      body =
          bytes == null
              ? ""
              : StandardCharsets.UTF_8
                  .newDecoder()
                  .decode(ByteBuffer.wrap(bytes.toByteArray()))
                  .toString();
    } catch (CharacterCodingException e) {
      throw new AssertionError("the body is not UTF-8: " + bytes.hex(), e);
    }
    return new Sent(request.getMethod(), request.getUrl(), request.getHeaders(), body);
  }

  private static Consumer<TogetherImages> send(Consumer<ImageGenerationRequest.Builder> options) {
    return c -> {
      ImageGenerationRequest.Builder builder = ImageGenerationRequest.builder("a fox");
      options.accept(builder);
      c.generate(builder.build());
    };
  }

  private static ImageGenerationRequest everyOption() {
    return ImageGenerationRequest.builder("a lighthouse at dusk")
        .model("black-forest-labs/FLUX.1-schnell")
        .n(4)
        .size(768, 512)
        .steps(28)
        .seed(42)
        .negativePrompt("blurry, low quality")
        .responseFormat(ResponseFormat.BASE64)
        .guidanceScale(7.5)
        .outputFormat(OutputFormat.PNG)
        .imageUrl("https://example.com/input.png")
        .addImageLora("https://huggingface.co/a/lora", 1.0)
        .addImageLora("https://huggingface.co/b/lora", 0.6)
        .referenceImages(List.of("https://example.com/r1.png", "https://example.com/r2.png"))
        .disableSafetyChecker(true)
        .build();
  }

  private static Map<String, Object> everyOptionBody() {
    return Map.ofEntries(
        entry("prompt", "a lighthouse at dusk"),
        entry("model", "black-forest-labs/FLUX.1-schnell"),
        entry("n", 4.0),
        entry("width", 768.0),
        entry("height", 512.0),
        entry("steps", 28.0),
        entry("seed", 42.0),
        entry("negative_prompt", "blurry, low quality"),
        entry("response_format", "base64"),
        entry("guidance_scale", 7.5),
        entry("output_format", "png"),
        entry("image_url", "https://example.com/input.png"),
        entry(
            "image_loras",
            List.of(
                Map.of("path", "https://huggingface.co/a/lora", "scale", 1.0),
                Map.of("path", "https://huggingface.co/b/lora", "scale", 0.6))),
        entry(
            "reference_images",
            List.of("https://example.com/r1.png", "https://example.com/r2.png")),
        entry("disable_safety_checker", true));
  }

  /**
   * Returns the body a request of "a fox" sends with the default model and the facade's always-sent
   * n=1, 1024×1024, with {@code overrides} (name, value, name, value …) put over it.
   */
  private static Map<String, Object> body(Object... overrides) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("prompt", "a fox");
    body.put("model", DEFAULT_MODEL);
    body.put("n", 1.0);
    body.put("width", 1024.0);
    body.put("height", 1024.0);
    for (int i = 0; i < overrides.length; i += 2) {
      body.put(String.valueOf(overrides[i]), overrides[i + 1]);
    }
    return body;
  }

  private static String longPrompt() {
    StringBuilder prompt = new StringBuilder(10_000);
    while (prompt.length() < 10_000) {
      prompt.append("a red fox in fresh snow, ");
    }
    prompt.setLength(10_000);
    return prompt.toString();
  }
}
