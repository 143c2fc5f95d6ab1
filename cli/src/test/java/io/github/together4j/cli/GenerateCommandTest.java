package io.github.together4j.cli;

import static io.github.together4j.cli.Runs.env;
import static io.github.together4j.cli.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.cli.Runs.Run;
import io.github.together4j.images.testkit.FakeTogether;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.Fault;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code together4j generate}, in-process, against the testkit's fake server. */
@FakeTogether(apiKey = GenerateCommandTest.KEY)
class GenerateCommandTest {
  static final String KEY = "fake-cli-test-key-not-real";

  @TempDir Path dir;

  private Context keyed(FakeTogetherServer server) {
    return Context.of(env(KEY, server.baseUrl()));
  }

  @Test
  void withoutKeyTheEmbeddedServerDrawsTwoImagesAndOneLineSaysSo() throws IOException {
    Path out = dir.resolve("out");

    Run run =
        run(
            "generate",
            "a lighthouse at dusk",
            "--n",
            "2",
            "--size",
            "64x48",
            "--out",
            out.toString());

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.outLines())
        .containsExactly(
            out.resolve("a_lighthouse_at_dusk_0.jpg").toString(),
            out.resolve("a_lighthouse_at_dusk_1.jpg").toString());
    assertImage(out.resolve("a_lighthouse_at_dusk_0.jpg"), 64, 48);
    assertImage(out.resolve("a_lighthouse_at_dusk_1.jpg"), 64, 48);
    assertThat(run.errLines()).hasSize(2);
    assertThat(run.errLines().get(0))
        .startsWith("No TOGETHER_API_KEY set: using the embedded fake Together server at http://");
    assertThat(run.errLines().get(1))
        .matches("Saved 2 images \\(.+ KB\\) in .+ s from the fake server");
  }

  @Test
  void everyOptionReachesTheRequest(FakeTogetherServer server) {
    Run run =
        run(
            keyed(server),
            "generate",
            "a red fox",
            "--n",
            "1",
            "--width",
            "96",
            "--height",
            "64",
            "--seed",
            "42",
            "--model",
            "black-forest-labs/FLUX.1-dev",
            "--steps",
            "3",
            "--negative-prompt",
            "blurry",
            "--guidance",
            "7.5",
            "--format",
            "png",
            "--image-url",
            "https://example.com/in.png",
            "--lora",
            "https://example.com/a.safetensors:0.8",
            "--lora",
            "https://example.com/b.safetensors",
            "--reference-image",
            "https://example.com/r1.png",
            "--reference-image",
            "https://example.com/r2.png",
            "--disable-safety-checker",
            "--extra",
            "aspect_ratio=\"16:9\"",
            "--extra",
            "tags=[1, 2.5, {\"a\": true}]",
            "--out",
            dir.toString());

    assertThat(run.status()).as(run.toString()).isZero();
    var request = server.takeRequest();
    assertThat(request.field("prompt")).isEqualTo("a red fox");
    assertThat(request.field("n")).isEqualTo(1.0);
    assertThat(request.field("width")).isEqualTo(96.0);
    assertThat(request.field("height")).isEqualTo(64.0);
    assertThat(request.field("seed")).isEqualTo(42.0);
    assertThat(request.field("model")).isEqualTo("black-forest-labs/FLUX.1-dev");
    assertThat(request.field("steps")).isEqualTo(3.0);
    assertThat(request.field("negative_prompt")).isEqualTo("blurry");
    assertThat(request.field("guidance_scale")).isEqualTo(7.5);
    assertThat(request.field("output_format")).isEqualTo("png");
    assertThat(request.field("response_format")).isEqualTo("base64");
    assertThat(request.field("image_url")).isEqualTo("https://example.com/in.png");
    assertThat(request.field("image_loras"))
        .isEqualTo(
            List.of(
                Map.of("path", "https://example.com/a.safetensors", "scale", 0.8),
                Map.of("path", "https://example.com/b.safetensors", "scale", 1.0)));
    assertThat(request.field("reference_images"))
        .isEqualTo(List.of("https://example.com/r1.png", "https://example.com/r2.png"));
    assertThat(request.field("disable_safety_checker")).isEqualTo(true);
    assertThat(request.field("aspect_ratio")).isEqualTo("16:9");
    assertThat(request.field("tags")).isEqualTo(List.of(1.0, 2.5, Map.of("a", true)));
    assertThat(request.body()).contains("\"tags\":[1,2.5,");
    assertThat(run.outLines()).containsExactly(dir.resolve("a_red_fox_0.png").toString());
    assertThat(run.err()).doesNotContain("fake server");
  }

  @Test
  void sizeSetsWidthAndHeightAndUnsetOptionsAreNotSent(FakeTogetherServer server) {
    Run run = run(keyed(server), "generate", "a fox", "--size", "80X60", "--out", dir.toString());

    assertThat(run.status()).as(run.toString()).isZero();
    var request = server.takeRequest();
    assertThat(request.field("width")).isEqualTo(80.0);
    assertThat(request.field("height")).isEqualTo(60.0);
    @SuppressWarnings("unchecked")
    Map<String, Object> body = (Map<String, Object>) request.json();
    assertThat(body.keySet())
        .containsExactlyInAnyOrder("prompt", "model", "n", "width", "height", "response_format");
  }

  @Test
  void jsonPrintsOneDocumentAndNothingElse(FakeTogetherServer server) throws Exception {
    Run run =
        run(
            keyed(server),
            "generate",
            "a lighthouse",
            "--n",
            "2",
            "--size",
            "64x64",
            "--format",
            "png",
            "--json",
            "--out",
            dir.toString());

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.err()).isEmpty();
    Map<String, Object> json = Runs.json(run.out());
    assertThat(json).containsKeys("id", "model", "prompt", "base_url", "files", "timings");
    assertThat(json.get("id")).asString().startsWith("fake-");
    assertThat(json.get("prompt")).isEqualTo("a lighthouse");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> files = (List<Map<String, Object>>) json.get("files");
    assertThat(files).hasSize(2);
    for (int i = 0; i < 2; i++) {
      Map<String, Object> file = files.get(i);
      Path path = Path.of((String) file.get("path"));
      assertThat(path).isEqualTo(dir.resolve("a_lighthouse_" + i + ".png").toAbsolutePath());
      assertThat(file.get("index")).isEqualTo((double) i);
      assertThat(file.get("format")).isEqualTo("png");
      assertThat(file.get("bytes")).isEqualTo((double) Files.size(path));
      assertThat(file.get("sha256")).isEqualTo(sha256(path));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> timings = (Map<String, Object>) json.get("timings");
    assertThat(timings).containsOnlyKeys("total_ms", "generation_ms", "transfer_ms");
    assertThat((Double) timings.get("total_ms"))
        .isGreaterThanOrEqualTo((Double) timings.get("generation_ms"));
  }

  @Test
  void jsonEscapesEverythingPastAscii(FakeTogetherServer server) {
    Run run =
        run(
            keyed(server),
            "generate",
            "Café 🦊",
            "--size",
            "32x32",
            "--json",
            "--out",
            dir.toString());

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.out()).isASCII().contains("\"prompt\": \"Caf\\u00e9 \\ud83e\\udd8a\"");
    assertThat(dir.resolve("café_0.jpg")).exists();
  }

  @Test
  void aTerminalGetsFormatAndSizeBesideEachPath(FakeTogetherServer server) {
    Run run =
        run(
            keyed(server).withTerminal(true, false),
            "generate",
            "a fox",
            "--size",
            "32x32",
            "--out",
            dir.toString());

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.outLines())
        .singleElement()
        .asString()
        .matches(
            java.util.regex.Pattern.quote(dir.resolve("a_fox_0.jpg").toString())
                + "  JPEG  [0-9.]+ (B|KB)");
  }

  @Test
  void liveStatusLineIsDrawnAndTakenAwayBeforeTheResult(FakeTogetherServer server) {
    server.enqueue(Fault.delay(java.time.Duration.ofMillis(400)));

    Run run =
        run(
            keyed(server).withTerminal(true, true),
            "generate",
            "a fox",
            "--size",
            "32x32",
            "--out",
            dir.toString());

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.err())
        .containsPattern(
            "\r\\| Generating 1 image with black-forest-labs/FLUX.1-schnell-Free  \\d+\\.\\d s");
    // Cleared: the last redraw is blanks, then the summary on a line of its own.
    String beforeSummary = run.err().substring(0, run.err().indexOf("Saved 1 image"));
    assertThat(beforeSummary).endsWith("\r");
    assertThat(
            beforeSummary
                .substring(beforeSummary.lastIndexOf('\r', beforeSummary.length() - 2) + 1)
                .strip())
        .isEmpty();
  }

  @Test
  void quietPrintsOnlyThePaths(FakeTogetherServer server) {
    Run run =
        run(keyed(server), "generate", "a fox", "--size", "32x32", "-q", "--out", dir.toString());

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.outLines()).containsExactly(dir.resolve("a_fox_0.jpg").toString());
  }

  @Test
  void namePatternAndOverwrite(FakeTogetherServer server) throws IOException {
    Files.writeString(dir.resolve("fox-0.jpg"), "old");

    Run run =
        run(
            keyed(server),
            "generate",
            "a fox",
            "--n",
            "2",
            "--size",
            "32x32",
            "--name",
            "fox-{index}",
            "--overwrite",
            "--out",
            dir.toString());

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.outLines())
        .containsExactly(dir.resolve("fox-0.jpg").toString(), dir.resolve("fox-1.jpg").toString());
    assertImage(dir.resolve("fox-0.jpg"), 32, 32);
  }

  @Test
  void urlResultsAreDownloaded(FakeTogetherServer server) {
    Run run =
        run(
            keyed(server),
            "generate",
            "a fox",
            "--size",
            "32x32",
            "--response-format",
            "url",
            "--out",
            dir.toString());

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(server.takeRequest().field("response_format")).isEqualTo("url");
    assertThat(dir.resolve("a_fox_0.jpg")).isNotEmptyFile();
  }

  @Test
  void promptFromStandardInput(FakeTogetherServer server) {
    Context context =
        keyed(server)
            .withStdin(
                new ByteArrayInputStream("a fox\nin the snow\n".getBytes(StandardCharsets.UTF_8)));

    Run run = run(context, "generate", "-", "--size", "32x32", "--out", dir.toString());

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(server.takeRequest().field("prompt")).isEqualTo("a fox\nin the snow");
    assertThat(dir.resolve("a_fox_in_the_snow_0.jpg")).exists();
  }

  @Test
  void openOpensTheFirstImage(FakeTogetherServer server) {
    List<Path> opened = new ArrayList<>();
    Context context =
        keyed(server)
            .withOpener(
                file -> {
                  opened.add(file);
                  return null;
                });

    Run run =
        run(
            context,
            "generate",
            "a fox",
            "--n",
            "2",
            "--size",
            "32x32",
            "--open",
            "--out",
            dir.toString());

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(opened).containsExactly(dir.resolve("a_fox_0.jpg"));
  }

  @Test
  void openWithoutViewerSaysWhereTheImageIsAndSucceeds(FakeTogetherServer server) {
    Run run =
        run(
            keyed(server),
            "generate",
            "a fox",
            "--size",
            "32x32",
            "--open",
            "--out",
            dir.toString());

    assertThat(run.status()).isZero();
    assertThat(run.err())
        .contains("--open: no desktop in tests; the image is at " + dir.resolve("a_fox_0.jpg"));
  }

  @Test
  void verboseTellsWhereAndHowLongButNeverTheKey(FakeTogetherServer server) {
    Run run =
        run(
            keyed(server),
            "generate",
            "a fox",
            "--size",
            "32x32",
            "--verbose",
            "--out",
            dir.toString());

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.err())
        .contains("POST " + server.baseUrl() + "images/generations")
        .contains("timings: ")
        .doesNotContain(KEY);
  }

  @Test
  void verboseFailureHasAStackTraceButNeverTheKey(FakeTogetherServer server) {
    server.enqueue(Fault.error(401, "invalid_request_error", "bad key " + KEY));

    Run run = run(keyed(server), "generate", "a fox", "--verbose", "--out", dir.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("error: HTTP 401", "\tat ").doesNotContain(KEY);
  }

  @Test
  void apiErrorIsOneLineAndExitsOne(FakeTogetherServer server) throws IOException {
    server.enqueue(
        Fault.error(400, "invalid_request_error", "model not\navailable").withParam("model"));

    Run run = run(keyed(server), "generate", "a fox", "--out", dir.resolve("out").toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines())
        .singleElement()
        .asString()
        .startsWith("error: HTTP 400 invalid_request_error: model not available; param: model");
    Runs.assertNothingIn(dir.resolve("out"));
  }

  @Test
  void noThreadOutlivesTheCommand() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();

    Run run = run("generate", "a fox", "--size", "32x32", "--out", dir.toString());

    assertThat(run.status()).as(run.toString()).isZero();
    long deadline = System.nanoTime() + 2_000_000_000L;
    Set<String> left;
    do {
      left =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.isAlive() && !t.isDaemon() && !before.contains(t))
              .map(Thread::getName)
              .collect(Collectors.toSet());
      if (left.isEmpty()) {
        break;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    assertThat(left).as("non-daemon threads the command left running").isEmpty();
  }

  static void assertImage(Path file, int width, int height) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image).as("%s decodes", file).isNotNull();
    assertThat(image.getWidth()).isEqualTo(width);
    assertThat(image.getHeight()).isEqualTo(height);
  }

  static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
