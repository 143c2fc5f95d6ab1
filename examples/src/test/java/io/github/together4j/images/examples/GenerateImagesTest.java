package io.github.together4j.images.examples;

import static io.github.together4j.images.examples.ExamplesTest.assertImage;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.testkit.FakeTogether;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.Fault;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line main job: arguments, files, output and exit codes. */
@FakeTogether
class GenerateImagesTest {
  @TempDir Path out;
  final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

  @Test
  void withoutKeyWritesImagesOfTheRequestedSizeAndSaysSo() throws Exception {
    int status =
        run(
            Map.of(),
            "a lighthouse at dusk",
            "--n",
            "2",
            "--size",
            "320x200",
            "--format",
            "png",
            "--seed",
            "42",
            "--out",
            out.toString());

    assertThat(status).as(text(stderr)).isZero();
    assertImage(out.resolve("a_lighthouse_at_dusk_0.png"), 320, 200);
    assertImage(out.resolve("a_lighthouse_at_dusk_1.png"), 320, 200);
    assertThat(text(stdout).lines())
        .containsExactly(
            "[1/2] " + out.resolve("a_lighthouse_at_dusk_0.png"),
            "[2/2] " + out.resolve("a_lighthouse_at_dusk_1.png"),
            text(stdout).lines().toList().get(2));
    assertThat(text(stdout).lines().toList().get(2))
        .matches("2 images, [0-9.]+ KB, .* s .*fake server");
    assertThat(text(stderr)).contains("No TOGETHER_API_KEY set");
  }

  @Test
  void singleImagePrintsJustItsPath() throws Exception {
    int status = run(Map.of(), "a red fox", "--size", "64x64", "--out", out.toString());

    assertThat(status).isZero();
    assertThat(text(stdout).lines().findFirst())
        .contains(out.resolve("a_red_fox_0.jpg").toString());
    assertImage(out.resolve("a_red_fox_0.jpg"), 64, 64);
  }

  @Test
  void sameSeedTwiceGivesTheSameFile() throws Exception {
    run(Map.of(), "a fox", "--size", "64x64", "--seed", "7", "--out", out.resolve("a").toString());
    run(Map.of(), "a fox", "--size", "64x64", "--seed", "7", "--out", out.resolve("b").toString());

    assertThat(out.resolve("a/a_fox_0.jpg")).hasSameBinaryContentAs(out.resolve("b/a_fox_0.jpg"));
  }

  @Test
  void withKeySendsEverythingToTheConfiguredServer(FakeTogetherServer server) throws Exception {
    Map<String, String> env =
        Map.of("TOGETHER_API_KEY", server.apiKey(), "TOGETHER_BASE_URL", server.baseUrl());

    int status =
        run(
            env,
            "a fox",
            "--model",
            "black-forest-labs/FLUX.1-schnell",
            "--size",
            "64x48",
            "--out",
            out.toString());

    assertThat(status).isZero();
    assertThat(text(stderr)).isEmpty();
    var request = server.takeRequest();
    assertThat(request.field("model")).isEqualTo("black-forest-labs/FLUX.1-schnell");
    assertThat(request.field("width")).isEqualTo(64.0);
    assertThat(request.field("height")).isEqualTo(48.0);
    assertThat(text(stdout)).contains("black-forest-labs/FLUX.1-schnell");
  }

  @Test
  void apiFailureExitsOneWithTheMessage(FakeTogetherServer server) throws Exception {
    server.enqueue(
        Fault.error(400, "invalid_request_error", "model not available").withParam("model"));
    Map<String, String> env =
        Map.of("TOGETHER_API_KEY", server.apiKey(), "TOGETHER_BASE_URL", server.baseUrl());

    int status = run(env, "a fox", "--out", out.toString());

    assertThat(status).isEqualTo(1);
    assertThat(text(stderr)).contains("error: HTTP 400", "model not available", "param: model");
    assertThat(out).isEmptyDirectory();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "--n", "--n x", "--n 0", "--size 12", "--format gif", "--bogus 1", "a b"})
  void badArgumentsPrintUsageAndExitTwo(String args) {
    String[] split = args.isEmpty() ? new String[0] : args.split(" ");
    int status =
        GenerateImages.run(
            split,
            Map.<String, String>of()::get,
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));

    assertThat(status).isEqualTo(2);
    assertThat(text(stderr)).startsWith("error: ").contains("usage: GenerateImages <prompt>");
    assertThat(text(stdout)).isEmpty();
  }

  @Test
  void slugKeepsLettersAndDigits() {
    assertThat(GenerateImages.slug("A Lighthouse, at dusk!")).isEqualTo("a_lighthouse_at_dusk");
    assertThat(GenerateImages.slug("Café 24/7")).isEqualTo("café_24_7");
    assertThat(GenerateImages.slug("!!!")).isEqualTo("image");
    assertThat(GenerateImages.slug("x".repeat(60))).hasSize(40);
  }

  private int run(Map<String, String> env, String... args) {
    return GenerateImages.run(
        args,
        env::get,
        new PrintStream(stdout, true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8));
  }

  private static String text(ByteArrayOutputStream out) {
    return out.toString(StandardCharsets.UTF_8);
  }
}
