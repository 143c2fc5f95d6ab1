package io.github.together4j.images.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.ImageBatch;
import io.github.together4j.images.ImageBatchException;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.Fault;
import io.github.together4j.images.testkit.RecordedImageRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ImageBatch} against the testkit's fake server over loopback, files in a temp dir. */
class ImageBatchTest {
  @TempDir Path temp;

  FakeTogetherServer server;
  TogetherImages client;
  Path out;

  @BeforeEach
  void start() {
    server = FakeTogetherServer.builder().fixedImage(BatchKillTest.tinyPng()).start();
    client = server.newClient();
    out = temp.resolve("out");
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void everyItemIsGeneratedOnceAndRecordedWithItsFiles() throws IOException {
    Path input = prompts(20);

    ImageBatch.Summary summary = batch(input).build().run(client);

    assertThat(summary.isComplete()).isTrue();
    assertThat(summary.items()).isEqualTo(20);
    assertThat(summary.generated()).isEqualTo(20);
    assertThat(summary.requests()).isEqualTo(20);
    assertThat(server.generationsServed()).isEqualTo(20);
    List<Map<String, Object>> items = BatchManifests.assertEachDoneOnce(out, 20);
    Map<String, Object> first =
        items.stream().filter(i -> ((Number) i.get("line")).intValue() == 1).findFirst().get();
    assertThat(first)
        .containsEntry("prompt", "prompt number 1")
        .containsEntry("status", "done")
        .containsEntry("attempts", 1.0)
        .containsKeys("key", "request_sha256", "request_id", "seed", "files", "error");
    assertThat((String) first.get("key")).startsWith("1:");
    assertThat(((List<?>) first.get("files")).toString()).contains("000001_prompt_number_1.png");
    assertThat(BatchManifests.runs(out).get(0))
        .containsEntry("input_items", 20.0)
        .containsEntry("shard", "1/1");
  }

  @Test
  void aSecondRunSkipsWhatIsDoneAndGeneratesNothing() throws IOException {
    Path input = prompts(12);
    batch(input).build().run(client);

    ImageBatch.Summary again = batch(input).build().run(client);

    assertThat(again.alreadyDone()).isEqualTo(12);
    assertThat(again.generated()).isZero();
    assertThat(again.requests()).isZero();
    assertThat(server.generationsServed()).isEqualTo(12);
    BatchManifests.assertEachDoneOnce(out, 12);
  }

  @Test
  void anItemWhoseFileWasDeletedIsGeneratedAgain() throws IOException {
    Path input = prompts(5);
    batch(input).build().run(client);
    Files.delete(out.resolve("000003_prompt_number_3.png"));

    ImageBatch.Summary again = batch(input).build().run(client);

    assertThat(again.filesMissing()).isEqualTo(1);
    assertThat(again.generated()).isEqualTo(1);
    assertThat(out.resolve("000003_prompt_number_3.png")).isRegularFile();
    assertThat(server.generationsServed()).isEqualTo(6);
  }

  @Test
  void aRefusedPromptFailsItsItemWithTheServersMessageAndTheBatchGoesOn() throws IOException {
    Path input = prompts(6);
    server.enqueue(
        Fault.error(400, "invalid_request_error", "Prompt was flagged by the safety checker"));
    List<String> heard = new ArrayList<>();

    ImageBatch.Summary summary =
        batch(input)
            .concurrency(1)
            .listener(
                new ImageBatch.Listener() {
                  @Override
                  public void itemFailed(long line, String prompt, String error) {
                    heard.add(line + " " + prompt + ": " + error);
                  }
                })
            .build()
            .run(client);

    assertThat(summary.failed()).isEqualTo(1);
    assertThat(summary.done()).isEqualTo(5);
    assertThat(summary.isComplete()).isFalse();
    assertThat(heard)
        .containsExactly(
            "1 prompt number 1: HTTP 400 invalid_request_error: Prompt was flagged by the safety"
                + " checker; request-id: fake-req-1");
    Map<String, Object> failed = BatchManifests.items(out).get(0);
    assertThat(failed).containsEntry("status", "failed").containsEntry("line", 1.0);
    @SuppressWarnings("unchecked") // a JSON object
    Map<String, Object> error = (Map<String, Object>) failed.get("error");
    assertThat(error)
        .containsEntry("status", 400.0)
        .containsEntry("message", "Prompt was flagged by the safety checker");

    // Failed items stay failed, unless retried.
    ImageBatch.Summary again = batch(input).build().run(client);
    assertThat(again.failed()).isEqualTo(1);
    assertThat(again.requests()).isZero();
    ImageBatch.Summary retried = batch(input).retryFailed(true).build().run(client);
    assertThat(retried.isComplete()).isTrue();
    assertThat(retried.generated()).isEqualTo(1);
    assertThat(server.generationsServed()).isEqualTo(6);
  }

  @Test
  void serverErrorsAreRetriedWithinTheClientsBudget() throws IOException {
    Path input = prompts(1);
    server.enqueue(Fault.overloaded());
    server.enqueue(Fault.dropMidBody());

    ImageBatch.Summary summary = batch(input).build().run(client);

    assertThat(summary.isComplete()).isTrue();
    assertThat(summary.requests()).isEqualTo(3);
    assertThat(BatchManifests.items(out).get(0)).containsEntry("attempts", 3.0);

    server.enqueue(Fault.overloaded());
    try (TogetherImages noRetries = server.clientBuilder().maxRetries(0).build()) {
      ImageBatch.Summary failed =
          batch(prompts(2)).outputDirectory(temp.resolve("out2")).build().run(noRetries);
      assertThat(failed.failed()).isEqualTo(1);
      assertThat(failed.requests()).isEqualTo(2);
    }
  }

  @Test
  void aRateLimitedServerIsFollowedWithoutFailingAnItem() throws IOException {
    try (FakeTogetherServer limited =
            FakeTogetherServer.builder()
                .fixedImage(BatchKillTest.tinyPng())
                .rateLimit(1200)
                .generationLatency(Duration.ofMillis(100))
                .start();
        TogetherImages limitedClient = limited.newClient()) {
      ImageBatch.Summary summary = batch(prompts(60)).concurrency(32).build().run(limitedClient);

      assertThat(summary.isComplete()).isTrue();
      assertThat(summary.rateLimited()).isEqualTo(limited.rateLimitedCount()).isPositive();
      assertThat(summary.concurrency()).isLessThan(32);
      assertThat(limited.generationsServed()).isEqualTo(60);
      BatchManifests.assertEachDoneOnce(out, 60);
    }
  }

  @Test
  void requestsPerMinuteSpacesRequestsSoNoneIsRefused() throws IOException {
    try (FakeTogetherServer limited =
            FakeTogetherServer.builder()
                .fixedImage(BatchKillTest.tinyPng())
                .rateLimit(600)
                .start();
        TogetherImages limitedClient = limited.newClient()) {
      ImageBatch.Summary summary =
          batch(prompts(25)).concurrency(16).requestsPerMinute(600).build().run(limitedClient);

      assertThat(summary.isComplete()).isTrue();
      assertThat(limited.rateLimitedCount()).isZero();
      // 25 requests 100 ms apart: at least 2.4 s.
      assertThat(summary.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(2400));
    }
  }

  @Test
  void aWrongKeyStopsTheBatchAndRecordsNoItem() throws IOException {
    try (TogetherImages wrong = server.clientBuilder().apiKey("wrong-key").build()) {
      assertThatThrownBy(() -> batch(prompts(10)).build().run(wrong))
          .isInstanceOfSatisfying(
              ImageBatchException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(ImageBatchException.Kind.API);
                assertThat(e.summary()).isNotNull();
              })
          .hasMessageStartingWith("the API refused the account, so no item can succeed: HTTP 401");
    }
    assertThat(BatchManifests.items(out)).isEmpty();
    assertThat(server.requestCount()).isLessThanOrEqualTo(8);
  }

