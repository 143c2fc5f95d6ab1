package io.github.together4j.spring.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.github.together4j.images.AuthenticationException;
import io.github.together4j.images.BadRequestException;
import io.github.together4j.images.ImageFormat;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.MalformedResponseException;
import io.github.together4j.images.RateLimitException;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogether;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.Fault;
import io.github.together4j.images.testkit.RecordedImageRequest;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.ai.image.Image;
import org.springframework.ai.image.ImageGeneration;
import org.springframework.ai.image.ImageMessage;
import org.springframework.ai.image.ImageOptions;
import org.springframework.ai.image.ImageOptionsBuilder;
import org.springframework.ai.image.ImagePrompt;
import org.springframework.ai.image.ImageResponse;
import org.springframework.ai.retry.NonTransientAiException;
import org.springframework.ai.retry.TransientAiException;

@FakeTogether
class TogetherImageModelTest {
  private static final String SCHNELL = "black-forest-labs/FLUX.1-schnell";

  private static TogetherImageModel model(TogetherImages client) {
    return TogetherImageModel.builder().togetherImages(client).build();
  }

  @Test
  void urlResultCarriesUrlAndMetadataWithFormatFromTheDownloadedBytes(
      TogetherImages client, FakeTogetherServer server) {
    ImageResponse response =
        model(client)
            .call(
                new ImagePrompt(
                    "a lighthouse",
                    TogetherImageOptions.builder()
                        .responseFormat("url")
                        .width(256)
                        .height(256)
                        .build()));

    assertThat(response.getResults()).hasSize(1);
    Image image = response.getResult().getOutput();
    assertThat(image.getUrl()).startsWith(server.baseUrl());
    assertThat(image.getB64Json()).isNull();
    TogetherImageGenerationMetadata metadata =
        (TogetherImageGenerationMetadata) response.getResult().getMetadata();
    assertThat(metadata.getFormat()).as("not in the response, not fetched").isNull();
    byte[] bytes = metadata.generatedImage().bytes();
    assertThat(metadata.generatedImage().format())
        .isEqualTo(ImageFormat.detect(bytes))
        .isNotEqualTo(ImageFormat.UNKNOWN);
    assertThat(metadata.getIndex()).isZero();
    TogetherImageResponseMetadata responseMetadata =
        (TogetherImageResponseMetadata) response.getMetadata();
    assertThat(responseMetadata.getId()).isNotBlank().isEqualTo(metadata.getId());
    assertThat(responseMetadata.getModel())
        .isEqualTo(client.defaultModel())
        .isEqualTo(metadata.getModel());
    assertThat((String) responseMetadata.get(TogetherImageResponseMetadata.ID))
        .isEqualTo(responseMetadata.getId());
    assertThat(server.takeRequest().field("response_format")).isEqualTo("url");
  }

  @Test
  void base64ResultCarriesTheTextAndItsFormat(TogetherImages client, FakeTogetherServer server) {
    ImageResponse response =
        model(client)
            .call(
                new ImagePrompt(
                    "a lighthouse",
                    TogetherImageOptions.builder()
                        .responseFormat("b64_json")
                        .outputFormat(OutputFormat.PNG)
                        .width(256)
                        .height(256)
                        .build()));

    Image image = response.getResult().getOutput();
    assertThat(image.getUrl()).isNull();
    byte[] bytes = Base64.getDecoder().decode(image.getB64Json());
    assertThat(ImageFormat.detect(bytes)).isEqualTo(ImageFormat.PNG);
    assertThat(((TogetherImageGenerationMetadata) response.getResult().getMetadata()).getFormat())
        .isEqualTo(ImageFormat.PNG);
    RecordedImageRequest request = server.takeRequest();
    assertThat(request.field("response_format")).isEqualTo("base64");
    assertThat(request.field("output_format")).isEqualTo("png");
  }

