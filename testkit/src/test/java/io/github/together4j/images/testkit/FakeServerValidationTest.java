package io.github.together4j.images.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.BadRequestException;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.internal.ImageRenderer;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fake server's HTTP behaviour: validation against the spec, sent as hand-written JSON (the
 * client would refuse some of it).
 */
class FakeServerValidationTest extends FakeServerTestBase {

  @Test
  void takeRequestWithTimeoutReturnsNullWhenNothingArrived() {
    assertThat(server.takeRequest(Duration.ZERO)).isNull();

    post(server, MINIMAL_SMALL);

    assertThat(server.takeRequest(Duration.ofSeconds(5))).isNotNull();
    assertThat(server.takeRequest(Duration.ZERO)).isNull();
  }

  @Test
  void idsStayUniqueAcrossReset() {
    String first = (String) post(server, MINIMAL_SMALL).json().get("id");
    server.reset();
    String second = (String) post(server, MINIMAL_SMALL).json().get("id");

    assertThat(second).isNotEqualTo(first);
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void errorResponsesCarryARequestIdToo() {
    Reply reply = post(server, "{\"model\":\"m\"}");

    assertThat(reply.code()).isEqualTo(400);
    assertThat(reply.headers().get("x-request-id")).startsWith("fake-req-");
  }

  @Test
  void fixedImageModeServesTheSameBytesForEveryRequest() throws Exception {
    byte[] png = ImageRenderer.render("fixed", 1, 32, 16, ImageRenderer.Format.PNG);
    try (FakeTogetherServer fixed = FakeTogetherServer.builder().fixedImage(png).start()) {
      String body = "{\"prompt\":\"a\",\"model\":\"m\",\"n\":2,\"response_format\":\"base64\"}";
      Reply first = post(fixed, body);
      Reply second = post(fixed, body.replace("\"a\"", "\"b\""));

      assertThat(first.code()).isEqualTo(200);
      assertThat(second.body()).isEqualTo(first.body());
      assertThat(data(first)).hasSize(2).allSatisfy(image -> assertThat(b64(image)).isEqualTo(png));
      // Validation still applies.
      assertThat(post(fixed, "{\"model\":\"m\"}").code()).isEqualTo(400);
    }
  }

  static Stream<Arguments> specViolations() {
    return Stream.of(
        Arguments.of("prompt missing", "{\"model\":\"m\"}", "prompt"),
        Arguments.of("model missing", "{\"prompt\":\"p\"}", "model"),
        Arguments.of("prompt a number", "{\"prompt\":5,\"model\":\"m\"}", "prompt"),
        Arguments.of("prompt null", "{\"prompt\":null,\"model\":\"m\"}", "prompt"),
        Arguments.of("model a boolean", "{\"prompt\":\"p\",\"model\":true}", "model"),
        Arguments.of("n a string", "{\"prompt\":\"p\",\"model\":\"m\",\"n\":\"2\"}", "n"),
        Arguments.of(
            "width a fraction", "{\"prompt\":\"p\",\"model\":\"m\",\"width\":12.5}", "width"),
        Arguments.of("seed a fraction", "{\"prompt\":\"p\",\"model\":\"m\",\"seed\":1.5}", "seed"),
        Arguments.of(
            "guidance_scale a string",
            "{\"prompt\":\"p\",\"model\":\"m\",\"guidance_scale\":\"x\"}",
            "guidance_scale"),
        Arguments.of(
            "disable_safety_checker a string",
            "{\"prompt\":\"p\",\"model\":\"m\",\"disable_safety_checker\":\"yes\"}",
            "disable_safety_checker"),
        Arguments.of(
            "image_loras an object",
            "{\"prompt\":\"p\",\"model\":\"m\",\"image_loras\":{\"path\":\"u\",\"scale\":1}}",
            "image_loras"),
        Arguments.of(
            "lora without path",
            "{\"prompt\":\"p\",\"model\":\"m\",\"image_loras\":[{\"scale\":1}]}",
            "image_loras[0].path"),
        Arguments.of(
            "second lora without scale",
            "{\"prompt\":\"p\",\"model\":\"m\",\"image_loras\":[{\"path\":\"u\",\"scale\":1},"
                + "{\"path\":\"u\"}]}",
            "image_loras[1].scale"),
        Arguments.of(
            "reference image a number",
            "{\"prompt\":\"p\",\"model\":\"m\",\"reference_images\":[1]}",
            "reference_images[0]"),
        Arguments.of(
            "response_format b64_json (not in the spec's enum)",
            "{\"prompt\":\"p\",\"model\":\"m\",\"response_format\":\"b64_json\"}",
            "response_format"),
        Arguments.of(
            "output_format webp",
            "{\"prompt\":\"p\",\"model\":\"m\",\"output_format\":\"webp\"}",
            "output_format"),
        Arguments.of("n 0", "{\"prompt\":\"p\",\"model\":\"m\",\"n\":0}", "n"),
        Arguments.of("width 0", "{\"prompt\":\"p\",\"model\":\"m\",\"width\":0}", "width"),
        Arguments.of("height -1", "{\"prompt\":\"p\",\"model\":\"m\",\"height\":-1}", "height"),
        Arguments.of("steps 0", "{\"prompt\":\"p\",\"model\":\"m\",\"steps\":0}", "steps"));
  }

  @ParameterizedTest(name = "{0} → 400 param {2}")
  @MethodSource("specViolations")
  void specViolationIs400NamingTheParam(String rule, String body, String param) {
    Reply reply = post(server, body);

    assertThat(reply.code()).as(rule).isEqualTo(400);
    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(error)
        .containsEntry("type", "invalid_request_error")
        .containsEntry("param", param)
        .containsEntry("code", null);
    assertThat(error.get("message")).asString().startsWith(param);
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void enumViolationMessageListsTheAllowedValues() {
    Reply reply =
        post(server, "{\"prompt\":\"p\",\"model\":\"m\",\"response_format\":\"b64_json\"}");

    assertThat(object(reply.json().get("error")).get("message"))
        .asString()
        .contains("[base64, url]")
        .contains("b64_json");
  }

  @Test
  void severalViolationsAreAllReportedAndTheFirstNamesTheParam() {
    Reply reply = post(server, "{\"n\":0}");

    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(reply.code()).isEqualTo(400);
    assertThat(error).containsEntry("param", "prompt");
    assertThat(error.get("message"))
        .asString()
        .contains("prompt is required; model is required; n ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "{\"prompt\":", "", "null"})
  void bodyThatIsNotJsonIs400WithoutParam(String body) {
    Reply reply = post(server, body);

    assertThat(reply.code()).isEqualTo(400);
    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(error).containsEntry("type", "invalid_request_error").containsEntry("param", null);
    assertThat(error.get("message")).asString().startsWith("Request body is not valid JSON");
  }

  @Test
  void bodyThatIsAJsonArrayIs400WithoutParam() {
    Reply reply = post(server, "[" + MINIMAL + "]");

    assertThat(reply.code()).isEqualTo(400);
    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(error).containsEntry("param", null);
    assertThat(error.get("message")).asString().contains("object");
  }

  @Test
  void unknownExtraFieldIsAccepted() {
    Reply reply =
        post(
            server,
            "{\"prompt\":\"p\",\"model\":\"m\",\"width\":8,\"height\":8,\"aspect_ratio\":\"16:9\"}");

    assertThat(reply.code()).isEqualTo(200);
    assertThat(server.takeRequest().field("aspect_ratio")).isEqualTo("16:9");
  }

  @Test
  void everyPropertyOfTheSpecAtOnceIsAccepted() {
    Reply reply =
        post(
            server,
            """
        {"prompt": "a fox", "model": "m", "steps": 4, "image_url": "https://example.com/in.png",
         "seed": 42, "n": 2, "height": 24, "width": 32, "negative_prompt": "blurry",
         "response_format": "base64", "guidance_scale": 3.5, "output_format": "png",
         "image_loras": [{"path": "https://example.com/lora", "scale": 0.8}],
         "reference_images": ["https://example.com/ref.png"], "disable_safety_checker": false}
        """);

    assertThat(reply.code()).isEqualTo(200);
    assertThat(data(reply)).hasSize(2);
  }

  @Test
  void moreThanMaxNImagesIs400NamingN() {
    Reply reply =
        post(server, "{\"prompt\":\"p\",\"model\":\"m\",\"n\":5,\"width\":8,\"height\":8}");

    assertThat(reply.code()).isEqualTo(400);
    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(error).containsEntry("param", "n").containsEntry("type", "invalid_request_error");
    assertThat(error.get("message"))
        .asString()
        .isEqualTo("n must be at most 4 on the fake server, got 5");
    assertThat(FakeTogetherServer.MAX_N).isEqualTo(4);
  }

  @Test
  void maxNImagesIsAccepted() {
    Reply reply =
        post(server, "{\"prompt\":\"p\",\"model\":\"m\",\"n\":4,\"width\":8,\"height\":8}");

    assertThat(reply.code()).isEqualTo(200);
    assertThat(data(reply)).hasSize(4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"width", "height"})
  void sideAboveMaxDimensionIs400NamingTheSide(String side) {
    String other = side.equals("width") ? "height" : "width";
    Reply reply =
        post(
            server, "{\"prompt\":\"p\",\"model\":\"m\",\"" + side + "\":4097,\"" + other + "\":8}");

    assertThat(reply.code()).isEqualTo(400);
    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(error).containsEntry("param", side);
    assertThat(error.get("message"))
        .asString()
        .isEqualTo(side + " must be at most 4096 on the fake server, got 4097");
  }

  @Test
  void maxDimensionIsAccepted() {
    Reply reply =
        post(
            server,
            "{\"prompt\":\"p\",\"model\":\"m\",\"width\":4096,\"height\":1,\"response_format\":\"base64\"}");

    assertThat(reply.code()).isEqualTo(200);
    assertThat(decode(b64(data(reply).get(0))).getWidth()).isEqualTo(4096);
  }

  @Test
  void clientRequestOverTheFakeLimitIsBadRequestNamingN() {
    TogetherImages client = track(server.clientBuilder().maxRetries(0).build());

    assertThatThrownBy(() -> client.generate(small("a fox").n(5).build()))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.param()).isEqualTo("n");
              assertThat(e.errorType()).isEqualTo("invalid_request_error");
              assertThat(e.serverMessage())
                  .isEqualTo("n must be at most 4 on the fake server, got 5");
            });
    assertThat(server.takeRequest().field("n")).isEqualTo(5.0);
  }
}