  @Test
  void itemsOverrideTheDefaultsAndUnknownFieldsGoThroughAsExtras() throws IOException {
    Path input = temp.resolve("requests.jsonl");
    Files.writeString(
        input,
        "{\"prompt\": \"a fox\", \"seed\": 7, \"aspect_ratio\": \"16:9\"}\n"
            + "{\"prompt\": \"a cat\", \"width\": 32, \"output_format\": \"png\"}\n");

    batch(input).build().run(client);

    RecordedImageRequest first = server.takeRequest();
    RecordedImageRequest second = server.takeRequest();
    if (!"a fox".equals(first.field("prompt"))) {
      RecordedImageRequest swap = first;
      first = second;
      second = swap;
    }
    assertThat(first.field("seed")).isEqualTo(7.0);
    assertThat(first.field("aspect_ratio")).isEqualTo("16:9");
    assertThat(first.field("steps")).isEqualTo(2.0);
    assertThat(first.field("width")).isEqualTo(16.0);
    assertThat(first.field("response_format")).isEqualTo("base64");
    assertThat(second.field("width")).isEqualTo(32.0);
    assertThat(second.field("output_format")).isEqualTo("png");
  }

  @Test
  void aManifestForAnotherInputOrOtherDefaultsIsRefusedBeforeAnyRequest() throws IOException {
    Path input = prompts(5);
    batch(input).build().run(client);
    int served = server.generationsServed();

    assertThatThrownBy(
            () ->
                batch(input)
                    .defaults(ImageGenerationRequest.builder().size(16, 16).steps(8))
                    .build()
                    .run(client))
        .isInstanceOfSatisfying(
            ImageBatchException.class,
            e -> assertThat(e.kind()).isEqualTo(ImageBatchException.Kind.MANIFEST))
        .hasMessageContaining("was written with other defaults (steps 2 (now 8))");

    List<String> lines = new ArrayList<>(Files.readAllLines(input));
    lines.set(2, "a different prompt");
    Files.write(input, lines);
    assertThatThrownBy(() -> batch(input).build().dryRun(client))
        .isInstanceOf(ImageBatchException.class)
        .hasMessageContaining(
            "was written for another input: line 3 has changed (it was \"prompt number 3\", now"
                + " \"a different prompt\")");
    assertThat(server.generationsServed()).isEqualTo(served);
  }

