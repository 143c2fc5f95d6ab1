package io.github.together4j.images.generated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import io.github.together4j.images.generated.model.ErrorData;
import io.github.together4j.images.generated.model.ImageChoicesData;
import io.github.together4j.images.generated.model.ImageLora;
import io.github.together4j.images.generated.model.ImageRequest;
import io.github.together4j.images.generated.model.ImageResponse;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JSON round trips of the generated models through the Moshi set-up in {@link JSON}. */
class ModelJsonTest {
  private final JsonAdapter<ImageRequest> requests = JSON.moshi().adapter(ImageRequest.class);
  private final JsonAdapter<ImageResponse> responses = JSON.moshi().adapter(ImageResponse.class);
  private final JsonAdapter<ErrorData> errors = JSON.moshi().adapter(ErrorData.class);

  @Test
  void minimalRequestSendsOnlyWhatWasSet() {
    ImageRequest request = ImageRequest.builder().prompt("a cat").model("m").build();

    assertThat(requests.toJson(request)).isEqualTo("{\"prompt\":\"a cat\",\"model\":\"m\"}");
  }

  @Test
  void specDefaultsAreDocumentedButNeverSent() {
    ImageRequest request = ImageRequest.builder().prompt("p").model("m").build();

    assertThat(ImageRequest.DEFAULT_STEPS).isEqualTo(20);
    assertThat(ImageRequest.DEFAULT_GUIDANCE_SCALE).isEqualTo(3.5);
    assertThat(ImageRequest.DEFAULT_OUTPUT_FORMAT).isEqualTo(ImageRequest.OutputFormatEnum.JPEG);
    assertThat(requests.toJson(request))
        .doesNotContain("steps", "guidance_scale", "output_format", "null");
  }

  @Test
  void fullRequestSerializesEveryPropertyWithWireNames() {
    ImageRequest request =
        ImageRequest.builder()
            .prompt("a lighthouse at dusk")
            .model("black-forest-labs/FLUX.1-schnell")
            .steps(4)
            .imageUrl("https://example.com/in.png")
            .seed(42)
            .n(2)
            .height(768)
            .width(512)
            .negativePrompt("fog")
            .responseFormat(ImageRequest.ResponseFormatEnum.BASE64)
            .guidanceScale(7.5)
            .outputFormat(ImageRequest.OutputFormatEnum.PNG)
            .imageLoras(List.of(new ImageLora("https://example.com/lora", 0.8)))
            .referenceImages(List.of("https://example.com/ref.png"))
            .disableSafetyChecker(true)
            .build();

    assertThat(requests.toJson(request))
        .isEqualTo(
            "{\"prompt\":\"a lighthouse at dusk\",\"model\":\"black-forest-labs/FLUX.1-schnell\","
                + "\"steps\":4,\"image_url\":\"https://example.com/in.png\",\"seed\":42,\"n\":2,"
                + "\"height\":768,\"width\":512,\"negative_prompt\":\"fog\","
                + "\"response_format\":\"base64\",\"guidance_scale\":7.5,\"output_format\":\"png\","
                + "\"image_loras\":[{\"path\":\"https://example.com/lora\",\"scale\":0.8}],"
                + "\"reference_images\":[\"https://example.com/ref.png\"],"
                + "\"disable_safety_checker\":true}");
  }

  @Test
  void requestRoundTripsToAnEqualRecord() throws IOException {
    ImageRequest request =
        ImageRequest.builder()
            .prompt("p")
            .model("m")
            .n(4)
            .responseFormat(ImageRequest.ResponseFormatEnum.URL)
            .imageLoras(List.of(new ImageLora("x", 1.0)))
            .build();

    assertThat(requests.fromJson(requests.toJson(request))).isEqualTo(request);
  }

  @Test
  void base64ResponseWithFourImagesParses() throws IOException {
    ImageResponse response = responses.fromJson(Fixtures.read("b64_n4.json"));

    assertThat(response.id()).isEqualTo("91f2a5c1b7e04d3e-SJC");
    assertThat(response.model()).isEqualTo("black-forest-labs/FLUX.1-schnell");
    assertThat(response.object()).isEqualTo(ImageResponse.ObjectEnum.LIST);
    assertThat(response.data()).extracting(ImageChoicesData::index).containsExactly(0, 1, 2, 3);
    assertThat(response.data())
        .extracting(ImageChoicesData::type)
        .containsOnly(ImageChoicesData.TypeEnum.B64_JSON);
    assertThat(response.data().get(1).b64Json()).isEqualTo("/9j/4AAQSkZJRg==");
    assertThat(response.data()).extracting(ImageChoicesData::url).containsOnlyNulls();
  }

