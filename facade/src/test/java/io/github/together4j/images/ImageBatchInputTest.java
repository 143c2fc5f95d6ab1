package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.internal.FileNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link ImageBatch} reads from its input, and how it refuses a bad one before any request.
 */
class ImageBatchInputTest {
  @TempDir Path temp;

  @Test
  void textHasOnePromptALineStrippedWithTrailingBlankLinesAndAByteOrderMarkIgnored()
      throws IOException {
    Path input = write("prompts.txt", "\uFEFF a fox \r\na cat\r\n\n  \n");

    List<ImageGenerationRequest> requests = read(input);

    assertThat(requests)
        .extracting(ImageGenerationRequest::prompt)
        .containsExactly("a fox", "a cat");
    assertThat(
            ImageBatch.fromFile(input)
                .outputDirectory(temp.resolve("out"))
                .build()
                .dryRun()
                .items())
        .isEqualTo(2);
  }

  @Test
  void aBlankLineBeforeMorePromptsIsRefusedNamingItsLine() throws IOException {
    Path input = write("prompts.txt", "a fox\n\na cat\n");

    assertInputError(input, 2, null, "blank line: every line must hold an item");
  }

  @Test
  void jsonLinesOverrideTheDefaultsAndPassUnknownFieldsAsExtras() throws IOException {
    Path input =
        write(
            "prompts.jsonl",
            "{\"prompt\":\"a fox\",\"steps\":8,\"seed\":7,\"guidance_scale\":3.5,"
                + "\"output_format\":\"png\",\"aspect_ratio\":\"16:9\",\"image_loras\":"
                + "[{\"path\":\"https://x/l.safetensors\",\"scale\":0.5}],\"num\":3}\n"
                + "{\"prompt\":\"a cat\"}\n");

    List<ImageGenerationRequest> requests =
        read(input, ImageGenerationRequest.builder().steps(4).model("m/x").size(512, 512));

    ImageGenerationRequest fox = requests.get(0);
    assertThat(fox.steps()).isEqualTo(8);
    assertThat(fox.seed()).isEqualTo(7);
    assertThat(fox.guidanceScale()).isEqualTo(3.5);
    assertThat(fox.outputFormat()).isEqualTo(ImageGenerationRequest.OutputFormat.PNG);
    assertThat(fox.model()).isEqualTo("m/x");
    assertThat(fox.width()).isEqualTo(512);
    assertThat(fox.imageLoras())
        .containsExactly(new ImageGenerationRequest.Lora("https://x/l.safetensors", 0.5));
    assertThat(fox.extras()).containsEntry("aspect_ratio", "16:9").containsEntry("num", 3);
    assertThat(requests.get(1).steps()).isEqualTo(4);
  }

  @Test
  void malformedJsonLinesAreRefusedNamingFileLineAndField() throws IOException {
    assertInputError(
        write("a.jsonl", "{\"prompt\":\"ok\"}\n{\"prompt\": \"x\"\n"), 2, null, "not valid JSON: ");
    assertInputError(
        write("b.jsonl", "[\"a fox\"]\n"), 1, null, "expected a JSON object, got an array");
    assertInputError(
        write("c.jsonl", "{\"steps\": 4}\n"), 1, "prompt", "missing: every object needs a prompt");
    assertInputError(
        write("d.jsonl", "{\"prompt\": \"  \"}\n"), 1, "prompt", "is blank: describe the image");
    assertInputError(
        write("e.jsonl", "{\"prompt\": \"x\", \"width\": \"wide\"}\n"),
        1,
        "width",
        "expected a whole number, got \"wide\"");
    assertInputError(
        write("f.jsonl", "{\"prompt\": \"x\", \"seed\": 1.5}\n"),
        1,
        "seed",
        "expected a whole number");
    assertInputError(
        write("g.jsonl", "{\"prompt\": \"x\", \"width\": 0}\n"),
        1,
        "width",
        "0 is out of range: allowed is 1 or more");
    assertInputError(
        write("h.jsonl", "{\"prompt\": \"x\", \"output_format\": \"gif\"}\n"),
        1,
        "output_format",
        "expected jpeg or png, got \"gif\"");
    assertInputError(
        write("i.jsonl", "{\"prompt\": \"x\", \"prompt\": \"y\"}\n"),
        1,
        null,
        "the object has \"prompt\" twice");
    assertInputError(
        write("j.jsonl", "{\"prompt\": \"x\"} {}\n"), 1, null, "not valid JSON: text follows");
  }

