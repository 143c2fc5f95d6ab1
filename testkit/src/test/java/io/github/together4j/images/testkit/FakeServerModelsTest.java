package io.github.together4j.images.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.ApiConnectionException;
import io.github.together4j.images.AuthenticationException;
import io.github.together4j.images.BadRequestException;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageModelInfo;
import io.github.together4j.images.MalformedResponseException;
import io.github.together4j.images.NotFoundException;
import io.github.together4j.images.RateLimitException;
import io.github.together4j.images.ServerException;
import io.github.together4j.images.TogetherException;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.generated.model.ModelInfo;
import io.github.together4j.images.generated.model.Pricing;
import io.github.together4j.images.testkit.internal.SpecValidator;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The fake server's {@code GET /v1/models}: on the wire, configured, faulted, and via the client.
 */
class FakeServerModelsTest extends FakeServerTestBase {

  private static final SpecValidator SPEC = SpecValidator.fromClasspath();

  /** The default list's image models, sorted by id as the client sorts them. */
  private static final List<String> DEFAULT_IMAGE_IDS =
      List.of(
          "black-forest-labs/FLUX.1-dev",
          "black-forest-labs/FLUX.1-kontext-pro",
          "black-forest-labs/FLUX.1-schnell",
          "black-forest-labs/FLUX.1-schnell-Free",
          "black-forest-labs/FLUX.1.1-pro");

  // ---------------------------------------------------------------------------------------------
  // On the wire

  @Test
  void defaultListIsServedAsTheSpecsModelInfoList() {
    Reply reply = models(server, "");

    assertThat(reply.code()).as(reply.body()).isEqualTo(200);
    assertThat(reply.headers().get("Content-Type")).startsWith("application/json");
    assertThat(reply.headers().get("x-request-id")).startsWith("fake-req-");
    Object json = parse(reply.body());
    assertThat(SPEC.validate("ModelInfoList", json)).isEmpty();
    assertThat((List<?>) json)
        .extracting(entry -> object(entry).get("id"))
        .containsExactlyElementsOf(
            FakeTogetherServer.DEFAULT_MODELS.stream().map(ModelInfo::id).toList());
  }

  @Test
  void defaultListLooksLikeTheLiveApi() {
    List<Map<String, Object>> entries = entries(models(server, ""));

    assertThat(entries)
        .extracting(entry -> entry.get("id") + " " + entry.get("type"))
        .containsExactlyInAnyOrder(
            "black-forest-labs/FLUX.1-schnell-Free image",
            "black-forest-labs/FLUX.1-schnell image",
            "black-forest-labs/FLUX.1-dev image",
            "black-forest-labs/FLUX.1.1-pro image",
            "black-forest-labs/FLUX.1-kontext-pro image",
            "meta-llama/Llama-3.3-70B-Instruct-Turbo chat",
            "BAAI/bge-large-en-v1.5 embedding",
            "openai/whisper-large-v3 transcribe");
    Instant since = Instant.parse("2023-01-01T00:00:00Z");
    for (Map<String, Object> entry : entries) {
      assertThat(entry).as("%s", entry.get("id")).containsEntry("object", "model");
      assertThat(entry.get("display_name")).as("%s", entry.get("id")).isNotNull();
      assertThat(entry.get("organization")).as("%s", entry.get("id")).isNotNull();
      assertThat(Instant.ofEpochSecond(((Number) entry.get("created")).longValue()))
          .as("created of %s, in seconds", entry.get("id"))
          .isAfter(since)
          .isBefore(Instant.now());
      assertThat(object(entry.get("pricing")))
          .containsOnlyKeys("hourly", "input", "output", "base", "finetune");
    }
    Map<String, Object> free = entry(entries, "black-forest-labs/FLUX.1-schnell-Free");
    assertThat(free)
        .containsEntry("display_name", "FLUX.1 [schnell] Free")
        .containsEntry("organization", "Black Forest Labs")
        .containsEntry("license", "apache-2.0");
    assertThat(object(free.get("pricing")).values()).containsOnly(0.0);
    assertThat(object(entry(entries, "meta-llama/Llama-3.3-70B-Instruct-Turbo").get("pricing")))
        .containsEntry("input", 0.88);
    assertThat(entry(entries, "black-forest-labs/FLUX.1-kontext-pro"))
        .as("optional properties left out, as the live API does for some models")
        .doesNotContainKeys("link", "license", "context_length");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Bearer wrong-key", "fake-together-key", "Basic fake-together-key"})
  void missingOrWrongKeyIs401ErrorData(String authorization) {
    Reply reply = models(server, "", authorization.isEmpty() ? null : authorization);

    assertThat(reply.code()).isEqualTo(401);
    assertThat(SPEC.validate("ErrorData", parse(reply.body()))).isEmpty();
    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(error)
        .containsEntry("type", "invalid_request_error")
        .containsEntry("code", "invalid_api_key")
        .containsEntry("param", null);
    assertThat(error.get("message")).asString().startsWith("Invalid API key provided");
  }

  @Test
  void keyIsCheckedAsForGenerationsAndBeforeTheQuery() {
    assertThat(models(server, "", "bearer  fake-together-key").code()).isEqualTo(200);
    assertThat(models(server, "?dedicated=maybe", "Bearer wrong").code()).isEqualTo(401);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "?dedicated=false", "?other=1", "?dedicated=false&other=x"})
  void withoutDedicatedOrWithFalseEveryModelIsListed(String query) {
    assertThat(entries(models(server, query))).hasSize(FakeTogetherServer.DEFAULT_MODELS.size());
  }