  @Test
  void dryRunCountsWithoutARequestAndNamesTheFirstBadLine() throws IOException {
    Path input = prompts(7);
    ImageBatch.Summary dry = batch(input).build().dryRun(client);
    assertThat(dry.items()).isEqualTo(7);
    assertThat(dry.pending()).isEqualTo(7);
    assertThat(server.requestCount()).isZero();
    assertThat(out).doesNotExist();

    Path bad = temp.resolve("bad.jsonl");
    Files.writeString(bad, "{\"prompt\": \"ok\"}\n{\"prompt\": \"x\", \"steps\": \"four\"}\n");
    assertThatThrownBy(() -> batch(bad).build().run(client))
        .isInstanceOfSatisfying(
            ImageBatchException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ImageBatchException.Kind.INPUT);
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.field()).isEqualTo("steps");
            })
        .hasMessage(bad + ":2: steps: expected a whole number, got \"four\"");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void shardsSplitTheItemsAndTheirManifestsConcatenate() throws IOException {
    Path input = prompts(30);
    Set<Long> lines = new HashSet<>();
    long total = 0;
    StringBuilder merged = new StringBuilder();
    for (int k = 1; k <= 3; k++) {
      Path shardOut = temp.resolve("shard" + k);
      ImageBatch.Summary summary =
          batch(input).outputDirectory(shardOut).shard(k + "/3").build().run(client);
      assertThat(summary.isComplete()).isTrue();
      total += summary.items();
      for (Map<String, Object> item : BatchManifests.items(shardOut)) {
        assertThat(lines.add(((Number) item.get("line")).longValue())).isTrue();
      }
      merged.append(Files.readString(shardOut.resolve("manifest.jsonl")));
    }
    assertThat(total).isEqualTo(30);
    assertThat(lines).hasSize(30);
    assertThat(server.generationsServed()).isEqualTo(30);

    // cat of the shards' manifests is the manifest of the whole: nothing left to do.
    Path all = temp.resolve("all");
    Files.createDirectories(all);
    Files.writeString(all.resolve("manifest.jsonl"), merged);
    for (int k = 1; k <= 3; k++) {
      try (var files = Files.list(temp.resolve("shard" + k))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".png")).toList()) {
          Files.copy(file, all.resolve(file.getFileName()));
        }
      }
    }
    ImageBatch.Summary whole = batch(input).outputDirectory(all).build().dryRun(client);
    assertThat(whole.alreadyDone()).isEqualTo(30);
    assertThat(whole.pending()).isZero();
  }

  private ImageBatch.Builder batch(Path input) {
    return ImageBatch.fromFile(input)
        .outputDirectory(out)
        .defaults(ImageGenerationRequest.builder().size(16, 16).steps(2));
  }

  private Path prompts(int count) throws IOException {
    Path input = temp.resolve("prompts-" + count + ".txt");
    Files.write(
        input, IntStream.rangeClosed(1, count).mapToObj(i -> "prompt number " + i).toList());
    return input;
  }
}
