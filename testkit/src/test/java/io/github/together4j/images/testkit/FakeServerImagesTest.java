package io.github.together4j.images.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageFormat;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.TogetherImages;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fake server's HTTP behaviour: images. */
class FakeServerImagesTest extends FakeServerTestBase {

  @Test
  void base64PngImagesDecodeToTheRequestedSize() {
    TogetherImages client = track(server.newClient());

    ImageGenerationResult result =
        client.generate(
            ImageGenerationRequest.builder("a lighthouse")
                .n(3)
                .size(320, 200)
                .outputFormat(OutputFormat.PNG)
                .responseFormat(ResponseFormat.BASE64)
                .build());

    assertThat(result.images()).hasSize(3);
    for (int i = 0; i < 3; i++) {
      GeneratedImage image = result.images().get(i);
      assertThat(image.index()).isEqualTo(i);
      assertThat(image.isBase64()).isTrue();
      assertThat(image.format()).isEqualTo(ImageFormat.PNG);
      byte[] bytes = image.bytes();
      assertThat(Arrays.copyOf(bytes, 8))
          .containsExactly(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
      BufferedImage decoded = decode(bytes);
      assertThat(decoded.getWidth()).isEqualTo(320);
      assertThat(decoded.getHeight()).isEqualTo(200);
    }
  }

  @Test
  void jpegIsTheDefaultOutputFormat() {
    Reply reply =
        post(
            server,
            "{\"prompt\":\"p\",\"model\":\"m\",\"width\":40,\"height\":30,\"response_format\":\"base64\"}");

    byte[] bytes = b64(data(reply).get(0));
    assertThat(Arrays.copyOf(bytes, 3)).containsExactly(0xFF, 0xD8, 0xFF);
    BufferedImage decoded = decode(bytes);
    assertThat(decoded.getWidth()).isEqualTo(40);
    assertThat(decoded.getHeight()).isEqualTo(30);
  }

  @Test
  void explicitJpegIsJpeg() {
    TogetherImages client = track(server.newClient());

    GeneratedImage image =
        client
            .generate(
                small("a fox")
                    .outputFormat(OutputFormat.JPEG)
                    .responseFormat(ResponseFormat.BASE64)
                    .build())
            .images()
            .get(0);

    assertThat(image.format()).isEqualTo(ImageFormat.JPEG);
  }

  @Test
  void defaultSizeIs1024Square() {
    Reply reply = post(server, "{\"prompt\":\"p\",\"model\":\"m\",\"response_format\":\"base64\"}");

    BufferedImage decoded = decode(b64(data(reply).get(0)));
    assertThat(decoded.getWidth()).isEqualTo(1024);
    assertThat(decoded.getHeight()).isEqualTo(1024);
  }

  @Test
  void samePromptAndSeedGiveIdenticalImages() {
    String first = b64Text(post(server, base64Request("a fox", 42, 1)));
    String second = b64Text(post(server, base64Request("a fox", 42, 1)));

    assertThat(second).isEqualTo(first);
  }

  @Test
  void anotherSeedGivesAnotherImage() {
    String seed42 = b64Text(post(server, base64Request("a fox", 42, 1)));
    String seed43 = b64Text(post(server, base64Request("a fox", 43, 1)));

    assertThat(seed43).isNotEqualTo(seed42);
  }

  @Test
  void anotherPromptGivesAnotherImage() {
    String fox = b64Text(post(server, base64Request("a fox", 42, 1)));
    String owl = b64Text(post(server, base64Request("an owl", 42, 1)));

    assertThat(owl).isNotEqualTo(fox);
  }

  @Test
  void noSeedIsSeedZeroSoEveryCallGivesTheSameBytes() {
    String noSeed = b64Text(post(server, base64Request("a fox", null, 1)));
    String again = b64Text(post(server, base64Request("a fox", null, 1)));
    String seedZero = b64Text(post(server, base64Request("a fox", 0, 1)));
    String seedOne = b64Text(post(server, base64Request("a fox", 1, 1)));

    assertThat(again).isEqualTo(noSeed);
    assertThat(seedZero).isEqualTo(noSeed);
    assertThat(seedOne).isNotEqualTo(noSeed);
  }

  @Test
  void imageIIsDrawnFromSeedPlusI() {
    List<Map<String, Object>> seed7 = data(post(server, base64Request("a fox", 7, 3)));
    String seed8 = b64Text(post(server, base64Request("a fox", 8, 1)));
    String seed9 = b64Text(post(server, base64Request("a fox", 9, 1)));

    assertThat(seed7.get(1).get("b64_json")).isEqualTo(seed8);
    assertThat(seed7.get(2).get("b64_json")).isEqualTo(seed9);
    assertThat(seed7.get(0).get("b64_json")).isNotEqualTo(seed8);
  }

  @Test
  void responseHasIdModelObjectAndPerImageIndexTypeAndTimings() {
    Reply reply =
        post(
            server,
            "{\"prompt\":\"p\",\"model\":\"acme/painter-2\",\"n\":2,\"width\":8,"
                + "\"height\":8,\"response_format\":\"base64\"}");

    assertThat(reply.code()).isEqualTo(200);
    assertThat(reply.headers().get("Content-Type")).startsWith("application/json");
    assertThat(reply.json()).containsOnlyKeys("id", "model", "object", "data");
    assertThat(reply.json().get("id")).asString().startsWith("fake-");
    assertThat(reply.json())
        .containsEntry("model", "acme/painter-2")
        .containsEntry("object", "list");
    List<Map<String, Object>> data = data(reply);
    for (int i = 0; i < 2; i++) {
      Map<String, Object> image = data.get(i);
      assertThat(image).containsOnlyKeys("index", "b64_json", "type", "timings");
      assertThat(image).containsEntry("index", (double) i).containsEntry("type", "b64_json");
      assertThat(object(image.get("timings")).get("inference"))
          .isInstanceOfSatisfying(
              Double.class, seconds -> assertThat(seconds).isBetween(0.0, 10.0));
    }
    assertThat(reply.headers().get("x-request-id")).isNotBlank().startsWith("fake-req-");
  }

  @Test
  void clientSeesTheEchoedModelAndTheListObject() {
    TogetherImages client = track(server.newClient());

    ImageGenerationResult result = client.generate(small("a fox").model("acme/painter-2").build());

    assertThat(result.model()).isEqualTo("acme/painter-2");
    assertThat(result.object()).isEqualTo("list");
    assertThat(result.id()).startsWith("fake-");
    assertThat(server.takeRequest().field("model")).isEqualTo("acme/painter-2");
  }

  @Test
  void clientDefaultModelIsSentAndEchoed() {
    TogetherImages client = track(server.newClient());

    ImageGenerationResult result = client.generate(small("a fox").build());

    assertThat(result.model()).isEqualTo(TogetherImages.DEFAULT_MODEL);
  }

  @Test
  void successiveRequestsGetDistinctIdsAndRequestIds() {
    Reply first = post(server, base64Request("a fox", 1, 1));
    Reply second = post(server, base64Request("a fox", 1, 1));

    assertThat(second.json().get("id")).isNotEqualTo(first.json().get("id"));
    assertThat(second.headers().get("x-request-id"))
        .isNotEqualTo(first.headers().get("x-request-id"));
  }

  @Test
  void overlappingRequestsGetDistinctIdsAndRequestIds() throws Exception {
    StringBuilder slowToValidate =
        new StringBuilder(
            "{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":1,\"height\":1,\"reference_images\":[");
    for (int i = 0; i < 1_000_000; i++) {
      slowToValidate.append(i == 0 ? "\"u\"" : ",\"u\"");
    }
    String quick = "{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":1,\"height\":1}";
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<Reply> slow =
          executor.submit(() -> post(server, slowToValidate.append("]}").toString()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (server.requestCount() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      Reply overtaking = post(server, quick);
      Reply overtaken = slow.get(10, TimeUnit.SECONDS);

      assertThat(overtaken.json().get("id")).isNotEqualTo(overtaking.json().get("id"));
      assertThat(overtaken.headers().get("x-request-id"))
          .isNotEqualTo(overtaking.headers().get("x-request-id"));
    } finally {
      executor.shutdownNow();
    }
  }
}
