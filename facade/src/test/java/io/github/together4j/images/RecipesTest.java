package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The five recipes of Together's Python image docs (access the base64 data, decode and save,
 * process several images, url results, inspect metadata), each as the few lines of Java the README
 * shows, against a loopback server.
 */
class RecipesTest {
  @StartStop final MockWebServer api = new MockWebServer();
  @StartStop final MockWebServer storage = new MockWebServer();
  @TempDir Path dir;

  final byte[] png = TestImages.png(64, 48);
  final byte[] jpeg = TestImages.jpeg(64, 48);
  TogetherImages client;

  @BeforeEach
  void client() {
    client =
        TogetherImages.builder().apiKey("sk-recipes").baseUrl(api.url("/v1/").toString()).build();
  }

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void accessBase64Data() {
    api.enqueue(json(base64Body(png)));

    ImageGenerationResult result =
        client.generate(
            ImageGenerationRequest.builder("a sunflower")
                .responseFormat(ResponseFormat.BASE64)
                .build());
    String b64 = result.images().get(0).b64Json();

    assertThat(b64).isEqualTo(TestImages.base64(png));
    assertThat(result.images().get(0).isBase64()).isTrue();
  }

  @Test
  void decodeAndSave() {
    api.enqueue(json(base64Body(jpeg)));

    GeneratedImage image = client.generate("a sunflower").images().get(0);
    byte[] bytes = image.bytes();
    Path file = image.saveTo(dir.resolve("sunflower"));

    assertThat(bytes).isEqualTo(jpeg);
    assertThat(file).isEqualTo(dir.resolve("sunflower.jpg")).hasBinaryContent(jpeg);
  }

  @Test
  void processMultipleImages() throws Exception {
    api.enqueue(json(base64Body(png, jpeg, png, png)));

    ImageGenerationResult result =
        client.generate(ImageGenerationRequest.builder("a sunflower").n(4).build());
    List<Path> files = result.saveAll(dir, "sunflower_{index}");

    assertThat(files)
        .containsExactly(
            dir.resolve("sunflower_0.png"),
            dir.resolve("sunflower_1.jpg"),
            dir.resolve("sunflower_2.png"),
            dir.resolve("sunflower_3.png"));
    assertThat(files.get(1)).hasBinaryContent(jpeg);
    assertThat(api.takeRequest().getBody().utf8()).contains("\"n\":4");
  }

  @Test
  void urlResults() throws Exception {
    storage.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "image/png")
            .body(new Buffer().write(png))
            .build());
    api.enqueue(
        json(
            "{\"id\":\"gen-1\",\"model\":\"m\",\"object\":\"list\",\"data\":[{\"index\":0,"
                + "\"url\":\""
                + storage.url("/images/0.png?X-Amz-Signature=abc")
                + "\",\"type\":\"url\"}]}"));

    GeneratedImage image =
        client
            .generate(
                ImageGenerationRequest.builder("a sunflower")
                    .responseFormat(ResponseFormat.URL)
                    .build())
            .images()
            .get(0);
    Path file = image.saveTo(dir.resolve("sunflower"));

    assertThat(image.isUrl()).isTrue();
    assertThat(image.url()).endsWith("/images/0.png?X-Amz-Signature=abc");
    assertThat(file).isEqualTo(dir.resolve("sunflower.png")).hasBinaryContent(png);
    assertThat(storage.takeRequest().getHeaders().get("Authorization")).isNull();
  }

  @Test
  void inspectMetadata() {
    api.enqueue(json(base64Body(png, jpeg)));

    ImageGenerationResult result =
        client.generate(ImageGenerationRequest.builder("a sunflower").n(2).build());
    GeneratedImage second = result.images().get(1);
    BufferedImage pixels = second.toBufferedImage();

    assertThat(result.id()).isEqualTo("gen-recipes");
    assertThat(result.model()).isEqualTo("black-forest-labs/FLUX.1-schnell");
    assertThat(result.object()).isEqualTo("list");
    assertThat(result.images()).hasSize(2);
    assertThat(second.index()).isEqualTo(1);
    assertThat(second.format()).isEqualTo(ImageFormat.JPEG);
    assertThat(pixels.getWidth()).isEqualTo(64);
    assertThat(pixels.getHeight()).isEqualTo(48);
    assertThat(second.dataUri()).startsWith("data:image/jpeg;base64,/9j/");
  }

  @Test
  void threeLineQuickStartWritesPng() throws Exception {
    api.enqueue(json(base64Body(png)));

    var result = client.generate("A watercolor sunflower field");
    result.images().get(0).saveTo(dir.resolve("sunflower"));

    assertThat(Files.readAllBytes(dir.resolve("sunflower.png"))).isEqualTo(png);
  }

  private static String base64Body(byte[]... images) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < images.length; i++) {
      data.append(i == 0 ? "" : ",")
          .append("{\"index\":")
          .append(i)
          .append(",\"b64_json\":\"")
          .append(TestImages.base64(images[i]))
          .append("\",\"type\":\"b64_json\"}");
    }
    return "{\"id\":\"gen-recipes\",\"model\":\"black-forest-labs/FLUX.1-schnell\",\"object\":\"list\","
        + "\"data\":["
        + data
        + "]}";
  }

  private static MockResponse json(String body) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }
}
