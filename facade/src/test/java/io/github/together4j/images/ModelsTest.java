package io.github.together4j.images;

import static io.github.together4j.images.TestApi.API_KEY;
import static io.github.together4j.images.TestApi.OK_BODY;
import static io.github.together4j.images.TestApi.json;
import static io.github.together4j.images.TestApi.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link TogetherImages#models()} and {@link TogetherImages#imageModels()}: GET /models. */
class ModelsTest {
  /** Together's answer, out of order, with a type the spec does not list and sparse entries. */
  static final String MODELS =
      """
      [
        {"id":"black-forest-labs/FLUX.1-schnell","object":"model","created":1733184000,\
      "type":"image","display_name":"FLUX.1 [schnell]","organization":"Black Forest Labs",\
      "link":"https://huggingface.co/black-forest-labs/FLUX.1-schnell","license":"apache-2.0",\
      "context_length":0,"running":false,\
      "pricing":{"hourly":0,"input":0,"output":0,"base":0.0027,"finetune":0}},
        {"id":"meta-llama/Llama-3.3-70B-Instruct-Turbo","object":"model","created":1733443200,\
      "type":"chat","display_name":"Llama 3.3 70B","organization":"Meta","context_length":131072,\
      "pricing":{"hourly":0,"input":0.88,"output":0.88,"base":0,"finetune":0}},
        {"id":"black-forest-labs/FLUX.1-dev","object":"model","created":1733184000,\
      "type":"image","display_name":"FLUX.1 [dev]","organization":"Black Forest Labs"},
        {"id":"openai/whisper-large-v3","object":"model","created":0,"type":"transcribe",\
      "link":null},
        {"id":"black-forest-labs/FLUX.1-schnell-Free","object":"model","created":1733184000,\
      "type":"image","display_name":"FLUX.1 [schnell] Free","organization":"Black Forest Labs"},
        {"id":"black-forest-labs/FLUX.1.1-pro","object":"model","created":1733184000,\
      "type":"image","display_name":"FLUX1.1 [pro]","organization":"Black Forest Labs"}
      ]""";

  @StartStop private final MockWebServer server = new MockWebServer();
  @RegisterExtension final TestClients clients = new TestClients();
  @TempDir Path dir;

  private TogetherImages client(int maxRetries) {
    return clients.client(server, maxRetries);
  }

  @Test
  void imageModelsAreTheImageEntriesSortedById() throws Exception {
    server.enqueue(json(200, MODELS));

    List<ImageModelInfo> models = client(0).imageModels();

    assertThat(models)
        .extracting(ImageModelInfo::id)
        .containsExactly(
            "black-forest-labs/FLUX.1-dev",
            "black-forest-labs/FLUX.1-schnell",
            "black-forest-labs/FLUX.1-schnell-Free",
            "black-forest-labs/FLUX.1.1-pro");
    assertThat(models).allSatisfy(model -> assertThat(model.isImage()).isTrue());
    ImageModelInfo schnell = models.get(1);
    assertThat(schnell.displayName()).isEqualTo("FLUX.1 [schnell]");
    assertThat(schnell.organization()).isEqualTo("Black Forest Labs");
    assertThat(schnell.link()).isEqualTo("https://huggingface.co/black-forest-labs/FLUX.1-schnell");
    assertThat(schnell.license()).isEqualTo("apache-2.0");
    assertThat(schnell.contextLength()).isZero();
    assertThat(schnell.created()).isEqualTo(Instant.ofEpochSecond(1733184000));
    assertThat(schnell.pricing()).isEqualTo(new ImageModelInfo.Pricing(0, 0, 0, 0.0027, 0));
    ImageModelInfo dev = models.get(0);
    assertThat(dev.pricing()).as("pricing the wire omits").isNull();
    assertThat(dev.link()).isNull();
    assertThat(dev.license()).isNull();
    assertThatThrownBy(() -> models.add(dev)).isInstanceOf(UnsupportedOperationException.class);

    RecordedRequest request = take(server);
    assertThat(request.getMethod()).isEqualTo("GET");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/models");
    assertThat(request.getUrl().query()).as("no dedicated filter").isNull();
    assertThat(request.getHeaders().values("Authorization")).containsExactly("Bearer " + API_KEY);
    assertThat(request.getHeaders().get("User-Agent")).startsWith("together4j/");
    assertThat(request.getBody() == null ? 0 : request.getBody().size()).isZero();
  }

