package io.github.together4j.images.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import io.github.together4j.images.AuthenticationException;
import io.github.together4j.images.BadRequestException;
import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.ImageModelInfo;
import io.github.together4j.images.MalformedResponseException;
import io.github.together4j.images.NotFoundException;
import io.github.together4j.images.PermissionDeniedException;
import io.github.together4j.images.RateLimitException;
import io.github.together4j.images.ServerException;
import io.github.together4j.images.TogetherException;
import io.github.together4j.images.TogetherImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The facade against an independent mock: Stoplight Prism serving {@code openapi/images.yaml} (our
 * contract) and, when {@code ../shared/reference/together-openapi.yaml} is beside the clone,
 * Together's upstream spec. Prism validates every request against the spec it serves (400 or 422
 * with the violations in an {@code sl-violations} header) and answers from the spec's examples or
 * schemas, so a request that passes here is one the contract accepts, and a response that parses
 * here is one the contract allows.
 *
 * <p>The mocks run outside the JVM: start them with {@code .ci/prism} and pass their URLs as {@code
 * -Dtogether4j.prism.url=http://127.0.0.1:4010/} and {@code
 * -Dtogether4j.prism.upstreamUrl=http://127.0.0.1:4011/} ({@code .ci/prism maven-args} prints
 * both). Without them every test here is skipped, saying so. Prism serves the spec's paths without
 * its server's base path ({@code /images/generations}, not {@code /v1/images/generations}), so the
 * facade's base URL is the mock's root.
 *
 * <p>Every exchange is recorded by a network interceptor on the OkHttp client the facade is given,
 * so each test can compare what the facade parsed with the body Prism actually sent.
 *
 * <p>The model list ({@code GET /models}) is checked the same way: the facade's request is
 * accepted, the mock's answer (its example, and bodies Prism draws from the schema) parses into
 * exactly what was sent, and each declared error status maps to its exception.
 */
class PrismContractTest {
  static final String URL_PROPERTY = "together4j.prism.url";
  static final String UPSTREAM_URL_PROPERTY = "together4j.prism.upstreamUrl";

  /** At least this many dynamically generated responses are checked per spec. */
  private static final int DYNAMIC_RESPONSES = 20;

  private static final JsonAdapter<Map<String, Object>> JSON =
      new Moshi.Builder()
          .build()
          .adapter(Types.newParameterizedType(Map.class, String.class, Object.class));

  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  /** The model types upstream's enum lists; ours reads type as open text. */
  static final Set<String> UPSTREAM_TYPES =
      Set.of("chat", "language", "code", "image", "embedding", "moderation", "rerank");

  /** Our spec's mock: Prism answers violations with the spec's own 400 ErrorData response. */
  @Nested
  class AgainstOurSpec extends MockSuite {
    AgainstOurSpec() {
      super(URL_PROPERTY, "Prism (our spec) not running", "http://127.0.0.1:4010/", "");
    }

    @Test
    void rejectsAnInvalidBodyNamingEachViolation() throws IOException {
      Exchange exchange = postRaw("{\"model\":\"black-forest-labs/FLUX.1-schnell\",\"n\":0}", true);

      assertThat(exchange.status()).isEqualTo(400);
      assertThat(exchange.violations())
          .contains("must have required property 'prompt'")
          .contains("property n must be >= 1");
      assertThat(json(exchange.responseBody())).containsKey("error");
    }

    @Test
    void facadeMapsPrismsValidationFailureToBadRequestException() {
      // The facade never sends an invalid body (build() checks bounds, putExtra refuses known
      // names), so an interceptor ahead of its own breaks "n" on the way out.
      try (TogetherImages broken = newClient(b -> b.okHttpClient(recordingHttp(new BreakN())))) {
        Throwable thrown = catchThrowable(() -> broken.generate("a fox"));

        assertThat(thrown).isInstanceOf(BadRequestException.class);
        BadRequestException e = (BadRequestException) thrown;
        Exchange exchange = recorder.last();
        assertThat(exchange.requestBody()).contains("\"n\":\"many\"");
        assertThat(exchange.violations()).contains("property n must be integer");
        Map<String, Object> error = map(json(exchange.responseBody()).get("error"));
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.errorType()).isEqualTo(error.get("type"));
        assertThat(e.serverMessage()).isEqualTo(error.get("message"));
        assertThat(e.param()).isEqualTo(error.get("param"));
        assertThat(e.errorCode()).isEqualTo(error.get("code"));
        assertThat(e.attempts()).isEqualTo(1);
      }
    }

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @MethodSource("io.github.together4j.images.contract.PrismContractTest#declaredErrors")
    void facadeMapsEveryErrorResponseTheSpecDeclares(
        int status, Class<? extends TogetherException> expected) {
      try (TogetherImages erring = newClient(b -> b.addHeader("Prefer", "code=" + status))) {
        Throwable thrown = catchThrowable(() -> erring.generate("a fox"));

        assertMapsTheError(thrown, recorder.last(), status, expected);
      }
    }

