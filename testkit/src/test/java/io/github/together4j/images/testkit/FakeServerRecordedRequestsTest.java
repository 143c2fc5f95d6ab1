package io.github.together4j.images.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.TogetherImages;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fake server's HTTP behaviour: recorded requests. */
class FakeServerRecordedRequestsTest extends FakeServerTestBase {

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
}