  @Test
  void modelsPassEveryTypeThroughIncludingOnesTheSpecDoesNotList() {
    server.enqueue(json(200, MODELS));

    List<ImageModelInfo> models = client(0).models();

    assertThat(models).hasSize(6);
    assertThat(models)
        .extracting(ImageModelInfo::id)
        .isSortedAccordingTo(String::compareTo)
        .contains("openai/whisper-large-v3", "meta-llama/Llama-3.3-70B-Instruct-Turbo");
    ImageModelInfo whisper =
        models.stream().filter(m -> m.id().startsWith("openai/")).findFirst().orElseThrow();
    assertThat(whisper.type()).isEqualTo("transcribe");
    assertThat(whisper.isImage()).isFalse();
    assertThat(whisper.displayName()).isNull();
    assertThat(whisper.created()).isEqualTo(Instant.EPOCH);
    assertThat(whisper.raw().id()).isEqualTo("openai/whisper-large-v3");
  }

  @Test
  void asyncVariantsReturnTheSameLists() throws Exception {
    server.enqueue(json(200, MODELS));
    server.enqueue(json(200, MODELS));
    TogetherImages client = client(0);

    CompletableFuture<List<ImageModelInfo>> images = client.imageModelsAsync();
    assertThat(images.get(10, TimeUnit.SECONDS))
        .extracting(ImageModelInfo::id)
        .containsExactlyElementsOf(client.imageModels().stream().map(ImageModelInfo::id).toList());
    CompletableFuture<List<ImageModelInfo>> all = client.modelsAsync();
    server.enqueue(json(200, MODELS));
    assertThat(all.get(10, TimeUnit.SECONDS)).hasSize(6);
  }

  @Test
  void retriedLikeAGenerationAndThenSucceeds() {
    server.enqueue(json(503, "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}"));
    server.enqueue(json(200, MODELS));

    assertThat(client(2).imageModels()).hasSize(4);
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(clients.delays).hasSize(1);
  }

  @Test
  void anErrorIsTheStatusExceptionAndIsNotRetried() {
    server.enqueue(
        json(401, "{\"error\":{\"message\":\"Invalid API key\",\"type\":\"invalid_api_key\"}}"));

    assertThatThrownBy(() -> client(2).models())
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("Invalid API key")
        .extracting(e -> ((TogetherException) e).attempts())
        .isEqualTo(1);
  }