    /**
     * Our type is open text, so Prism draws arbitrary strings for it: each such list parses, and a
     * type no spec lists passes through as sent.
     */
    @Test
    void everyGeneratedModelListParsesWithUnknownTypesPassedThrough() {
      Predicate<ImageModelInfo> unknown = model -> !UPSTREAM_TYPES.contains(model.type());

      List<ImageModelInfo> seen = generatedModelLists(all -> all.stream().anyMatch(unknown));

      assertThat(seen).as("models with a type no spec lists").anyMatch(unknown);
    }
  }

  /**
   * Together's upstream spec: our requests must be accepted by the real contract and what it allows
   * in responses must parse. It declares no error response for this operation, so Prism answers
   * violations with its own 422 problem document.
   */
  @Nested
  class AgainstUpstreamSpec extends MockSuite {
    AgainstUpstreamSpec() {
      super(
          UPSTREAM_URL_PROPERTY,
          "Prism (upstream spec) not running",
          "http://127.0.0.1:4011/",
          "; it needs ../shared/reference/together-openapi.yaml beside the clone");
    }

    @Test
    void rejectsAnInvalidBodyWithPrismsOwnProblemDocument() throws IOException {
      Exchange exchange =
          postRaw("{\"model\":\"black-forest-labs/FLUX.1-schnell\",\"n\":\"many\"}", true);

      assertThat(exchange.status()).isEqualTo(422);
      assertThat(exchange.contentType()).startsWith("application/problem+json");
      assertThat(exchange.responseBody())
          .contains("must have required property 'prompt'")
          .contains("property n must be integer");
    }

    @Test
    void facadeReportsPrismsProblemDocumentByItsStatus() {
      // Not Together's error shape but Prism's own (the upstream operation declares no error
      // response), so the facade cannot read an ErrorData from it: what it must do is keep the
      // status, throw that status's exception, and say the body is not an API error, without
      // retrying.
      try (TogetherImages broken = newClient(b -> b.okHttpClient(recordingHttp(new BreakN())))) {
        Throwable thrown = catchThrowable(() -> broken.generate("a fox"));

        assertThat(recorder.last().status()).isEqualTo(422);
        assertThat(thrown)
            .isExactlyInstanceOf(BadRequestException.class)
            .hasMessageContaining("HTTP 422 with a body that is not an API error");
        assertThat(((TogetherException) thrown).statusCode()).isEqualTo(422);
        assertThat(((TogetherException) thrown).attempts()).isEqualTo(1);
      }
    }

    @Test
    void declaresNoErrorResponseForImageGeneration() {
      // A canary: if Together's spec starts declaring error responses here, Prism will serve them
      // and facadeMapsEveryErrorResponseTheSpecDeclares should run against upstream too.
      try (TogetherImages erring = newClient(b -> b.addHeader("Prefer", "code=400"))) {
        Throwable thrown = catchThrowable(() -> erring.generate("a fox"));

        Exchange exchange = recorder.last();
        assertThat(exchange.status()).isEqualTo(404);
        assertThat(exchange.responseBody())
            .contains("Requested status code 400 is not defined in the document");
        assertThat(thrown).isExactlyInstanceOf(NotFoundException.class);
        assertThat(((TogetherException) thrown).statusCode()).isEqualTo(404);
      }
    }

    /**
     * Upstream's example is a chat model, so its static answer holds no image model; the lists
     * Prism draws from upstream's enum do, and imageModels() must be exactly those entries.
     */
    @Test
    void everyGeneratedModelListParsesAndItsImageModelsAreFound() {
      List<ImageModelInfo> seen =
          generatedModelLists(all -> all.stream().anyMatch(ImageModelInfo::isImage));

      assertThat(seen).extracting(ImageModelInfo::type).allMatch(UPSTREAM_TYPES::contains);
      assertThat(seen).as("image models").anyMatch(ImageModelInfo::isImage);
    }
  }

  /** The checks both mocks must pass; each subclass names its mock's system property. */
  abstract static class MockSuite {
    private final String property;
    private final String notRunning;
    private final String example;
    private final String note;

    String baseUrl = "";
    final Recorder recorder = new Recorder();
    @Nullable TogetherImages client;
    private final List<TogetherImages> clients = new ArrayList<>();
    private final List<OkHttpClient> httpClients = new ArrayList<>();

    MockSuite(String property, String notRunning, String example, String note) {
      this.property = property;
      this.notRunning = notRunning;
      this.example = example;
      this.note = note;
    }

    @BeforeEach
    void requireMock() {
      String url = System.getProperty(property, "");
      assumeTrue(
          !url.isBlank(),
          notRunning
              + ": start it with .ci/prism (see README, Contract tests) and pass -D"
              + property
              + "="
              + example
              + note);
      HttpUrl parsed = HttpUrl.parse(url);
      assumeTrue(parsed != null, notRunning + ": -D" + property + "=" + url + " is not a URL");
      assumeTrue(
          answers(parsed),
          notRunning
              + ": nothing answers at "
              + url
              + "; start it with .ci/prism (see README, Contract tests)");
      baseUrl = parsed.toString();
      client = newClient(b -> b);
    }

    @AfterEach
    void closeClients() {
      clients.forEach(TogetherImages::close);
      // The facade leaves a caller's OkHttpClient alone: these are ours to release.
      for (OkHttpClient http : httpClients) {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
      }
    }

    /** A client on the mock, with the recorder; {@code custom} may add headers or a client. */
    TogetherImages newClient(UnaryOperator<TogetherImages.Builder> custom) {
      TogetherImages.Builder builder =
          TogetherImages.builder()
              .apiKey("test")
              .baseUrl(baseUrl)
              .maxRetries(0)
              .connectTimeout(Duration.ofSeconds(5))
              .readTimeout(Duration.ofSeconds(30))
              .callTimeout(Duration.ofSeconds(30))
              .okHttpClient(recordingHttp());
      TogetherImages created = custom.apply(builder).build();
      clients.add(created);
      return created;
    }

    OkHttpClient recordingHttp(Interceptor... before) {
      OkHttpClient.Builder builder = new OkHttpClient.Builder();
      for (Interceptor interceptor : before) {
        builder.addInterceptor(interceptor);
      }
      OkHttpClient http = builder.addNetworkInterceptor(recorder).build();
      httpClients.add(http);
      return http;
    }

    TogetherImages client() {
      TogetherImages c = client;
      if (c == null) {
        throw new IllegalStateException("no client: requireMock did not run");
      }
      return c;
    }

    /** POSTs {@code body} to the generations path without the facade. */
    Exchange postRaw(String body, boolean withKey) throws IOException {
      Request.Builder request =
          new Request.Builder()
              .url(HttpUrl.get(baseUrl).resolve("images/generations").toString())
              .post(RequestBody.create(body, JSON_TYPE));
      if (withKey) {
        request.header("Authorization", "Bearer test");
      }
      recordingHttp().newCall(request.build()).execute().close();
      return recorder.last();
    }

    @Test
    void acceptsTheMinimalRequestAndItsResponseParses() {
      ImageGenerationResult result = client().generate("a fox");

      Exchange exchange = recorder.last();
      assertAccepted(exchange);
      assertThat(json(exchange.requestBody()))
          .containsOnlyKeys("prompt", "model", "n", "width", "height")
          .containsEntry("prompt", "a fox")
          .containsEntry("model", TogetherImages.DEFAULT_MODEL);
      assertParsedFaithfully(result, exchange);
    }

    @ParameterizedTest(name = "response_format {0}")
    @EnumSource(ResponseFormat.class)
    void acceptsARequestWithEveryOptionAndItsResponseParses(ResponseFormat format) {
      ImageGenerationRequest request =
          ImageGenerationRequest.builder("a lighthouse at dusk")
              .model("black-forest-labs/FLUX.1-schnell")
              .n(2)
              .size(768, 512)
              .steps(4)
              .seed(42)
              .negativePrompt("fog, people")
              .responseFormat(format)
              .guidanceScale(3.5)
              .outputFormat(OutputFormat.PNG)
              .imageUrl("https://example.com/input.png")
              .addImageLora("https://huggingface.co/strangerzonehf/Flux-Midjourney-Mix2-LoRA", 1.0)
              .addImageLora("https://example.com/second-lora.safetensors", 0.5)
              .referenceImages(
                  List.of("https://example.com/style-1.png", "https://example.com/style-2.png"))
              .disableSafetyChecker(true)
              .putExtra("aspect_ratio", "3:2")
              .build();

      ImageGenerationResult result = client().generate(request);

      Exchange exchange = recorder.last();
      assertAccepted(exchange);
      // Every option went over the wire, so Prism validated every one of them.
      assertThat(json(exchange.requestBody()))
          .containsOnlyKeys(
              "prompt",
              "model",
              "n",
              "width",
              "height",
              "steps",
              "seed",
              "negative_prompt",
              "response_format",
              "guidance_scale",
              "output_format",
              "image_url",
              "image_loras",
              "reference_images",
              "disable_safety_checker",
              "aspect_ratio")
          .containsEntry("response_format", format == ResponseFormat.BASE64 ? "base64" : "url")
          .containsEntry("output_format", "png");
      assertParsedFaithfully(result, exchange);
    }

    @Test
    void servesTheSpecsPathsWithoutTheServersBasePath() throws IOException {
      String body = "{\"prompt\":\"a fox\",\"model\":\"black-forest-labs/FLUX.1-schnell\"}";
      assertThat(postRaw(body, true).status()).isEqualTo(200);

      Request withBasePath =
          new Request.Builder()
              .url(HttpUrl.get(baseUrl).resolve("v1/images/generations").toString())
              .header("Authorization", "Bearer test")
              .post(RequestBody.create(body, JSON_TYPE))
              .build();
      try (Response response = recordingHttp().newCall(withBasePath).execute()) {
        assertThat(response.code()).isEqualTo(404);
      }
    }

    @Test
    void rejectsARequestWithoutTheApiKey() throws IOException {
      Exchange exchange =
          postRaw("{\"prompt\":\"a fox\",\"model\":\"black-forest-labs/FLUX.1-schnell\"}", false);

      assertThat(exchange.status()).isEqualTo(401);
    }

    /**
     * Prism's dynamic mode draws random bodies from the response schema. Each must either parse
     * into exactly what was sent, or be one the facade refuses on purpose although the schema
     * allows it: an empty {@code data} (neither spec has {@code minItems}), an image with neither
     * {@code b64_json} nor {@code url} (our spec makes both nullable and optional), or two images
     * with one index.
     */
    @Test
    void everyGeneratedResponseParsesOrIsRefusedForADocumentedReason() {
      int parsed = 0;
      int base64Images = 0;
      int urlImages = 0;
      List<String> refusals = new ArrayList<>();
      try (TogetherImages dynamic = newClient(b -> b.addHeader("Prefer", "dynamic=true"))) {
        // Bounded: at least DYNAMIC_RESPONSES bodies, more (up to 5x) until both kinds of image
        // have been parsed, which almost always happens within the first few.
        for (int i = 0;
            i < DYNAMIC_RESPONSES
                || (i < 5 * DYNAMIC_RESPONSES && (base64Images == 0 || urlImages == 0));
            i++) {
          ResponseFormat format = i % 2 == 0 ? ResponseFormat.BASE64 : ResponseFormat.URL;
          ImageGenerationRequest request =
              ImageGenerationRequest.builder("a fox " + i).responseFormat(format).build();
          ImageGenerationResult result = null;
          Throwable thrown = null;
          try {
            result = dynamic.generate(request);
          } catch (RuntimeException e) {
            thrown = e;
          }

          Exchange exchange = recorder.last();
          assertAccepted(exchange);
          String refusal = documentedRefusal(json(exchange.responseBody()));
          if (refusal != null) {
            assertThat(thrown)
                .as("response %s", exchange.responseBody())
                .isExactlyInstanceOf(MalformedResponseException.class)
                .hasMessageContaining(refusal);
            refusals.add(refusal);
            continue;
          }
          if (result == null) {
            throw new AssertionError(
                "a response the spec allows did not parse: " + exchange.responseBody(), thrown);
          }
          assertParsedFaithfully(result, exchange);
          parsed++;
          for (GeneratedImage image : result.images()) {
            if (image.isBase64()) {
              base64Images++;
            } else {
              urlImages++;
            }
          }
        }
      }
      assertThat(parsed).as("responses parsed (refused: %s)", refusals).isPositive();
      assertThat(base64Images).as("base64 images parsed").isPositive();
      assertThat(urlImages).as("url images parsed").isPositive();
    }

    // GET /models

    @Test
    void modelListRequestIsAcceptedAndItsAnswerParses() {
      List<ImageModelInfo> models = client().models();

      Exchange exchange = recorder.last();
      assertAccepted(exchange);
      assertThat(exchange.request()).isEqualTo("GET /models");
      Contracts.assertModelsParsedFaithfully(models, exchange.responseBody());
      assertThat(models)
          .isNotEmpty()
          .allSatisfy(
              model -> {
                assertThat(model.id()).isNotBlank();
                assertThat(model.type()).isNotBlank();
              });

      List<ImageModelInfo> images = client().imageModels();
      Exchange second = recorder.last();
      assertAccepted(second);
      assertThat(second.request()).isEqualTo("GET /models");
      Contracts.assertImageModelsParsedFaithfully(images, second.responseBody());
      assertThat(images).isSubsetOf(models);
    }

    @Test
    void asyncModelListsAreTheSyncOnes() throws Exception {
      List<ImageModelInfo> models = client().modelsAsync().get(30, TimeUnit.SECONDS);

      Exchange exchange = recorder.last();
      assertAccepted(exchange);
      Contracts.assertModelsParsedFaithfully(models, exchange.responseBody());
      List<ImageModelInfo> images = client().imageModelsAsync().get(30, TimeUnit.SECONDS);
      assertAccepted(recorder.last());
      Contracts.assertImageModelsParsedFaithfully(images, recorder.last().responseBody());
      // Prism's static answer is the same every time, so sync and async must read alike.
      assertThat(client().models()).isEqualTo(models);
      assertThat(client().imageModels()).isEqualTo(images);
    }

    @ParameterizedTest(name = "dedicated={0}")
    @ValueSource(strings = {"true", "false"})
    void acceptsTheDedicatedFilter(String value) throws IOException {
      Exchange exchange = getRaw("models?dedicated=" + value);

      assertAccepted(exchange);
      assertThat(Contracts.parse(exchange.responseBody())).isInstanceOf(List.class);
    }

    @ParameterizedTest(name = "dedicated={0}")
    @ValueSource(strings = {"maybe", "1", "TRUE"})
    void rejectsADedicatedFilterThatIsNotABoolean(String value) throws IOException {
      Exchange exchange = getRaw("models?dedicated=" + value);

      assertThat(exchange.status()).isEqualTo(400);
      assertThat(exchange.violations()).contains("dedicated must be boolean");
      assertThat(json(exchange.responseBody())).containsKey("error");
    }

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @MethodSource("io.github.together4j.images.contract.Contracts#modelsErrors")
    void facadeMapsEveryErrorTheModelListDeclares(
        int status, Class<? extends TogetherException> expected) {
      try (TogetherImages erring = newClient(b -> b.addHeader("Prefer", "code=" + status))) {
        Throwable thrown = catchThrowable(erring::models);

        assertMapsTheError(thrown, recorder.last(), status, expected);

        Throwable async = catchThrowable(() -> erring.imageModelsAsync().get(30, TimeUnit.SECONDS));
        assertThat(async).isInstanceOf(ExecutionException.class);
        assertThat(async.getCause()).isExactlyInstanceOf(expected);
        assertThat(((TogetherException) async.getCause()).statusCode()).isEqualTo(status);
      }
    }

    /**
     * A canary: GET /models declares 400, 401, 404, 429 and 504 only; if a spec starts declaring
     * one of these, Contracts#modelsErrors should list it.
     */
    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {403, 500, 503})
    void modelListDeclaresNoOtherError(int status) {
      try (TogetherImages erring = newClient(b -> b.addHeader("Prefer", "code=" + status))) {
        Throwable thrown = catchThrowable(erring::models);

        Exchange exchange = recorder.last();
        assertThat(exchange.status()).isEqualTo(404);
        assertThat(exchange.responseBody())
            .contains("Requested status code " + status + " is not defined in the document");
        assertThat(thrown).isExactlyInstanceOf(NotFoundException.class);
      }
    }

    /**
     * Asks Prism for {@link #DYNAMIC_RESPONSES} model lists drawn from the schema (more, up to 5x,
     * until {@code enough} holds for what has been seen); each must be accepted and parse into
     * exactly what was sent. Returns every model seen.
     */
    List<ImageModelInfo> generatedModelLists(Predicate<List<ImageModelInfo>> enough) {
      List<ImageModelInfo> seen = new ArrayList<>();
      try (TogetherImages dynamic = newClient(b -> b.addHeader("Prefer", "dynamic=true"))) {
        for (int i = 0;
            i < DYNAMIC_RESPONSES || (i < 5 * DYNAMIC_RESPONSES && !enough.test(seen));
            i++) {
          boolean imagesOnly = i % 2 == 1;
          List<ImageModelInfo> models = imagesOnly ? dynamic.imageModels() : dynamic.models();

          Exchange exchange = recorder.last();
          assertAccepted(exchange);
          if (imagesOnly) {
            Contracts.assertImageModelsParsedFaithfully(models, exchange.responseBody());
          } else {
            Contracts.assertModelsParsedFaithfully(models, exchange.responseBody());
          }
          seen.addAll(models);
        }
      }
      assertThat(seen).as("models parsed from generated lists").isNotEmpty();
      return seen;
    }

    /** GETs {@code pathAndQuery} (relative to the mock's root) with the key, without the facade. */
    Exchange getRaw(String pathAndQuery) throws IOException {
      Request request =
          new Request.Builder()
              .url(HttpUrl.get(baseUrl).resolve(pathAndQuery).toString())
              .header("Authorization", "Bearer test")
              .build();
      recordingHttp().newCall(request).execute().close();
      return recorder.last();
    }
  }

  /** Every error status openapi/images.yaml declares, and the exception the README maps it to. */
  static Stream<Arguments> declaredErrors() {
    return Stream.of(
        Arguments.of(400, BadRequestException.class),
        Arguments.of(401, AuthenticationException.class),
        Arguments.of(403, PermissionDeniedException.class),
        Arguments.of(404, NotFoundException.class),
        Arguments.of(429, RateLimitException.class),
        Arguments.of(500, ServerException.class),
        Arguments.of(503, ServerException.class));
  }

  /** The reason the facade refuses a schema-valid body, as its message says it, or null. */
  static @Nullable String documentedRefusal(Map<String, Object> body) {
    List<?> data = (List<?>) body.get("data");
    if (data.isEmpty()) {
      return "has no images: data is empty";
    }
    Set<Integer> indexes = new HashSet<>();
    for (Object item : data) {
      Map<String, Object> image = map(item);
      if (image.get("b64_json") == null && image.get("url") == null) {
        return "has neither b64_json nor url";
      }
      if (!indexes.add(((Number) image.get("index")).intValue())) {
        return "two images with index";
      }
    }
    return null;
  }

  /**
   * The facade threw exactly {@code expected} for a valid request Prism answered with {@code
   * status}, carrying the ErrorData Prism sent, after one attempt.
   */
  static void assertMapsTheError(
      Throwable thrown,
      Exchange exchange,
      int status,
      Class<? extends TogetherException> expected) {
    assertThat(exchange.status()).isEqualTo(status);
    assertThat(exchange.violations()).as("the request itself was valid").isNull();
    assertThat(thrown).isExactlyInstanceOf(expected);
    TogetherException e = (TogetherException) thrown;
    Map<String, Object> error = map(json(exchange.responseBody()).get("error"));
    assertThat(e.statusCode()).isEqualTo(status);
    assertThat(e.errorType()).isEqualTo(error.get("type"));
    assertThat(e.serverMessage()).isEqualTo(error.get("message"));
    assertThat(e.param()).isEqualTo(error.get("param"));
    assertThat(e.errorCode()).isEqualTo(error.get("code"));
    assertThat(e.attempts()).isEqualTo(1);
  }

  /** Prism validated the request and answered it from the spec, with no violation of either. */
  static void assertAccepted(Exchange exchange) {
    assertThat(exchange.violations())
        .as("sl-violations for %s; response %s", exchange.requestBody(), exchange.responseBody())
        .isNull();
    assertThat(exchange.status())
        .as("status for %s; response %s", exchange.requestBody(), exchange.responseBody())
        .isEqualTo(200);
  }

  /** The facade's result holds exactly what Prism sent: metadata and each image, by index. */
  static void assertParsedFaithfully(ImageGenerationResult result, Exchange exchange) {
    Map<String, Object> body = json(exchange.responseBody());
    assertThat(result.id()).isEqualTo(body.get("id"));
    assertThat(result.model()).isEqualTo(body.get("model"));
    assertThat(result.object()).isEqualTo("list").isEqualTo(body.get("object"));
    List<Map<String, Object>> data =
        ((List<?>) body.get("data"))
            .stream()
                .map(PrismContractTest::map)
                .sorted(Comparator.comparingInt(item -> ((Number) item.get("index")).intValue()))
                .toList();
    assertThat(result.images()).isNotEmpty().hasSameSizeAs(data);
    for (int i = 0; i < data.size(); i++) {
      GeneratedImage image = result.images().get(i);
      Map<String, Object> item = data.get(i);
      assertThat(image.index()).isEqualTo(((Number) item.get("index")).intValue());
      assertThat(image.b64Json()).isEqualTo(item.get("b64_json"));
      assertThat(image.url()).isEqualTo(item.get("url"));
      assertThat(image.isBase64() || image.isUrl()).isTrue();
    }
  }

  static Map<String, Object> json(String text) {
    try {
      Map<String, Object> parsed = JSON.fromJson(text);
      if (parsed == null) {
        throw new AssertionError("JSON null: " + text);
      }
      return parsed;
    } catch (IOException e) {
      throw new UncheckedIOException("not a JSON object: " + text, e);
    }
  }

  @SuppressWarnings("unchecked") // Moshi reads JSON objects as Map<String, Object>.
  static Map<String, Object> map(@Nullable Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  /** Whether something accepts connections at the URL's host and port (loopback, 1 s). */
  static boolean answers(HttpUrl url) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(url.host(), url.port()), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** One HTTP exchange as it went over the wire; {@code request} is its method, path and query. */
  record Exchange(
      String request,
      String requestBody,
      int status,
      @Nullable String violations,
      String contentType,
      String responseBody) {}

  /** A network interceptor that keeps every exchange, bodies included. */
  static final class Recorder implements Interceptor {
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      String requestBody = "";
      RequestBody body = request.body();
      if (body != null) {
        Buffer buffer = new Buffer();
        body.writeTo(buffer);
        requestBody = buffer.readUtf8();
      }
      Response response = chain.proceed(request);
      String query = request.url().encodedQuery();
      exchanges.add(
          new Exchange(
              request.method()
                  + " "
                  + request.url().encodedPath()
                  + (query == null ? "" : "?" + query),
              requestBody,
              response.code(),
              response.header("sl-violations"),
              response.header("Content-Type", ""),
              response.peekBody(16L * 1024 * 1024).string()));
      return response;
    }

    Exchange last() {
      assertThat(exchanges).as("exchanges recorded").isNotEmpty();
      return exchanges.get(exchanges.size() - 1);
    }
  }

  /** Replaces the request's {@code n} with a string, which both specs forbid. */
  static final class BreakN implements Interceptor {
    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      RequestBody body = request.body();
      if (body == null) {
        return chain.proceed(request);
      }
      Buffer buffer = new Buffer();
      body.writeTo(buffer);
      String json = buffer.readUtf8();
      String broken = json.replaceFirst("\"n\":\\d+", "\"n\":\"many\"");
      if (broken.equals(json)) {
        throw new IllegalStateException("no \"n\" to break in " + json);
      }
      RequestBody replaced = RequestBody.create(broken, JSON_TYPE);
      return chain.proceed(request.newBuilder().method(request.method(), replaced).build());
    }
  }
}
