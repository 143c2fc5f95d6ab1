package io.github.together4j.cli;

import static io.github.together4j.cli.Runs.env;
import static io.github.together4j.cli.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.cli.Runs.Run;
import io.github.together4j.images.ImageBatch;
import io.github.together4j.images.testkit.FakeTogether;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.Fault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code together4j batch}, in-process, against the testkit's fake server. */
@FakeTogether(apiKey = BatchCommandTest.KEY)
class BatchCommandTest {
  static final String KEY = "fake-batch-test-key-not-real";

  @TempDir Path dir;

  private Run runKeyed(FakeTogetherServer server, String... args) {
    return run(Context.of(env(KEY, server.baseUrl())), args);
  }

  private Path prompts(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  private Path fivePrompts() throws IOException {
    return prompts("prompts.txt", "a red fox\na lighthouse at dusk\na cat\na tree\na boat\n");
  }

  private static List<String> manifestItems(Path out) throws IOException {
    return Files.readAllLines(out.resolve(ImageBatch.MANIFEST)).stream()
        .filter(line -> line.contains("\"record\":\"item\""))
        .toList();
  }

  private static List<String> images(Path out) throws IOException {
    if (!Files.isDirectory(out)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(out)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".jpg") || f.endsWith(".jpeg") || f.endsWith(".png"))
          .sorted()
          .toList();
    }
  }

  @Test
  void txtBatchGeneratesEveryItemAndARerunSkipsThemAll(FakeTogetherServer server)
      throws IOException {
    Path file = fivePrompts();
    Path out = dir.resolve("out");

    Run first =
        runKeyed(server, "batch", file.toString(), "--out", out.toString(), "--size", "32x32");

    assertThat(first.status()).as(first.toString()).isZero();
    assertThat(first.out()).isEmpty();
    assertThat(first.errLines())
        .as(first.toString())
        .singleElement()
        .asString()
        .startsWith("5 items: 5 done, 0 failed, 0 pending; 5 generated in ");
    assertThat(images(out))
        .containsExactly(
            "000001_a_red_fox.jpg",
            "000002_a_lighthouse_at_dusk.jpg",
            "000003_a_cat.jpg",
            "000004_a_tree.jpg",
            "000005_a_boat.jpg");
    assertThat(manifestItems(out))
        .hasSize(5)
        .allMatch(line -> line.contains("\"status\":\"done\""));
    assertThat(server.generationsServed()).isEqualTo(5);
    assertThat(server.takeRequest().field("width")).isEqualTo(32.0);

    Run again =
        runKeyed(server, "batch", file.toString(), "--out", out.toString(), "--size", "32x32");

    assertThat(again.status()).as(again.toString()).isZero();
    assertThat(again.errLines())
        .singleElement()
        .asString()
        .startsWith("5 items: 5 done (5 before), 0 failed, 0 pending; 0 generated in ");
    assertThat(server.generationsServed()).isEqualTo(5);
    assertThat(manifestItems(out)).hasSize(5);
  }

  @Test
  void dryRunCountsTheItemsAndSendsNothing(FakeTogetherServer server) throws IOException {
    Path out = dir.resolve("out");

    Run run =
        runKeyed(server, "batch", fivePrompts().toString(), "--out", out.toString(), "--dry-run");

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.outLines()).containsExactly("5 items valid; 5 to generate");
    assertThat(run.err()).isEmpty();
    assertThat(server.requestCount()).isZero();
    assertThat(out).doesNotExist();
  }

  @Test
  void dryRunWithoutAKeyStartsNoServer() throws IOException {
    Path out = dir.resolve("out");

    Run run =
        run("batch", fivePrompts().toString(), "--out", out.toString(), "--dry-run", "--json");

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.err()).isEmpty();
    Map<String, Object> json = Runs.json(run.out());
    assertThat(json).containsEntry("items", 5.0).containsEntry("pending", 5.0);
    assertThat(out).doesNotExist();
  }

  @Test
  void jsonPrintsTheSummaryAndNothingElse(FakeTogetherServer server) throws IOException {
    Path out = dir.resolve("out");

    Run run =
        runKeyed(
            server,
            "batch",
            fivePrompts().toString(),
            "--out",
            out.toString(),
            "--size",
            "32x32",
            "--json");

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.outLines()).hasSize(1);
    Map<String, Object> json = Runs.json(run.out());
    assertThat(json)
        .containsEntry("items", 5.0)
        .containsEntry("done", 5.0)
        .containsEntry("failed", 0.0)
        .containsEntry("pending", 0.0)
        .containsEntry("generated", 5.0)
        .containsEntry("manifest", out.resolve(ImageBatch.MANIFEST).toString());
  }

  @Test
  void aFailedItemExitsThreeAndRetryFailedTriesItAgain(FakeTogetherServer server)
      throws IOException {
    Path file = fivePrompts();
    Path out = dir.resolve("out");
    server.enqueue(Fault.error(400, "invalid_request_error", "the safety checker refused it"));
    String[] args = {"batch", file.toString(), "--out", out.toString(), "--size", "32x32"};

    Run run = runKeyed(server, concat(args, "--concurrency", "1"));

    assertThat(run.status()).as(run.toString()).isEqualTo(3);
    assertThat(run.errLines()).as(run.toString()).hasSize(2);
    assertThat(run.errLines().get(0))
        .startsWith("failed: line 1: ")
        .contains("the safety checker refused it");
    assertThat(run.errLines().get(1))
        .startsWith("5 items: 4 done, 1 failed, 0 pending; ")
        .endsWith("--retry-failed tries them again");
    assertThat(images(out)).hasSize(4).doesNotContain("000001_a_red_fox.jpg");
    int served = server.generationsServed();

    Run again = runKeyed(server, args);

    assertThat(again.status()).as(again.toString()).isEqualTo(3);
    assertThat(server.generationsServed()).isEqualTo(served);

    Run retried = runKeyed(server, concat(args, "--retry-failed"));

    assertThat(retried.status()).as(retried.toString()).isZero();
    assertThat(retried.errLines())
        .singleElement()
        .asString()
        .startsWith("5 items: 5 done (4 before), 0 failed, 0 pending; 1 generated");
    assertThat(images(out)).hasSize(5).contains("000001_a_red_fox.jpg");
  }

  @Test
  void unknownJsonlFieldsAreSentAsTheyAreAndItemFieldsOverrideTheDefaults(FakeTogetherServer server)
      throws IOException {
    Path file =
        prompts("prompts.jsonl", "{\"prompt\": \"a red fox\", \"steps\": 3, \"style_x\": \"v\"}\n");

    Run run =
        runKeyed(
            server,
            "batch",
            file.toString(),
            "--out",
            dir.resolve("out").toString(),
            "--size",
            "32x32",
            "--steps",
            "2",
            "--extra",
            "tone_x=\"warm\"");

    assertThat(run.status()).as(run.toString()).isZero();
    var request = server.takeRequest();
    assertThat(request.field("prompt")).isEqualTo("a red fox");
    assertThat(request.field("steps")).isEqualTo(3.0);
    assertThat(request.field("width")).isEqualTo(32.0);
    assertThat(request.field("style_x")).isEqualTo("v");
    assertThat(request.field("tone_x")).isEqualTo("warm");
  }

  @Test
  void aRefusedKeyExitsOne(FakeTogetherServer server) throws IOException {
    Path out = dir.resolve("out");

    Run run =
        run(
            Context.of(env("fake-wrong-key-not-real", server.baseUrl())),
            "batch",
            fivePrompts().toString(),
            "--out",
            out.toString());

    assertThat(run.status()).as(run.toString()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).as(run.toString()).singleElement().asString().startsWith("error: ");
    assertThat(images(out)).isEmpty();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "bad.jsonl | `{\"prompt\": \"a\"}\n{\"prompt\": \"b\",\n`            | bad.jsonl:2: ",
        "wide.csv  | `prompt,steps\na,4\nb,4,5\n`                               | wide.csv:3: ",
        "blank.jsonl | `{\"prompt\": \"a\"}\n{\"prompt\": \"  \"}\n`          | blank.jsonl:2: prompt: ",
        "type.jsonl | `{\"prompt\": \"a\"}\n{\"prompt\": \"b\", \"steps\": \"four\"}\n` | type.jsonl:2: steps: ",
        "blank.csv | `prompt,steps\na,4\n ,4\n`                                | blank.csv:3: prompt: ",
        "type.csv  | `prompt,steps\na,4\nb,four\n`                              | type.csv:3: steps: ",
        "empty.txt | ``                                                         | empty.txt: ",
      })
  void badInputIsOneLineNamingFileLineAndFieldAndNothingIsGenerated(
      String name, String content, String where, FakeTogetherServer server) throws IOException {
    Path file = prompts(name, content);
    Path out = dir.resolve("out");

    for (String mode : new String[] {"--dry-run", "--quiet"}) {
      Run run = runKeyed(server, "batch", file.toString(), "--out", out.toString(), mode);

      assertThat(run.status()).as(run.toString()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.errLines())
          .as(run.toString())
          .singleElement()
          .asString()
          .startsWith("error: " + dir.resolve(where.strip()));
    }
    assertThat(server.requestCount()).isZero();
    assertThat(images(out)).isEmpty();
  }

  @ParameterizedTest(name = "batch {0} => {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--shard 3/2          | error: --shard 3/2 is out of range",
        "--shard x            | error: --shard \"x\" is not k/N",
        "--concurrency 0      | error: --concurrency 0: must be 1 to 256",
        "--rpm -1             | error: --rpm -1: must be 1 or more",
        "--steps 0            | error: --steps 0: must be 1 or more",
        "--out                | error: --out needs a value",
      })
  void badOptionsAreOneLineAndSendNothing(String args, String message, FakeTogetherServer server)
      throws IOException {
    Path out = dir.resolve("out");
    List<String> argv = new ArrayList<>(List.of("batch", fivePrompts().toString()));
    argv.addAll(List.of(args.strip().split(" +")));
    if (!args.contains("--out")) {
      argv.addAll(List.of("--out", out.toString()));
    }

    Run run = runKeyed(server, argv.toArray(String[]::new));

    assertThat(run.status()).as(run.toString()).isEqualTo(2);
    assertThat(run.errLines()).as(run.toString()).singleElement().asString().startsWith(message);
    assertThat(server.requestCount()).isZero();
    assertThat(out).doesNotExist();
  }

  @Test
  void missingFileMissingOutAndOutThatIsAFileAreOneLineErrors(FakeTogetherServer server)
      throws IOException {
    Path file = fivePrompts();
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");

    Run missing = runKeyed(server, "batch", dir.resolve("nope.txt").toString(), "--out", "o");
    Run noOut = runKeyed(server, "batch", file.toString());
    Run fileOut = runKeyed(server, "batch", file.toString(), "--out", notADirectory.toString());
    Run noKeyFileOut = run("batch", file.toString(), "--out", notADirectory.toString());

    for (Run run : List.of(missing, noOut, fileOut, noKeyFileOut)) {
      assertThat(run.status()).as(run.toString()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.errLines())
          .as(run.toString())
          .singleElement()
          .asString()
          .startsWith("error: ");
    }
    assertThat(missing.err()).contains("nope.txt");
    assertThat(noOut.err()).contains("--out DIR is required");
    assertThat(fileOut.err()).contains(notADirectory.toString());
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void onATerminalAProgressLineIsDrawnAndTakenAwayBeforeTheSummary(FakeTogetherServer server)
      throws IOException {
    Context terminal = Context.of(env(KEY, server.baseUrl())).withTerminal(false, true);

    Run run =
        run(
            terminal,
            "batch",
            fivePrompts().toString(),
            "--out",
            dir.resolve("out").toString(),
            "--size",
            "32x32");

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.err()).contains("\r5/5 done, 0 failed, 0 in flight, ").contains(" images/min");
    String last = run.err().substring(run.err().lastIndexOf('\r') + 1);
    assertThat(last).startsWith("5 items: 5 done, 0 failed, 0 pending; ").doesNotContain("\r");
  }

  @Test
  void anInterruptLetsTheItemInFlightFinishAndExits130(FakeTogetherServer server) throws Exception {
    for (int i = 0; i < 5; i++) {
      server.enqueue(Fault.delay(Duration.ofMillis(300)));
    }
    Path out = dir.resolve("out");
    Run[] result = new Run[1];
    Thread runner =
        new Thread(
            () ->
                result[0] =
                    runKeyed(
                        server,
                        "batch",
                        dir.resolve("prompts.txt").toString(),
                        "--out",
                        out.toString(),
                        "--size",
                        "32x32",
                        "--concurrency",
                        "1"));
    fivePrompts();
    runner.start();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!Files.exists(out.resolve("000001_a_red_fox.jpg")) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }

    runner.interrupt();
    runner.join(20_000);

    Run run = result[0];
    assertThat(run.status()).as(run.toString()).isEqualTo(BatchCommand.INTERRUPTED);
    assertThat(run.errLines()).singleElement().asString().startsWith("Interrupted: 5 items: ");
    assertThat(manifestItems(out)).hasSize(server.generationsServed());
    assertThat(server.generationsServed()).isBetween(1, 4);
  }

  @Test
  void theProgressLineSaysDoneFailedInFlightRateAndEta() {
    assertThat(BatchCommand.Bar.duration(Duration.ofSeconds(42))).isEqualTo("42s");
    assertThat(BatchCommand.Bar.duration(Duration.ofSeconds(250))).isEqualTo("4m10s");
    assertThat(BatchCommand.Bar.duration(Duration.ofSeconds(3725))).isEqualTo("1h02m05s");
  }

  private static String[] concat(String[] args, String... more) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
