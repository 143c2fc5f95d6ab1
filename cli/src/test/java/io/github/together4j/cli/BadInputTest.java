package io.github.together4j.cli;

import static io.github.together4j.cli.Runs.env;
import static io.github.together4j.cli.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.github.together4j.cli.Runs.Run;
import io.github.together4j.images.testkit.FakeTogether;
import io.github.together4j.images.testkit.FakeTogetherServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bad input the issue lists: one line on standard error naming what is wrong, the right exit
 * status, nothing on standard output, nothing written, and for usage errors nothing sent.
 */
@FakeTogether
class BadInputTest {
  @TempDir Path dir;

  private Run runKeyed(FakeTogetherServer server, String... args) {
    return run(Context.of(env(server.apiKey(), server.baseUrl())), args);
  }

  @ParameterizedTest(name = "generate {0} => exit {1}: {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "''                        | 2 | error: PROMPT is blank",
        "'   '                     | 2 | error: PROMPT is blank",
        "x --n 0                   | 2 | error: --n 0: must be 1 or more",
        "x --n two                 | 2 | error: --n two: not a whole number",
        "x --size 10               | 2 | error: --size 10: expected WIDTHxHEIGHT in pixels, e.g. 1024x768",
        "x --size 0x512            | 2 | error: --size 0x512: width and height must be 1 or more",
        "x --size axb              | 2 | error: --size axb: expected WIDTHxHEIGHT",
        "x --format gif            | 2 | error: --format gif: expected jpeg or png",
        "x --bogus                 | 2 | error: unknown option --bogus",
        "x --seeed 1               | 2 | error: unknown option --seeed; did you mean --seed?",
        "x --extra foo=bar         | 2 | error: --extra foo=bar: not JSON; a string needs quotes: foo='\"bar\"'",
        "x --extra foo={           | 2 | error: --extra foo={: not JSON (it ends early)",
        "x --extra foo             | 2 | error: --extra foo: expected NAME=JSON",
        "x --extra width=5         | 2 | error: --extra width=…: width has its own option, --width",
        "x --lora https://h/l:abc  | 2 | error: --lora https://h/l:abc: the scale \"abc\" is not a number",
        "x --guidance NaN          | 2 | error: --guidance NaN: not a number",
        "x --n                     | 2 | error: --n needs a value (N)",
        "x y                       | 2 | error: unexpected argument \"y\": generate takes one PROMPT",
        "x --size 8x8 --width 8    | 2 | error: --size and --width/--height: give one or the other",
        "x --n 2 --name fox        | 2 | error: --name fox: add {index}",
        "x --name fox.png          | 2 | error: --name fox.png: no dots",
        "x --name a/b              | 2 | error: --name a/b: a file name only",
        "x --model ' '             | 2 | error: --model is blank",
        "x --steps 0               | 2 | error: --steps 0: must be 1 or more",
        "x --n 5                   | 1 | error: HTTP 400 invalid_request_error: n must be at most 4",
      })
  void badInputIsOneLineAndWritesNothing(
      String args, int status, String message, FakeTogetherServer server) throws IOException {
    Path out = dir.resolve("out");
    List<String> argv = new ArrayList<>(List.of("generate"));
    argv.addAll(split(args));
    argv.addAll(List.of("--out", out.toString()));

    Run run = runKeyed(server, argv.toArray(String[]::new));

    assertThat(run.status()).as(run.toString()).isEqualTo(status);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).as(run.toString()).singleElement().asString().startsWith(message);
    assertThat(server.requestCount()).isEqualTo(status == 2 ? 0 : 1);
    Runs.assertNothingIn(out);
    assertThat(out).doesNotExist();
  }

  @Test
  void usageErrorsDoNotStartTheFakeServer() {
    Run run = run("generate", "x", "--size", "10", "--out", dir.toString());

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.errLines()).singleElement().asString().startsWith("error: --size 10:");
  }

  @Test
  void outThatIsAFile(FakeTogetherServer server) throws IOException {
    Path file = Files.writeString(dir.resolve("file.txt"), "x");

    Run run = runKeyed(server, "generate", "x", "--out", file.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.errLines())
        .containsExactly("error: --out " + file + " is a file, not a directory");
    assertThat(server.requestCount()).isZero();
    assertThat(file).hasContent("x");
  }

  @Test
  void outUnderAFile(FakeTogetherServer server) throws IOException {
    Path file = Files.writeString(dir.resolve("file.txt"), "x");

    Run run = runKeyed(server, "generate", "x", "--out", file.resolve("sub").toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.errLines())
        .containsExactly(
            "error: cannot create --out " + file.resolve("sub") + ": " + file + " is a file");
  }

  @Test
  void unwritableOutNamesTheImagesPath(FakeTogetherServer server) throws IOException {
    Path out = unwritableDirectory();

    Run run = runKeyed(server, "generate", "a fox", "--out", out.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.errLines())
        .containsExactly(
            "error: cannot write " + out.resolve("a_fox_0.jpg") + ": permission denied");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void existingFileWithoutOverwriteIsLeftUntouched(FakeTogetherServer server) throws IOException {
    Path existing = Files.writeString(dir.resolve("a_fox_1.jpg"), "mine");

    Run run = runKeyed(server, "generate", "a fox", "--n", "2", "--out", dir.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines())
        .containsExactly("error: " + existing + " already exists; pass --overwrite to replace it");
    assertThat(existing).hasContent("mine");
    assertThat(dir.resolve("a_fox_0.jpg")).doesNotExist();
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void existingFileOfAnotherFormatIsFoundAfterTheCallAndLeftUntouched(FakeTogetherServer server)
      throws IOException {
    // Asked for PNG, so the check before the call looks for a_fox_0.png; the server sends PNG.
    Path existing = Files.writeString(dir.resolve("a_fox_0.png"), "mine");

    Run run = runKeyed(server, "generate", "a fox", "--format", "png", "--out", dir.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.errLines())
        .containsExactly("error: " + existing + " already exists; pass --overwrite to replace it");
    assertThat(existing).hasContent("mine");
  }

  @Test
  void plainHttpToARemoteHostIsRefusedBeforeAnything() {
    Context context =
        Context.of(
            Map.of("TOGETHER_API_KEY", "k-123", "TOGETHER_BASE_URL", "http://example.com/v1"));

    Run run = run(context, "generate", "x", "--out", dir.resolve("out").toString());

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.errLines())
        .singleElement()
        .asString()
        .startsWith(
            "error: TOGETHER_BASE_URL: refusing to send the API key over plain http to example.com");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void noCommandPrintsTheHelp() {
    Run run = run();

    assertThat(run.status()).isZero();
    assertThat(run.out()).startsWith("Usage: together4j [-hV] [--verbose] COMMAND");
  }

  @Test
  void unknownCommandSuggestsOne() {
    Run run = run("generat", "x");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.errLines())
        .containsExactly(
            "error: unknown command \"generat\"; did you mean generate or generate-completion?"
                + " (see together4j --help)");
  }

  /** A directory this process cannot create files in: read-only for a user, /sys for root. */
  private Path unwritableDirectory() throws IOException {
    if ("root".equals(System.getProperty("user.name"))) {
      Path sys = Path.of("/sys");
      assumeThat(Files.isDirectory(sys)).as("/sys, which even root cannot write").isTrue();
      return sys.resolve("together4j-test");
    }
    Path out = Files.createDirectory(dir.resolve("read-only"));
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("r-xr-xr-x"));
    return out;
  }

  /** Splits on spaces, keeping '…' quoted parts whole (without the quotes). */
  static List<String> split(String args) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (char c : args.toCharArray()) {
      if (c == '\'') {
        quoted = !quoted;
        any = true;
      } else if (c == ' ' && !quoted) {
        if (any || current.length() > 0) {
          out.add(current.toString());
        }
        current.setLength(0);
        any = false;
      } else {
        current.append(c);
      }
    }
    if (any || current.length() > 0) {
      out.add(current.toString());
    }
    return out;
  }
}