  @Test
  void theAsyncErrorIsTheSameException() {
    server.enqueue(json(404, "{\"error\":{\"message\":\"no such path\",\"type\":\"not_found\"}}"));

    Throwable thrown = catchThrowable(() -> client(0).imageModelsAsync().get(10, TimeUnit.SECONDS));

    assertThat(thrown).isInstanceOf(ExecutionException.class);
    assertThat(thrown.getCause()).isInstanceOf(NotFoundException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"data\":[]}",
        "[null]",
        "[{\"id\":\"m\",\"object\":\"model\",\"type\":\"image\"}]",
        "[] trailing",
        "null",
        "[{\"id\":\"m\",\"object\":\"model\",\"created\":9223372036854775807,"
            + "\"type\":\"image\"}]"
      })
  void aBodyThatIsNotTheListIsMalformedAndNotRetried(String body) {
    server.enqueue(json(200, body));

    assertThatThrownBy(() -> client(2).imageModels())
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageStartingWith("response is not a ModelInfoList: ");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aKeyEchoedIntoAnEntryIsNotInItsToString() {
    String key = API_KEY;
    server.enqueue(
        json(
            200,
            "[{\"id\":\"m-"
                + key
                + "\",\"object\":\"model\",\"created\":0,\"type\":\"image\","
                + "\"display_name\":\""
                + key
                + "\"}]"));

    ImageModelInfo model = client(0).imageModels().get(0);

    assertThat(model.id()).as("the value itself is the server's").contains(key);
    assertThat(model.toString()).contains("ImageModelInfo{id=m-██").doesNotContain(key);
  }

  @Test
  void closedClientRefusesToList() {
    TogetherImages client = client(0);
    client.close();

    assertThatThrownBy(client::imageModels).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(client::modelsAsync).isInstanceOf(IllegalStateException.class);
  }

  // --- the closest image models, once a list is known -----------------------------------------

  static final String UNKNOWN_MODEL =
      "{\"error\":{\"message\":\"Unable to access model black-forest-labs/FLUX.1-schnel."
          + " Please visit https://api.together.ai/models to view the list of supported"
          + " models.\",\"type\":\"invalid_request_error\",\"param\":null,"
          + "\"code\":\"model_not_available\"}}";

  private static ImageGenerationRequest misspelt() {
    return ImageGenerationRequest.builder("a fox").model("black-forest-labs/FLUX.1-schnel").build();
  }

  @ParameterizedTest
  @EnumSource(GenerationPath.class)
  void anUnknownModelNamesTheClosestImageModelsOnceAListIsKnown(GenerationPath path)
      throws Exception {
    server.enqueue(json(200, MODELS));
    server.enqueue(json(404, UNKNOWN_MODEL));
    TogetherImages client = client(2);
    client.imageModels();

    Throwable thrown = catchThrowable(() -> path.call(client, misspelt(), dir));

    assertThat(thrown)
        .isInstanceOf(NotFoundException.class)
        .hasMessageStartingWith("HTTP 404 invalid_request_error: Unable to access model")
        .hasMessageEndingWith(
            "; the closest image models: black-forest-labs/FLUX.1-schnell,"
                + " black-forest-labs/FLUX.1-dev, black-forest-labs/FLUX.1-schnell-Free");
    NotFoundException notFound = (NotFoundException) thrown;
    assertThat(notFound.errorCode()).isEqualTo("model_not_available");
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(notFound.attempts()).isEqualTo(1);
    assertThat(server.getRequestCount()).as("no extra call: the list was known").isEqualTo(2);
  }

  @Test
  void withoutAKnownListTheMessageIsTheServersAndNoListIsFetched() {
    server.enqueue(json(404, UNKNOWN_MODEL));

    Throwable thrown = catchThrowable(() -> client(0).generate(misspelt()));

    assertThat(thrown).isInstanceOf(NotFoundException.class);
    assertThat(thrown.getMessage()).doesNotContain("closest");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aBadRequestAboutAnotherParameterGetsNoSuggestions() {
    server.enqueue(json(200, MODELS));
    server.enqueue(
        json(
            400,
            "{\"error\":{\"message\":\"width must be a multiple of 16\","
                + "\"type\":\"invalid_request_error\",\"param\":\"width\"}}"));
    TogetherImages client = client(0);
    client.imageModels();

    Throwable thrown = catchThrowable(() -> client.generate(misspelt()));

    assertThat(thrown).isInstanceOf(BadRequestException.class);
    assertThat(thrown.getMessage()).doesNotContain("closest");
  }

  @Test
  void aKnownModelGetsNoSuggestions() {
    server.enqueue(json(200, MODELS));
    server.enqueue(
        json(
            400,
            "{\"error\":{\"message\":\"model black-forest-labs/FLUX.1-dev is not available"
                + " for serverless\",\"type\":\"invalid_request_error\",\"param\":\"model\"}}"));
    TogetherImages client = client(0);
    client.imageModels();

    Throwable thrown =
        catchThrowable(
            () ->
                client.generate(
                    ImageGenerationRequest.builder("a fox")
                        .model("black-forest-labs/FLUX.1-dev")
                        .build()));

    assertThat(thrown).isInstanceOf(BadRequestException.class);
    assertThat(thrown.getMessage()).doesNotContain("closest");
  }

  @Test
  void aSuccessfulGenerationIsUntouched() {
    server.enqueue(json(200, MODELS));
    server.enqueue(json(200, OK_BODY));
    TogetherImages client = client(0);
    client.imageModels();

    assertThat(client.generate(misspelt()).images()).hasSize(1);
  }

  @Test
  void closestIsByEditDistanceInAnyCaseThenById() {
    List<String> ids = List.of("b/FLUX.1-dev", "b/FLUX.1-schnell", "b/FLUX.1.1-pro", "x/SDXL");

    assertThat(ModelSuggestions.closest("b/flux.1-schnel", ids))
        .containsExactly("b/FLUX.1-schnell", "b/FLUX.1-dev", "b/FLUX.1.1-pro");
    assertThat(ModelSuggestions.closest("anything", List.of("b", "a"))).containsExactly("a", "b");
    assertThat(ModelSuggestions.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(ModelSuggestions.distance("", "abc")).isEqualTo(3);
    assertThat(ModelSuggestions.distance("same", "same")).isZero();
  }
}