  @Test
  void csvHasAHeaderQuotedFieldsAndEmptyCellsThatKeepTheDefaults() throws IOException {
    Path input =
        write(
            "prompts.csv",
            "prompt,steps,seed,style\n"
                + "\"a fox, running\",8,,watercolor\n"
                + "\"a \"\"quoted\"\" cat\non two lines\",,3,0.5\n"
                + "a dog,2,1,true\n");

    List<ImageGenerationRequest> requests = read(input, ImageGenerationRequest.builder().steps(4));

    assertThat(requests)
        .extracting(ImageGenerationRequest::prompt)
        .containsExactly("a fox, running", "a \"quoted\" cat\non two lines", "a dog");
    assertThat(requests).extracting(ImageGenerationRequest::steps).containsExactly(8, 4, 2);
    assertThat(requests.get(0).seed()).isNull();
    assertThat(requests.get(0).extras()).containsEntry("style", "watercolor");
    assertThat(requests.get(1).extras()).containsEntry("style", 0.5);
    assertThat(requests.get(2).extras()).containsEntry("style", true);
    // The third item starts on line 5: the second spans lines 3 and 4.
    assertInputError(
        write("bad.csv", "prompt,steps\n\"a\nb\",1\nc,2,3\n"),
        4,
        null,
        "the row has 3 fields but the header has 2");
  }

  @Test
  void badCsvIsRefusedNamingItsLine() throws IOException {
    assertInputError(
        write("a.csv", "text,steps\nx,1\n"),
        1,
        "prompt",
        "the header has no prompt column (it has: text, steps)");
    assertInputError(write("b.csv", "prompt\n\"never closed\n"), 2, null, "never closed");
    assertInputError(write("c.csv", "prompt,seed\nx,soon\n"), 2, "seed", "expected a whole number");
    assertInputError(write("d.csv", "prompt,prompt\nx,y\n"), 1, "prompt", "twice");
    assertInputError(write("e.csv", "prompt\n"), 0, null, "is empty: no items");
  }

  @Test
  void aMissingEmptyOrUnknownInputIsRefused() throws IOException {
    assertInputError(temp.resolve("none.txt"), 0, null, "no such file");
    assertInputError(write("empty.txt", ""), 0, null, "is empty: no items");
    assertInputError(write("blank.txt", "\n\n"), 0, null, "is empty: no items");
    assertThatThrownBy(() -> ImageBatch.fromFile(temp.resolve("prompts.xlsx")))
        .isInstanceOf(ImageBatchException.class)
        .hasMessageContaining("cannot tell the format from the name");
    Files.write(temp.resolve("bad.txt"), new byte[] {'o', 'k', '\n', (byte) 0xff, '\n'});
    assertInputError(temp.resolve("bad.txt"), 2, null, "is not valid UTF-8");
  }

