package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.together4j.images.generated.JSON;
import io.github.together4j.images.generated.model.ImageChoicesData;
import io.github.together4j.images.generated.model.ImageResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link TogetherImages#generate}'s reading of a response: plain {@code b64_json} values are kept
 * as their bytes, yet every accessor, {@link ImageGenerationResult#raw()} included, sees what the
 * generated client's own adapter would have read.
 */
class GenerationReadTest {
  @StartStop final MockWebServer api = new MockWebServer();
  @RegisterExtension final TestClients clients = new TestClients();

  final byte[] png = TestImages.png(120, 80);
  final byte[] jpeg = TestImages.jpeg(90, 60);

  private ImageGenerationResult generate(String body) {
    api.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(new Buffer().writeString(body, StandardCharsets.UTF_8))
            .build());
    return clients.client(api, 0).generate("a fox");
  }

  @Test
  void plainEscapedAndUrlImagesReadAsTheGeneratedAdapterReadsThem() throws Exception {
    String plain = TestImages.base64(png);
    String escaped = TestImages.base64(jpeg).replace("/", "\\/");
    String body =
        "{\"id\":\"gen-1\",\"object\":\"list\",\"model\":\"m\",\"created\":7,\"data\":["
            + "{\"b64_json\":\""
            + escaped
            + "\",\"index\":2,\"type\":\"b64_json\",\"extra\":[1,{\"a\":\"\\\"\"}]},"
            + "{\"index\":0,\"b64_json\":\""
            + plain
            + "\",\"type\":\"something_new\"},"
            + "{\"index\":1,\"b64_json\":null,\"url\":\"https://img.example/a.png\",\"type\":\"url\"}"
            + "]}";

    ImageGenerationResult result = generate(body);

    ImageResponse expected = JSON.moshi().adapter(ImageResponse.class).fromJson(body);
    assertThat(result.raw()).isEqualTo(expected);
    assertThat(result.raw()).isSameAs(result.raw());
    assertThat(result.raw().data().get(1).type())
        .isEqualTo(ImageChoicesData.TypeEnum.UNKNOWN_DEFAULT_OPEN_API);
    GeneratedImage first = result.images().get(0);
    assertThat(first.isBase64()).isTrue();
    assertThat(first.isUrl()).isFalse();
    assertThat(first.b64Json()).isEqualTo(plain).isSameAs(first.b64Json());
    assertThat(result.raw().data().get(1).b64Json()).isSameAs(first.b64Json());
    assertThat(first.toString()).contains("(" + plain.length() + " chars)");
    assertThat(first.bytes()).isEqualTo(png);
    assertThat(first.format()).isEqualTo(ImageFormat.PNG);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(first.writeTo(out)).isEqualTo(png.length);
    assertThat(out.toByteArray()).isEqualTo(png);
    assertThat(first.openStream().readAllBytes()).isEqualTo(png);
    assertThat(first.dataUri()).isEqualTo("data:image/png;base64," + plain);
    assertThat(result.images().get(1).isUrl()).isTrue();
    assertThat(result.images().get(1).b64Json()).isNull();
    GeneratedImage third = result.images().get(2);
    assertThat(third.b64Json()).isEqualTo(TestImages.base64(jpeg));
    assertThat(third.bytes()).isEqualTo(jpeg);
  }

  @Test
  void largeValuesWithEscapesAcrossSegmentsReadExactly() throws Exception {
    byte[] image = new byte[300_000];
    new java.util.Random(21).nextBytes(image);
    System.arraycopy(png, 0, image, 0, 16);
    String b64 = TestImages.base64(image);
    // One plain value; one escaped only past 64 KiB; one with a non-ASCII character at its end.
    String late =
        b64.substring(0, 70_001)
            + String.format("\\u%04x", (int) b64.charAt(70_001))
            + b64.substring(70_002);
    String items =
        "{\"index\":0,\"b64_json\":\""
            + b64
            + "\"},{\"index\":1,\"b64_json\":\""
            + late
            + "\"},{\"index\":2,\"b64_json\":\""
            + b64
            + "é\"}";
    String body = TestClientsBodies.body(items);
    api.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(new Buffer().writeString(body, StandardCharsets.UTF_8))
            .throttleBody(7777, 1, java.util.concurrent.TimeUnit.MILLISECONDS)
            .build());

    ImageGenerationResult result = clients.client(api, 0).generate("a fox");

    assertThat(result.raw()).isEqualTo(JSON.moshi().adapter(ImageResponse.class).fromJson(body));
    assertThat(result.images().get(0).bytes()).isEqualTo(image);
    assertThat(result.images().get(0).b64Json()).isEqualTo(b64);
    assertThat(result.images().get(1).b64Json()).isEqualTo(b64);
    assertThat(result.images().get(1).bytes()).isEqualTo(image);
    assertThat(result.images().get(2).b64Json()).isEqualTo(b64 + "é");
  }

  @Test
  void nonAsciiCharacterInAValueIsNamedAtItsOffset() {
    String b64 = TestImages.base64(png);
    String bad = b64.substring(0, 100) + "é" + b64.substring(101);

    ImageGenerationResult result =
        generate(TestClientsBodies.body("{\"index\":0,\"b64_json\":\"" + bad + "\"}"));

    assertThat(result.images().get(0).b64Json()).isEqualTo(bad);
    MalformedResponseException e =
        catchThrowableOfType(
            MalformedResponseException.class, () -> result.images().get(0).bytes());
    assertThat(e).hasMessageContaining("unexpected U+00E9 at offset 100");
  }

  @Test
  void invalidBase64InAPlainValueIsNamedAtItsOffset() {
    String bad = TestImages.withBadCharNearEnd(TestImages.base64(png), '%', 10);

    ImageGenerationResult result =
        generate(TestClientsBodies.body("{\"index\":0,\"b64_json\":\"" + bad + "\"}"));

    MalformedResponseException e =
        catchThrowableOfType(
            MalformedResponseException.class,
            () -> result.images().get(0).writeTo(new ByteArrayOutputStream()));
    assertThat(e)
        .hasMessageContaining("b64_json of image 0")
        .hasMessageContaining("unexpected '%' at offset " + (bad.length() - 11));
  }

  @Test
  void missingIndexIsReportedWithItsPath() {
    MalformedResponseException e =
        catchThrowableOfType(
            MalformedResponseException.class,
            () ->
                generate(
                    TestClientsBodies.body(
                        "{\"b64_json\":\"" + TestImages.base64(png) + "\",\"index\":null}")));

    assertThat(e).hasMessageContaining("index is required at $.data[0]");
  }

  @Test
  void nonStringValuesReadAsTheGeneratedAdapterReadsThem() throws Exception {
    // Moshi reads a number as its text; a boolean is refused.
    String number = TestClientsBodies.body("{\"index\":0,\"b64_json\":12}");
    assertThat(generate(number).raw())
        .isEqualTo(JSON.moshi().adapter(ImageResponse.class).fromJson(number));

    MalformedResponseException e =
        catchThrowableOfType(
            MalformedResponseException.class,
            () -> generate(TestClientsBodies.body("{\"index\":0,\"b64_json\":true}")));

    assertThat(e)
        .hasMessageContaining("Expected a string but was BOOLEAN at path $.data[0].b64_json");
  }

  /** Response bodies around one data item. */
  static final class TestClientsBodies {
    static String body(String item) {
      return "{\"id\":\"gen-1\",\"model\":\"m\",\"object\":\"list\",\"data\":[" + item + "]}";
    }
  }
}