  @Test
  void urlResponseParses() throws IOException {
    ImageResponse response = responses.fromJson(Fixtures.read("url_n1.json"));

    ImageChoicesData image = response.data().get(0);
    assertThat(image.type()).isEqualTo(ImageChoicesData.TypeEnum.URL);
    assertThat(image.url()).isEqualTo("https://api.together.ai/shrt/abc123");
    assertThat(image.b64Json()).isNull();
  }

  @Test
  void liveResponseWithoutTypeAndWithExtraFieldsParses() throws IOException {
    ImageResponse response = responses.fromJson(Fixtures.read("b64_live_no_type.json"));

    ImageChoicesData image = response.data().get(0);
    assertThat(image.type()).isNull();
    assertThat(image.url()).isNull();
    assertThat(image.b64Json()).startsWith("/9j/");
  }

  @Test
  void responseRoundTripsWithoutLosingAProperty() throws IOException {
    ImageResponse response = responses.fromJson(Fixtures.read("b64_n4.json"));

    assertThat(responses.fromJson(responses.toJson(response))).isEqualTo(response);
  }

  @Test
  void unknownEnumValuesReadAsUnknownConstantsInsteadOfFailing() throws IOException {
    ImageResponse response = responses.fromJson(Fixtures.read("unknown_enums.json"));

    assertThat(response.object()).isEqualTo(ImageResponse.ObjectEnum.UNKNOWN_DEFAULT_OPEN_API);
    assertThat(response.data().get(0).type())
        .isEqualTo(ImageChoicesData.TypeEnum.UNKNOWN_DEFAULT_OPEN_API);
    assertThat(response.data().get(0).b64Json()).isEqualTo("UklGRgAAAABXRUJQ");
  }

  @Test
  void missingRequiredPropertyIsAJsonDataExceptionWithItsPath() {
    assertThatThrownBy(() -> responses.fromJson(Fixtures.read("missing_index.json")))
        .isInstanceOf(JsonDataException.class)
        .hasMessage("index is required at $.data[1]");
  }

  @Test
  void missingDataIsAJsonDataException() {
    assertThatThrownBy(
            () -> responses.fromJson("{\"id\":\"x\",\"model\":\"m\",\"object\":\"list\"}"))
        .isInstanceOf(JsonDataException.class)
        .hasMessage("data is required at $");
  }

  @Test
  void liveErrorBodyWithTopLevelIdParses() throws IOException {
    ErrorData error = errors.fromJson(Fixtures.read("error_400_live.json"));

    assertThat(error.error().type()).isEqualTo("invalid_request_error");
    assertThat(error.error().message()).startsWith("image_url is not supported");
    assertThat(error.error().param()).isNull();
    assertThat(error.error().code()).isNull();
  }

  @Test
  void errorBodyWithCodeParses() throws IOException {
    ErrorData error = errors.fromJson(Fixtures.read("error_401.json"));

    assertThat(error.error().code()).isEqualTo("invalid_api_key");
    assertThat(errors.fromJson(errors.toJson(error))).isEqualTo(error);
  }

  @Test
  void recordsAreImmutable() {
    List<String> references = new java.util.ArrayList<>(List.of("a"));
    ImageRequest request =
        ImageRequest.builder().prompt("p").model("m").referenceImages(references).build();
    references.add("b");

    assertThat(request.referenceImages()).containsExactly("a");
    assertThatThrownBy(() -> request.referenceImages().add("c"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void builderRefusesToBuildWithoutRequiredProperties() {
    assertThatThrownBy(() -> ImageRequest.builder().prompt("p").build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("model is required");
  }

  @Test
  void toBuilderCopiesEveryProperty() {
    ImageRequest request = ImageRequest.builder().prompt("p").model("m").seed(7).n(3).build();

    assertThat(request.toBuilder().build()).isEqualTo(request);
    assertThat(request.toBuilder().seed(8).build().seed()).isEqualTo(8);
  }

  @Test
  void additionalPropertiesAreWrittenBesideTheKnownOnes() {
    ImageRequest request =
        ImageRequest.builder()
            .prompt("p")
            .model("m")
            .additionalProperties(java.util.Map.of("aspect_ratio", "16:9", "prompt", "ignored"))
            .build();

    String json = requests.toJson(request);
    assertThat(json).startsWith("{\"prompt\":\"p\",\"model\":\"m\",");
    assertThat(json).contains("\"aspect_ratio\":\"16:9\"").doesNotContain("ignored", "additional");
  }

  @Test
  void unlistedRequestPropertiesAreReadIntoAdditionalProperties() throws IOException {
    ImageRequest request =
        requests.fromJson("{\"prompt\":\"p\",\"model\":\"m\",\"n\":2,\"aspect_ratio\":\"1:1\"}");

    assertThat(request.n()).isEqualTo(2);
    assertThat(request.additionalProperties())
        .containsExactly(java.util.Map.entry("aspect_ratio", "1:1"));
    assertThat(requests.fromJson(requests.toJson(request))).isEqualTo(request);
  }
}