  @Test
  void optionsAreCheckedWhenSet() throws IOException {
    ImageBatch.Builder builder = ImageBatch.fromFile(write("p.txt", "x\n"));
    assertThatThrownBy(() -> builder.shard("3/2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "shard 3/2 is out of range: use k/N with N at least 1 and k from 1 to N, e.g. 1/4");
    assertThatThrownBy(() -> builder.shard("half"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shard \"half\" is not k/N: use e.g. 1/4 for the first of four shards");
    assertThatThrownBy(() -> builder.namePattern("{slug}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("namePattern = \"{slug}\" has neither {item} nor {line}");
    assertThatThrownBy(() -> builder.concurrency(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("concurrency = 0 is out of range: allowed is 1 to 256");
    assertThatThrownBy(() -> builder.defaults(ImageGenerationRequest.builder().steps(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("steps = 0 is out of range: allowed is 1 or more");
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("outputDirectory is required: call outputDirectory(Path)");
    assertThatThrownBy(
            () ->
                ImageBatch.fromRequests(List.of(ImageGenerationRequest.of("x")))
                    .outputDirectory(temp)
                    .defaults(ImageGenerationRequest.builder())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("defaults do not apply to requests given in code");
  }

  @Test
  void anOutputDirectoryThatCannotBeWrittenIsRefused() throws IOException {
    Path file = write("not-a-dir", "x");
    ImageBatch batch =
        ImageBatch.fromFile(write("p.txt", "x\n")).outputDirectory(file.resolve("out")).build();

    assertThatThrownBy(batch::dryRun)
        .isInstanceOfSatisfying(
            ImageBatchException.class,
            e -> assertThat(e.kind()).isEqualTo(ImageBatchException.Kind.OUTPUT))
        .hasMessageContaining("is not a directory");
  }

  @Test
  void itemsAreNamedByNumberAndSlugAndShardedStably() {
    BatchItem item =
        new BatchItem(42, 42, ImageGenerationRequest.of("A Lighthouse, at dusk!"), "m/x");
    assertThat(item.namePattern(ImageBatch.DEFAULT_NAME_PATTERN))
        .isEqualTo("000042_a_lighthouse_at_dusk");
    assertThat(item.key).startsWith("42:").hasSize(3 + 16);
    BatchItem four = new BatchItem(7, 7, ImageGenerationRequest.builder("x").n(4).build(), "m/x");
    assertThat(four.namePattern("{item}")).isEqualTo("000007_{index}");
    assertThat(FileNames.slug("Café 24/7")).isEqualTo("café_24_7");
    assertThat(FileNames.slug("!!!")).isEqualTo("image");

    int[] counts = new int[4];
    for (int line = 1; line <= 400; line++) {
      BatchItem next = new BatchItem(line, line, ImageGenerationRequest.of("p" + line), "m/x");
      int shards = 0;
      for (int k = 1; k <= 4; k++) {
        if (next.inShard(k, 4)) {
          counts[k - 1]++;
          shards++;
        }
      }
      assertThat(shards).isEqualTo(1);
    }
    for (int count : counts) {
      assertThat(count).isBetween(60, 140);
    }
    // The same item, the same key: a shard never moves between runs.
    assertThat(
            new BatchItem(42, 42, ImageGenerationRequest.of("A Lighthouse, at dusk!"), "m/x").key)
        .isEqualTo(item.key);
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(temp.resolve(name), text, StandardCharsets.UTF_8);
  }

  private List<ImageGenerationRequest> read(Path input) {
    return read(input, ImageGenerationRequest.builder());
  }

  private static List<ImageGenerationRequest> read(
      Path input, ImageGenerationRequest.Builder defaults) {
    List<ImageGenerationRequest> requests = new ArrayList<>();
    try (BatchInput.Items items = BatchInput.file(input).open(defaults)) {
      for (BatchInput.Item item; (item = items.next()) != null; ) {
        requests.add(item.request());
      }
    }
    return requests;
  }

  private void assertInputError(Path input, long line, String field, String message) {
    ImageBatch batch = ImageBatch.fromFile(input).outputDirectory(temp.resolve("out")).build();
    assertThatThrownBy(batch::dryRun)
        .isInstanceOfSatisfying(
            ImageBatchException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ImageBatchException.Kind.INPUT);
              assertThat(e.file()).isEqualTo(input);
              assertThat(e.line()).isEqualTo(line);
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.getMessage())
                  .startsWith(input + (line > 0 ? ":" + line : "") + ": ")
                  .contains(message)
                  .doesNotContain("\n");
            });
  }
}