  @Test
  void promptOptionsWinOverDefaultsAndUnsetOnesKeepThem(
      TogetherImages client, FakeTogetherServer server) {
    TogetherImageModel model =
        TogetherImageModel.builder()
            .togetherImages(client)
            .defaultOptions(
                TogetherImageOptions.builder()
                    .model(SCHNELL)
                    .steps(4)
                    .seed(1)
                    .negativePrompt("blur")
                    .guidanceScale(3.5)
                    .width(512)
                    .height(256)
                    .disableSafetyChecker(true)
                    .build())
            .build();

    ImageResponse response =
        model.call(
            new ImagePrompt(
                "a lighthouse", TogetherImageOptions.builder().seed(7).n(2).height(512).build()));

    assertThat(response.getResults()).hasSize(2);
    RecordedImageRequest request = server.takeRequest();
    assertThat(request.field("model")).isEqualTo(SCHNELL);
    assertThat(request.field("steps")).isEqualTo(4.0);
    assertThat(request.field("seed")).isEqualTo(7.0);
    assertThat(request.field("n")).isEqualTo(2.0);
    assertThat(request.field("width")).isEqualTo(512.0);
    assertThat(request.field("height")).isEqualTo(512.0);
    assertThat(request.field("negative_prompt")).isEqualTo("blur");
    assertThat(request.field("guidance_scale")).isEqualTo(3.5);
    assertThat(request.field("disable_safety_checker")).isEqualTo(true);
    assertThat(model.getDefaultOptions().getSeed()).as("defaults untouched").isEqualTo(1);
    assertThat(server.requestCount()).as("one call, each image billed once").isEqualTo(1);
  }

  @Test
  void portableOptionsOfAnyProviderAreHonoured(TogetherImages client, FakeTogetherServer server) {
    ImageResponse response =
        model(client)
            .call(
                new ImagePrompt(
                    "a lighthouse",
                    ImageOptionsBuilder.builder()
                        .model(SCHNELL)
                        .n(1)
                        .width(320)
                        .height(240)
                        .responseFormat("B64_JSON")
                        .build()));

    assertThat(response.getResult().getOutput().getB64Json()).isNotEmpty();
    RecordedImageRequest request = server.takeRequest();
    assertThat(request.field("model")).isEqualTo(SCHNELL);
    assertThat(request.field("width")).isEqualTo(320.0);
    assertThat(request.field("height")).isEqualTo(240.0);
    assertThat(request.field("response_format")).isEqualTo("base64");
  }

  @Test
  void promptWithoutOptionsUsesTheClientsModelAndTheApiDefaults(
      TogetherImages client, FakeTogetherServer server) {
    model(client).call(new ImagePrompt(List.of(new ImageMessage("a lighthouse"))));

    RecordedImageRequest request = server.takeRequest();
    assertThat(request.field("model")).isEqualTo(client.defaultModel());
    assertThat(request.field("prompt")).isEqualTo("a lighthouse");
    assertThat(request.field("steps")).isNull();
    assertThat(request.field("negative_prompt")).isNull();
  }

  @Test
  void messagesAreJoinedAndNegativeWeightsBecomeTheNegativePrompt(
      TogetherImages client, FakeTogetherServer server) {
    TogetherImageModel model =
        TogetherImageModel.builder()
            .togetherImages(client)
            .defaultOptions(TogetherImageOptions.builder().negativePrompt("text").build())
            .build();

    model.call(
        new ImagePrompt(
            List.of(
                new ImageMessage("a lighthouse"),
                new ImageMessage("blurry", -1f),
                new ImageMessage(" at dusk ", 0.5f),
                new ImageMessage("  "),
                new ImageMessage("people", -0.3f))));

    RecordedImageRequest request = server.takeRequest();
    assertThat(request.field("prompt")).isEqualTo("a lighthouse\nat dusk");
    assertThat(request.field("negative_prompt")).isEqualTo("text\nblurry\npeople");
  }