  @Test
  void dedicatedTrueListsNoModelsForThisServerHasNoDedicatedEndpoints() {
    Reply reply = models(server, "?dedicated=true");

    assertThat(reply.code()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("[]");
  }

  static Stream<Arguments> badDedicated() {
    return Stream.of(
        Arguments.of("?dedicated=yes", "got \"yes\""),
        Arguments.of("?dedicated=1", "got \"1\""),
        Arguments.of("?dedicated=True", "got \"True\""),
        Arguments.of("?dedicated=", "got \"\""),
        Arguments.of("?dedicated", "got no value"),
        Arguments.of("?dedicated=true&dedicated=false", "got 2 values [true, false]"));
  }

  @ParameterizedTest
  @MethodSource("badDedicated")
  void dedicatedOtherThanTrueOrFalseIs400NamingIt(String query, String got) {
    Reply reply = models(server, query);

    assertThat(reply.code()).isEqualTo(400);
    assertThat(SPEC.validate("ErrorData", parse(reply.body()))).isEmpty();
    assertThat(object(reply.json().get("error")))
        .containsEntry("type", "invalid_request_error")
        .containsEntry("param", "dedicated")
        .containsEntry("message", "dedicated must be a boolean, true or false, " + got);
  }

  @Test
  void theSpecsModelsOperationHasOnlyTheBooleanDedicated() throws IOException {
    // The server reads dedicated by hand; a new parameter or type in the spec must be served too.
    Map<String, Object> spec;
    try (InputStream in =
        SpecValidator.class.getResourceAsStream(SpecValidator.CLASSPATH_RESOURCE)) {
      spec = new Yaml().load(in);
    }
    Object parameters =
        object(object(object(spec.get("paths")).get("/models")).get("get")).get("parameters");

    assertThat(parameters)
        .isEqualTo(
            List.of(
                Map.of(
                    "name",
                    "dedicated",
                    "in",
                    "query",
                    "description",
                    "If true, lists only dedicated models.",
                    "schema",
                    Map.of("type", "boolean"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH"})
  void otherMethodsOnModelsAre405AndNotRecorded(String method) {
    Request request =
        new Request.Builder()
            .url(server.baseUrl() + "models")
            .header("Authorization", "Bearer " + server.apiKey())
            .method(
                method, method.equals("DELETE") ? null : RequestBody.create("{}", APPLICATION_JSON))
            .build();

    Reply reply = call(request);

    assertThat(reply.code()).isEqualTo(405);
    assertThat(object(reply.json().get("error")))
        .containsEntry("type", "invalid_request_error")
        .containsEntry("message", method + " is not allowed: use GET");
    assertThat(server.modelsRequestCount()).isZero();
    assertThat(server.takeRequest(Duration.ZERO)).isNull();
  }

  @Test
  void modelListRequestsAreRecordedWithTheKeyRedacted() {
    models(server, "?dedicated=false");
    models(server, "", "Bearer not-the-key");

    RecordedImageRequest listed = server.takeRequest();
    RecordedImageRequest refused = server.takeRequest();

    assertThat(listed.method()).isEqualTo("GET");
    assertThat(listed.path()).isEqualTo("/v1/models");
    assertThat(listed.queryParameter("dedicated")).isEqualTo("false");
    assertThat(listed.queryParameter("other")).isNull();
    assertThat(listed.authorized()).isTrue();
    assertThat(listed.header("Authorization")).isEqualTo("Bearer <redacted>");
    assertThat(listed.headers().toString()).doesNotContain(server.apiKey());
    assertThat(listed.body()).isEmpty();
    assertThat(listed.json()).isNull();
    assertThat(listed.toString()).isEqualTo("GET /v1/models?dedicated=false");
    assertThat(refused.authorized()).isFalse();
    assertThat(refused.headers().toString()).doesNotContain("not-the-key");
    assertThat(refused.toString()).isEqualTo("GET /v1/models");
  }

  @Test
  void modelListsAndGenerationsAreRecordedInArrivalOrderAndCountedApart() {
    models(server, "");
    post(server, MINIMAL_SMALL);
    models(server, "", null);

    assertThat(List.of(server.takeRequest(), server.takeRequest(), server.takeRequest()))
        .extracting(RecordedImageRequest::path)
        .containsExactly("/v1/models", "/v1/images/generations", "/v1/models");
    assertThat(server.modelsRequestCount()).isEqualTo(2);
    assertThat(server.requestCount()).as("generations only").isEqualTo(1);

    server.reset();

    assertThat(server.modelsRequestCount()).isZero();
  }

  // ---------------------------------------------------------------------------------------------
  // A configured list

  @Test
  void configuredListIsServedInItsOrderWithUnsetPropertiesLeftOut() {
    List<ModelInfo> custom =
        List.of(
            model("zeta/painter", "image"),
            model("acme/speaker", "audio"),
            model("acme/painter", "image").toBuilder()
                .displayName("Painter")
                .contextLength(77)
                .pricing(price(0.5))
                .build());
    try (FakeTogetherServer configured = FakeTogetherServer.builder().models(custom).start()) {
      Reply reply = models(configured, "");

      assertThat(SPEC.validate("ModelInfoList", parse(reply.body()))).isEmpty();
      List<Map<String, Object>> entries = entries(reply);
      assertThat(entries)
          .extracting(e -> e.get("id"))
          .containsExactly("zeta/painter", "acme/speaker", "acme/painter");
      assertThat(entries.get(0))
          .containsOnlyKeys("id", "object", "created", "type")
          .containsEntry("object", "model")
          .containsEntry("created", 1.7e9);
      assertThat(entries.get(2))
          .containsEntry("display_name", "Painter")
          .containsEntry("context_length", 77.0);
      assertThat(object(entries.get(2).get("pricing"))).containsEntry("base", 0.5);
      assertThat(configured.models()).isEqualTo(custom);
    }
  }

  @Test
  void configuredListIsCopiedAndUnmodifiable() {
    List<ModelInfo> custom = new ArrayList<>(List.of(model("acme/painter", "image")));
    FakeTogetherServer.Builder builder = FakeTogetherServer.builder().models(custom);
    custom.add(model("acme/late", "image"));

    try (FakeTogetherServer configured = builder.start()) {
      assertThat(entries(models(configured, ""))).hasSize(1);
      assertThatThrownBy(() -> configured.models().add(model("x/y", "image")))
          .isInstanceOf(UnsupportedOperationException.class);
    }
    assertThatThrownBy(() -> FakeTogetherServer.DEFAULT_MODELS.clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void emptyListIsServedAsAnEmptyArray() {
    try (FakeTogetherServer empty = FakeTogetherServer.builder().models(List.of()).start();
        TogetherImages client = empty.newClient()) {
      assertThat(models(empty, "").body()).isEqualTo("[]");
      assertThat(client.imageModels()).isEmpty();
    }
  }

  @Test
  void entryWhoseObjectIsNotModelIsRefusedNamingEntryAndField() {
    List<ModelInfo> custom =
        List.of(
            model("acme/painter", "image"),
            model("acme/odd", "image").toBuilder()
                .object(ModelInfo.ObjectEnum.UNKNOWN_DEFAULT_OPEN_API)
                .build());

    assertThatThrownBy(() -> FakeTogetherServer.builder().models(custom))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "models[1] (acme/odd) does not match the spec's ModelInfo: models[1].object must be"
                + " one of [model], got \"unknown_default_open_api\"");
  }

  @Test
  void priceThatIsNotFiniteIsRefusedNamingEachField() {
    Pricing broken =
        price(0.0).toBuilder().base(Double.NaN).hourly(Double.POSITIVE_INFINITY).build();
    List<ModelInfo> custom =
        List.of(model("acme/painter", "image").toBuilder().pricing(broken).build());

    assertThatThrownBy(() -> FakeTogetherServer.builder().models(custom))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("models[0] (acme/painter) does not match the spec's ModelInfo: ")
        .hasMessageContaining("models[0].pricing.hourly must be a number, got Infinity")
        .hasMessageContaining("models[0].pricing.base must be a number, got NaN");
  }

  @Test
  void nullListOrEntryIsRefused() {
    List<ModelInfo> withNull = new ArrayList<>();
    withNull.add(model("acme/painter", "image"));
    withNull.add(null);

    assertThatThrownBy(() -> FakeTogetherServer.builder().models(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("models == null");
    assertThatThrownBy(() -> FakeTogetherServer.builder().models(withNull))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("models[1] is null");
  }

  @Test
  void answerThatWouldBreakTheSpecIsRefusedBeforeItIsSent() {
    // Builder.models(…) refuses these; the answer is checked again as it is sent.
    ModelInfo odd =
        model("acme/odd", "image").toBuilder()
            .object(ModelInfo.ObjectEnum.UNKNOWN_DEFAULT_OPEN_API)
            .build();
    ModelInfo nan = model("acme/nan", "image").toBuilder().pricing(price(Double.NaN)).build();

    assertThatThrownBy(() -> ModelCatalog.answer(List.of(odd), SPEC))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "the fake server's GET /v1/models answer breaks the spec: models[0].object must be"
                + " one of [model], got \"unknown_default_open_api\"");
    assertThatThrownBy(() -> ModelCatalog.answer(List.of(nan), SPEC))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot write its model list");
    assertThat(ModelCatalog.answer(FakeTogetherServer.DEFAULT_MODELS, SPEC))
        .startsWith("[{\"id\":");
  }

  // ---------------------------------------------------------------------------------------------
  // Faults

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 404, 429, 503, 504})
  void errorFaultOnModelsIsSentAsErrorData(int status) {
    server.enqueueModels(
        Fault.error(status, "some_error", "status " + status).withParam("dedicated"));

    Reply reply = models(server, "");

    assertThat(reply.code()).isEqualTo(status);
    assertThat(SPEC.validate("ErrorData", parse(reply.body()))).isEmpty();
    assertThat(object(reply.json().get("error")))
        .containsEntry("type", "some_error")
        .containsEntry("message", "status " + status)
        .containsEntry("param", "dedicated");
    assertThat(models(server, "").code()).as("one request per fault").isEqualTo(200);
  }

  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of(400, BadRequestException.class),
        Arguments.of(401, AuthenticationException.class),
        Arguments.of(404, NotFoundException.class),
        Arguments.of(429, RateLimitException.class),
        Arguments.of(504, ServerException.class));
  }

  @ParameterizedTest
  @MethodSource("statuses")
  void errorFaultOnModelsReachesTheClientAsItsException(
      int status, Class<? extends TogetherException> type) {
    server.enqueueModels(Fault.error(status, "some_error", "status " + status));

    assertThatThrownBy(() -> noRetries().imageModels())
        .isExactlyInstanceOf(type)
        .isInstanceOfSatisfying(
            TogetherException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(status);
              assertThat(e.serverMessage()).isEqualTo("status " + status);
            });
  }

  @Test
  void rateLimitedOnModelsSendsRetryAfterThenListsAgain() {
    server.enqueueModels(Fault.rateLimited(Duration.ofMillis(1_500)));

    Reply limited = models(server, "");
    Reply next = models(server, "");

    assertThat(limited.code()).isEqualTo(429);
    assertThat(limited.headers().values("Retry-After")).containsExactly("2");
    assertThat(object(limited.json().get("error"))).containsEntry("type", "rate_limit_exceeded");
    assertThat(next.code()).isEqualTo(200);
  }

  @Test
  void generationFaultEnqueuedAsBeforeDoesNotHitAModelList() {
    server.enqueue(Fault.overloaded());

    assertThat(models(server, "").code()).isEqualTo(200);
    assertThat(post(server, MINIMAL_SMALL).code()).isEqualTo(503);
    assertThat(post(server, MINIMAL_SMALL).code()).isEqualTo(200);
  }

  @Test
  void modelsFaultDoesNotHitAGeneration() {
    server.enqueueModels(Fault.overloaded());

    assertThat(post(server, MINIMAL_SMALL).code()).isEqualTo(200);
    assertThat(models(server, "").code()).isEqualTo(503);
    assertThat(models(server, "").code()).isEqualTo(200);
  }

  @Test
  void modelsFaultsApplyInOrderOnePerRequestEvenUnauthorized() {
    server
        .enqueueModels(Fault.error(404, "not_found", "gone"))
        .enqueueModels(Fault.htmlPage(502))
        .enqueueModels(Fault.delay(Duration.ZERO));

    assertThat(models(server, "", null).code())
        .as("a fault answers before the key check")
        .isEqualTo(404);
    assertThat(models(server, "").headers().get("Content-Type")).isEqualTo("text/html");
    assertThat(models(server, "", null).code()).as("delay answers normally: 401").isEqualTo(401);
    assertThat(models(server, "").code()).isEqualTo(200);
  }

  @ParameterizedTest
  @MethodSource("imageFaults")
  void faultsThatChangeImagesAreRefusedOnModels(Fault fault) {
    assertThatThrownBy(() -> server.enqueueModels(fault))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            fault
                + " changes the images of a generation and a model list has none;"
                + " enqueue it with enqueue(Fault)");
    assertThat(models(server, "").code()).as("nothing was enqueued").isEqualTo(200);
  }

  static Stream<Fault> imageFaults() {
    return Stream.of(
        Fault.malformedBase64(),
        Fault.malformedBase64(1),
        Fault.urlNotFound(),
        Fault.urlRedirectLoop());
  }

  @Test
  void enqueueModelsRefusesNull() {
    assertThatThrownBy(() -> server.enqueueModels(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("fault == null");
  }

  @Test
  void malformedJsonOnModelsIsTheListCutInHalf() {
    server.enqueueModels(Fault.malformedJson());

    Reply reply = models(server, "");

    String whole = ModelCatalog.answer(FakeTogetherServer.DEFAULT_MODELS, SPEC);
    assertThat(reply.code()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo(whole.substring(0, whole.length() / 2));
  }

  @Test
  void malformedJsonOnModelsIsAMalformedResponseAndNotRetried() {
    server.enqueueModels(Fault.malformedJson());
    TogetherImages client = track(server.clientBuilder().maxRetries(2).build());

    assertThatThrownBy(client::imageModels)
        .isInstanceOfSatisfying(
            MalformedResponseException.class, e -> assertThat(e.statusCode()).isEqualTo(200));
    assertThat(server.modelsRequestCount()).isEqualTo(1);
  }

  @Test
  void delayOnModelsAnswersTheListLate() {
    server.enqueueModels(Fault.delay(Duration.ofMillis(300)));

    long start = System.nanoTime();
    Reply reply = models(server, "");

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(entries(reply)).hasSize(FakeTogetherServer.DEFAULT_MODELS.size());
  }

  @Test
  void slowBodyOnModelsStillAnswersTheWholeList() {
    server.enqueueModels(Fault.slowBody(512, Duration.ofMillis(5)));

    assertThat(entries(models(server, ""))).hasSize(FakeTogetherServer.DEFAULT_MODELS.size());
  }

  @Test
  void dropMidBodyOnModelsIsAConnectionFailureThenARetrySucceeds() {
    server.enqueueModels(Fault.dropMidBody()).enqueueModels(Fault.dropMidBody());

    assertThatThrownBy(() -> noRetries().models())
        .isInstanceOfSatisfying(
            ApiConnectionException.class, e -> assertThat(e.statusCode()).isEqualTo(200));
    assertThat(track(server.clientBuilder().maxRetries(1).build()).models()).hasSize(8);
    assertThat(server.modelsRequestCount()).isEqualTo(3);
  }

  @Test
  void disconnectOnModelsIsRetried() {
    server.enqueueModels(Fault.disconnect());

    assertThat(track(server.clientBuilder().maxRetries(1).build()).imageModels()).hasSize(5);
    assertThat(server.modelsRequestCount()).isEqualTo(2);
  }

  @Test
  void resetForgetsModelsFaults() {
    server.enqueueModels(Fault.overloaded());

    server.reset();

    assertThat(models(server, "").code()).isEqualTo(200);
  }

  // ---------------------------------------------------------------------------------------------
  // Through the client

  @Test
  void imageModelsAreExactlyTheImageEntriesSortedById() {
    List<ImageModelInfo> images = track(server.newClient()).imageModels();

    assertThat(images).extracting(ImageModelInfo::id).containsExactlyElementsOf(DEFAULT_IMAGE_IDS);
    assertThat(images).allMatch(ImageModelInfo::isImage);
  }

  @Test
  void imageModelsAsyncAgreesWithImageModels() throws Exception {
    TogetherImages client = track(server.newClient());

    assertThat(client.imageModelsAsync().get()).isEqualTo(client.imageModels());
  }

  @Test
  void modelsIncludesEveryTypeAndTheUnknownOneAsSent() {
    List<ImageModelInfo> all = track(server.newClient()).models();

    assertThat(all).hasSize(8);
    assertThat(all).extracting(ImageModelInfo::id).isSorted();
    ImageModelInfo whisper =
        all.stream()
            .filter(m -> m.id().equals("openai/whisper-large-v3"))
            .findFirst()
            .orElseThrow();
    assertThat(whisper.type()).isEqualTo("transcribe");
    assertThat(whisper.isImage()).isFalse();
    assertThat(all)
        .extracting(ImageModelInfo::raw)
        .as("every property survives the round trip")
        .containsExactlyInAnyOrderElementsOf(FakeTogetherServer.DEFAULT_MODELS);
  }

  @Test
  void modelPropertiesReachTheClient() {
    List<ImageModelInfo> images = track(server.newClient()).imageModels();
    ImageModelInfo schnell =
        images.get(DEFAULT_IMAGE_IDS.indexOf("black-forest-labs/FLUX.1-schnell"));
    ImageModelInfo kontext =
        images.get(DEFAULT_IMAGE_IDS.indexOf("black-forest-labs/FLUX.1-kontext-pro"));

    assertThat(schnell.displayName()).isEqualTo("FLUX.1 [schnell]");
    assertThat(schnell.organization()).isEqualTo("Black Forest Labs");
    assertThat(schnell.license()).isEqualTo("apache-2.0");
    assertThat(schnell.pricing()).isEqualTo(new ImageModelInfo.Pricing(0, 0, 0, 0.0027, 0));
    assertThat(schnell.created()).isEqualTo(Instant.ofEpochSecond(1727827201L));
    assertThat(kontext.link()).isNull();
    assertThat(kontext.license()).isNull();
    assertThat(kontext.contextLength()).isNull();
  }

  @Test
  void imageModelsOfAConfiguredListAreExactlyItsImageEntries() {
    List<ModelInfo> custom = new ArrayList<>(FakeTogetherServer.DEFAULT_MODELS);
    custom.add(model("acme/painter-2", "image"));
    custom.add(model("acme/video-1", "video"));
    try (FakeTogetherServer configured = FakeTogetherServer.builder().models(custom).start();
        TogetherImages client = configured.newClient()) {
      assertThat(client.imageModels())
          .extracting(ImageModelInfo::id)
          .containsExactly(
              "acme/painter-2",
              "black-forest-labs/FLUX.1-dev",
              "black-forest-labs/FLUX.1-kontext-pro",
              "black-forest-labs/FLUX.1-schnell",
              "black-forest-labs/FLUX.1-schnell-Free",
              "black-forest-labs/FLUX.1.1-pro");
      assertThat(client.models()).hasSize(10);
    }
  }

  @Test
  void overloadedModelsIsRetriedByTheClient() {
    server.enqueueModels(Fault.overloaded().withRetryAfter(Duration.ZERO));
    TogetherImages client = track(server.clientBuilder().maxRetries(1).build());

    assertThat(client.imageModels())
        .extracting(ImageModelInfo::id)
        .containsExactlyElementsOf(DEFAULT_IMAGE_IDS);
    assertThat(server.modelsRequestCount()).isEqualTo(2);
    assertThat(List.of(server.takeRequest(), server.takeRequest()))
        .extracting(RecordedImageRequest::toString)
        .containsExactly("GET /v1/models", "GET /v1/models");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void overloadedModelsWithoutRetriesIsAServerException() {
    server.enqueueModels(Fault.overloaded());

    assertThatThrownBy(() -> noRetries().imageModels())
        .isInstanceOfSatisfying(
            ServerException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(503);
              assertThat(e.errorType()).isEqualTo("server_overloaded");
              assertThat(e.attempts()).isEqualTo(1);
            });
  }

  @Test
  void clientWithAWrongKeyGetsAnAuthenticationException() {
    TogetherImages client = track(server.clientBuilder().apiKey("wrong-key").maxRetries(0).build());

    assertThatThrownBy(client::imageModels).isInstanceOf(AuthenticationException.class);
    assertThat(server.takeRequest().authorized()).isFalse();
  }

  @Test
  void unknownModelOfAGenerationNamesTheClosestListedImageModels() {
    TogetherImages client = noRetries();
    client.imageModels();
    server.enqueue(
        Fault.error(
                404,
                "invalid_request_error",
                "Unable to access model black-forest-labs/FLUX.1-schnel")
            .withParam("model"));

    assertThatThrownBy(
            () ->
                client.generate(
                    ImageGenerationRequest.builder("a fox")
                        .model("black-forest-labs/FLUX.1-schnel")
                        .size(8, 8)
                        .build()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("the closest image models: black-forest-labs/FLUX.1-schnell, ");
  }

  // ---------------------------------------------------------------------------------------------

  private TogetherImages noRetries() {
    return track(server.clientBuilder().maxRetries(0).build());
  }

  /** A GET of the target's model list with {@code query} (empty or {@code ?…}), with its key. */
  static Reply models(FakeTogetherServer target, String query) {
    return models(target, query, "Bearer " + target.apiKey());
  }

  static Reply models(FakeTogetherServer target, String query, @Nullable String authorization) {
    Request.Builder request = new Request.Builder().url(target.baseUrl() + "models" + query);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return call(request.build());
  }

  /** The entries of a 200 model list. */
  static List<Map<String, Object>> entries(Reply reply) {
    assertThat(reply.code()).as(reply.body()).isEqualTo(200);
    List<Map<String, Object>> entries = new ArrayList<>();
    for (Object entry : (List<?>) parse(reply.body())) {
      entries.add(object(entry));
    }
    return entries;
  }

  private static Map<String, Object> entry(List<Map<String, Object>> entries, String id) {
    return entries.stream().filter(e -> id.equals(e.get("id"))).findFirst().orElseThrow();
  }

  /** A model with only the required properties, added on 2023-11-14. */
  static ModelInfo model(String id, String type) {
    return ModelInfo.builder()
        .id(id)
        .object(ModelInfo.ObjectEnum.MODEL)
        .created(1_700_000_000L)
        .type(type)
        .build();
  }

  private static Pricing price(double base) {
    return Pricing.builder().hourly(0.0).input(0.0).output(0.0).base(base).finetune(0.0).build();
  }
}
