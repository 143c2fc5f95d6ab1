package io.github.together4j.images.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogether;
import io.github.together4j.images.testkit.FakeTogetherServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every example, run against the fake server as a user would run it without a key. */
@FakeTogether
class ExamplesTest {
  @TempDir Path out;

  @Test
  void accessBase64ReturnsTheTextOfAJpeg(TogetherImages client, FakeTogetherServer server) {
    String b64 = AccessBase64Example.run(client);

    assertThat(Base64.getDecoder().decode(b64)).startsWith(0xff, 0xd8, 0xff);
    assertThat(server.takeRequest().field("response_format")).isEqualTo("base64");
  }

  @Test
  void decodeAndSaveWritesSunflowerJpg(TogetherImages client) throws IOException {
    Path file = DecodeAndSaveExample.run(client, out);

    assertThat(file).isEqualTo(out.resolve("sunflower.jpg"));
    assertImage(file, 1024, 1024);
  }

  @Test
  void multipleImagesWritesFourDistinctFiles(TogetherImages client) throws IOException {
    List<Path> files = MultipleImagesExample.run(client, out);

    assertThat(files)
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "sunflower_0.jpg", "sunflower_1.jpg", "sunflower_2.jpg", "sunflower_3.jpg");
    for (Path file : files) {
      assertImage(file, 1024, 1024);
    }
    assertThat(files.get(0))
        .content(StandardCharsets.ISO_8859_1)
        .isNotEqualTo(java.nio.file.Files.readString(files.get(1), StandardCharsets.ISO_8859_1));
  }

  @Test
  void langChain4jSavesTwoDistinctFoxesFromOneRequest(
      TogetherImages client, FakeTogetherServer server) throws IOException {
    List<Path> files = LangChain4jExample.run(client, out);

    assertThat(files)
        .extracting(p -> p.getFileName().toString())
        .containsExactly("fox_0.jpg", "fox_1.jpg");
    for (Path file : files) {
      assertImage(file, 1024, 768);
    }
    assertThat(java.nio.file.Files.readAllBytes(files.get(0)))
        .isNotEqualTo(java.nio.file.Files.readAllBytes(files.get(1)));
    var request = server.takeRequest();
    assertThat(request.field("n")).isEqualTo(2.0);
    assertThat(request.field("model")).isEqualTo("black-forest-labs/FLUX.1-schnell");
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void listImageModelsPrintsOneLinePerImageModelOfTheServersList(
      TogetherImages client, FakeTogetherServer server) {
    List<String> lines = ListImageModels.run(client);

    List<String> expected =
        client.models().stream()
            .filter(m -> "image".equals(m.type()))
            .map(m -> m.id())
            .sorted()
            .toList();
    assertThat(expected).as("the fake server lists image models").hasSizeGreaterThan(3);
    assertThat(lines).hasSameSizeAs(expected);
    for (int i = 0; i < lines.size(); i++) {
      assertThat(lines.get(i)).startsWith(expected.get(i) + " ");
    }
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("FLUX.1 [schnell]"));
    assertThat(server.takeRequest().toString()).startsWith("GET /v1/models");
  }

  @Test
  void urlResultsDownloadsTheImage(TogetherImages client, FakeTogetherServer server)
      throws IOException {
    Path file = UrlResultsExample.run(client, out.resolve("not-yet-there"));

    assertThat(file).isEqualTo(out.resolve("not-yet-there/sunflower.jpg"));
    assertImage(file, 1024, 1024);
    assertThat(server.takeRequest().field("response_format")).isEqualTo("url");
  }

  @Test
  void inspectMetadataDescribesResponseAndImages(TogetherImages client) {
    List<String> lines = InspectMetadataExample.run(client);

    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).matches("id=fake-\\S+ model=\\S+ object=list images=2");
    assertThat(lines.get(1)).isEqualTo("image 0: url, JPEG, 768x512");
    assertThat(lines.get(2)).isEqualTo("image 1: url, JPEG, 768x512");
  }

  @Test
  void asyncSavesOneImagePerPromptInOrder(TogetherImages client, FakeTogetherServer server)
      throws IOException {
    List<Path> files = GenerateAsyncExample.run(client, out);

    assertThat(files)
        .containsExactly(
            out.resolve("prompt_0.jpg"), out.resolve("prompt_1.jpg"), out.resolve("prompt_2.jpg"));
    for (Path file : files) {
      assertImage(file, 1024, 1024);
    }
    assertThat(server.requestCount()).isEqualTo(3);
  }

  @Test
  void withoutKeyTheFakeServerIsUsedAndSaidSoInOneLine() {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (Examples.Session session =
        Examples.connect(Map.of(), new PrintStream(log, true, StandardCharsets.UTF_8))) {
      assertThat(session.isFake()).isTrue();
      assertThat(session.client().baseUrl()).startsWith("http://").contains("/v1/");
      assertThat(AccessBase64Example.run(session.client())).isNotEmpty();
    }
    assertThat(log.toString(StandardCharsets.UTF_8).lines().toList())
        .singleElement()
        .asString()
        .contains("No TOGETHER_API_KEY set", "fake Together server");
  }

  @Test
  void withKeyTheEnvironmentDecidesWhereCallsGo(FakeTogetherServer server) {
    // TOGETHER_BASE_URL pointed at the fake server stands in for Together.
    Map<String, String> env =
        Map.of("TOGETHER_API_KEY", server.apiKey(), "TOGETHER_BASE_URL", server.baseUrl());
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (Examples.Session session =
        Examples.connect(env, new PrintStream(log, true, StandardCharsets.UTF_8))) {
      assertThat(session.isFake()).isFalse();
      AccessBase64Example.run(session.client());
    }
    assertThat(log.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(server.takeRequest().authorized()).isTrue();
  }

  static void assertImage(Path file, int width, int height) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image).as("%s decodes", file).isNotNull();
    assertThat(image.getWidth()).isEqualTo(width);
    assertThat(image.getHeight()).isEqualTo(height);
  }
}