  @Test
  void promptWithOnlyNegativeOrBlankMessagesIsRefusedBeforeTheNetwork(
      TogetherImages client, FakeTogetherServer server) {
    TogetherImageModel model = model(client);

    assertThatThrownBy(
            () ->
                model.call(
                    new ImagePrompt(
                        List.of(new ImageMessage(" "), new ImageMessage("blurry", -1f)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("imagePrompt has no text");
    assertThat(server.requestCount()).isZero();
  }

  static Stream<Arguments> refusedOptions() {
    return Stream.of(
        arguments(
            ImageOptionsBuilder.builder().style("vivid").build(),
            "style = 'vivid' is not supported: Together's image API has no style option; leave it"
                + " unset"),
        arguments(
            ImageOptionsBuilder.builder().responseFormat("png").build(),
            "responseFormat = 'png' is not supported: allowed are url and b64_json"),
        arguments(TogetherImageOptions.builder().n(0).build(), "n = 0"));
  }

  @ParameterizedTest
  @MethodSource("refusedOptions")
  void promptOptionsTogetherCannotHonourAreRefusedNamingThemBeforeTheNetwork(
      ImageOptions options, String message, TogetherImages client, FakeTogetherServer server) {
    TogetherImageModel model = model(client);

    assertThatThrownBy(() -> model.call(new ImagePrompt("a lighthouse", options)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void outOfRangeDefaultOptionsFailWhenTheModelIsBuilt(TogetherImages client) {
    TogetherImageModel.Builder builder =
        TogetherImageModel.builder()
            .togetherImages(client)
            .defaultOptions(TogetherImageOptions.builder().steps(-1).build());

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("steps = -1");
  }

  @Test
  void clientIsRequired() {
    assertThatThrownBy(() -> TogetherImageModel.builder().build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("togetherImages == null");
  }

  @Test
  void rateLimitIsTransientWithOurExceptionAsCause(FakeTogetherServer server) {
    try (TogetherImages client = server.clientBuilder().maxRetries(0).build()) {
      server.enqueue(Fault.rateLimited(Duration.ofSeconds(1)));

      Throwable thrown = catchThrowable(() -> model(client).call(new ImagePrompt("a lighthouse")));

      assertThat(thrown).isInstanceOf(TransientAiException.class);
      assertThat(thrown.getCause()).isInstanceOf(RateLimitException.class);
      assertThat(thrown.getMessage()).isEqualTo(thrown.getCause().getMessage());
      assertThat(server.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void base64CutInTheMiddleIsFoundWhenDecodedNotByTheCall(
      TogetherImages client, FakeTogetherServer server) {
    server.enqueue(Fault.malformedBase64());

    ImageResponse response =
        model(client)
            .call(
                new ImagePrompt(
                    "a lighthouse",
                    TogetherImageOptions.builder().responseFormat("b64_json").build()));

    // The call reads only the first bytes (the format); decoding all of it is the caller's step.
    TogetherImageGenerationMetadata metadata =
        (TogetherImageGenerationMetadata) response.getResult().getMetadata();
    assertThat(metadata.getFormat()).isEqualTo(ImageFormat.JPEG);
    assertThatThrownBy(() -> metadata.generatedImage().bytes())
        .isInstanceOf(MalformedResponseException.class);
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void badRequestIsNonTransientWithOurExceptionAsCause(
      TogetherImages client, FakeTogetherServer server) {
    server.enqueue(Fault.error(400, "invalid_request_error", "prompt is too long"));

    Throwable thrown = catchThrowable(() -> model(client).call(new ImagePrompt("a lighthouse")));

    assertThat(thrown).isInstanceOf(NonTransientAiException.class);
    assertThat(thrown.getCause()).isInstanceOf(BadRequestException.class);
    assertThat(thrown.getMessage()).contains("prompt is too long");
    assertThat(server.requestCount()).as("a 400 is not retried").isEqualTo(1);
  }

  @Test
  void wrongKeyNeverAppearsInTheExceptionOrItsCauses(FakeTogetherServer server) {
    String key = "not-a-real-key-just-for-tests";
    try (TogetherImages client = server.clientBuilder().apiKey(key).build()) {
      Throwable thrown = catchThrowable(() -> model(client).call(new ImagePrompt("a lighthouse")));

      assertThat(thrown).isInstanceOf(NonTransientAiException.class);
      assertThat(thrown.getCause()).isInstanceOf(AuthenticationException.class);
      for (Throwable t = thrown; t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage())).doesNotContain(key);
        assertThat(t.toString()).doesNotContain(key);
      }
      assertThat(model(client).toString()).doesNotContain(key);
    }
  }

  @Test
  void eachCallIsObservedAsASpringAiImageOperation(TogetherImages client) {
    TestObservationRegistry registry = TestObservationRegistry.create();
    TogetherImageModel model =
        TogetherImageModel.builder()
            .togetherImages(client)
            .observationRegistry(registry)
            .defaultOptions(TogetherImageOptions.builder().model(SCHNELL).build())
            .build();

    model.call(new ImagePrompt("a lighthouse"));

    TestObservationRegistryAssert.assertThat(registry)
        .hasObservationWithNameEqualTo("gen_ai.client.operation")
        .that()
        .hasContextualNameEqualTo("image " + SCHNELL)
        .hasLowCardinalityKeyValue("gen_ai.system", TogetherImageModel.PROVIDER)
        .hasLowCardinalityKeyValue("gen_ai.request.model", SCHNELL)
        .hasBeenStopped();
  }

  @Test
  void generationsKeepTheOrderOfTheImages(TogetherImages client) {
    ImageResponse response =
        model(client)
            .call(
                new ImagePrompt(
                    "a lighthouse",
                    TogetherImageOptions.builder().n(3).width(64).height(64).build()));

    assertThat(response.getResults())
        .extracting(ImageGeneration::getMetadata)
        .extracting(metadata -> ((TogetherImageGenerationMetadata) metadata).getIndex())
        .containsExactly(0, 1, 2);
  }
}
