package io.github.together4j.spring.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import org.junit.jupiter.api.Test;
import org.springframework.ai.image.ImageOptionsBuilder;

class TogetherImageOptionsTest {
  private static final TogetherImageOptions ALL =
      TogetherImageOptions.builder()
          .model("m")
          .n(2)
          .width(512)
          .height(256)
          .responseFormat("url")
          .steps(4)
          .seed(42)
          .negativePrompt("blur")
          .guidanceScale(3.5)
          .outputFormat(OutputFormat.PNG)
          .disableSafetyChecker(true)
          .build();

  @Test
  void fromCopiesEveryOptionAndToBuilderRoundTrips() {
    assertThat(TogetherImageOptions.builder().from(ALL).build())
        .isEqualTo(ALL)
        .hasSameHashCodeAs(ALL);
    assertThat(ALL.toBuilder().seed(43).build()).isNotEqualTo(ALL);
    assertThat(ALL.toString()).contains("seed=42", "responseFormat=url", "outputFormat=PNG");
  }

  @Test
  void mergeOfUnsetOptionsChangesNothing() {
    assertThat(ALL.toBuilder().merge(TogetherImageOptions.builder().build()).build())
        .isEqualTo(ALL);
    assertThat(ALL.toBuilder().merge(null).build()).isEqualTo(ALL);
    assertThat(ALL.toBuilder().merge(ImageOptionsBuilder.builder().build()).build()).isEqualTo(ALL);
  }

  @Test
  void mergeOfSetOptionsWinsOptionByOption() {
    TogetherImageOptions merged =
        ALL.toBuilder()
            .merge(TogetherImageOptions.builder().seed(7).outputFormat(OutputFormat.JPEG).build())
            .build();

    assertThat(merged.getSeed()).isEqualTo(7);
    assertThat(merged.getOutputFormat()).isEqualTo(OutputFormat.JPEG);
    assertThat(merged.getSteps()).isEqualTo(4);
    assertThat(merged.getNegativePrompt()).isEqualTo("blur");
  }

  @Test
  void responseFormatNamesAreSpringAis() {
    assertThat(
            TogetherImageOptions.builder().responseFormat("B64_JSON").build().getResponseFormat())
        .isEqualTo("b64_json");
    assertThat(
            TogetherImageOptions.builder()
                .responseFormat("base64")
                .build()
                .getTogetherResponseFormat())
        .isEqualTo(ResponseFormat.BASE64);
    assertThat(
            TogetherImageOptions.builder()
                .responseFormat(ResponseFormat.URL)
                .build()
                .getResponseFormat())
        .isEqualTo("url");
    assertThat(TogetherImageOptions.builder().build().getResponseFormat()).isNull();
    assertThat(ALL.getStyle()).isNull();
  }

  @Test
  void unknownResponseFormatIsRefusedAtOnce() {
    assertThatThrownBy(() -> TogetherImageOptions.builder().responseFormat("jpeg"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("responseFormat = 'jpeg' is not supported: allowed are url and b64_json");
  }
}
