package io.github.together4j.cli;

import static io.github.together4j.cli.Processes.jar;
import static io.github.together4j.cli.Processes.launcher;
import static io.github.together4j.cli.Processes.median;
import static io.github.together4j.cli.Processes.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.cli.Processes.Result;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.Fault;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The runnable jar as a user runs it: a separate process, against the testkit's server. */
class JarIT {
  static final String KEY = "fake-jar-it-key-not-real";

  static FakeTogetherServer server;

  @TempDir Path dir;

  @BeforeAll
  static void startServer() {
    server = FakeTogetherServer.builder().apiKey(KEY).start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void resetServer() {
    server.reset();
  }

  static Map<String, String> keyed() {
    return Map.of("TOGETHER_API_KEY", KEY, "TOGETHER_BASE_URL", server.baseUrl());
  }

  @Test
  void helpAndVersionExitZero() throws Exception {
    Result help = run(jar("--help"), dir, Map.of(), null);
    Result version = run(jar("--version"), dir, Map.of(), null);
    Result generateHelp = run(jar("generate", "--help"), dir, Map.of(), null);

    assertThat(help.status()).as(help.toString()).isZero();
    assertThat(help.out()).startsWith("Usage: together4j").contains("generate", "models");
    assertThat(help.err()).isEmpty();
    assertThat(version.status()).isZero();
    assertThat(version.out()).matches("(?s)together4j \\d+\\.\\d+\\.\\d+.*\nJava 1?\\d.*");
    assertThat(generateHelp.status()).isZero();
    assertThat(generateHelp.out()).contains("--negative-prompt", "--lora=URL[:SCALE]");
  }

  /** One OkHttp 5 and one Okio 3 in the jar, not relocated, and the manifest runs it. */
  @Test
  void theJarHoldsOneOkHttp5AndOneOkio3() throws Exception {
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(Processes.JAR.toFile())) {
      List<String> names = jar.stream().map(java.util.zip.ZipEntry::getName).toList();
      assertThat(names)
          .filteredOn(n -> n.endsWith("/OkHttpClient.class"))
          .containsExactly("okhttp3/OkHttpClient.class");
      assertThat(names)
          .filteredOn(n -> n.endsWith("/Okio.class"))
          .containsExactly("okio/Okio.class");
      assertThat(names)
          .noneMatch(n -> n.startsWith("org/junit/") || n.endsWith("module-info.class"));
      var manifest = jar.getManifest().getMainAttributes();
      assertThat(manifest.getValue("Main-Class")).isEqualTo("io.github.together4j.cli.Main");
      assertThat(manifest.getValue("Multi-Release")).isEqualTo("true");
    }
    try (java.net.URLClassLoader loader =
        new java.net.URLClassLoader(
            new java.net.URL[] {Processes.JAR.toUri().toURL()},
            ClassLoader.getPlatformClassLoader())) {
      assertThat(loader.loadClass("okhttp3.OkHttp").getField("VERSION").get(null))
          .asString()
          .startsWith("5.");
      // okio.FileSystem is Okio 3's.
      assertThat(loader.loadClass("okio.FileSystem")).isNotNull();
      // The check every client build runs: it names the jars when OkHttp or Okio is wrong.
      loader
          .loadClass("io.github.together4j.images.internal.RuntimeDependencies")
          .getMethod("verify")
          .invoke(null);
    }
  }

  /** The README's main command, less the build: bin/together4j with no key. */
  @Test
  void mainCommandWritesTwoImagesWithoutKey() throws Exception {
    Path second = dir.resolve("generated-images/a_lighthouse_at_dusk_1.jpg");

    Result result =
        run(launcher("generate", "a lighthouse at dusk", "--n", "2"), dir, Map.of(), second);

    assertThat(result.status()).as(result.toString()).isZero();
    assertThat(result.out().lines())
        .containsExactly(
            "generated-images/a_lighthouse_at_dusk_0.jpg",
            "generated-images/a_lighthouse_at_dusk_1.jpg");
    GenerateCommandTest.assertImage(
        dir.resolve("generated-images/a_lighthouse_at_dusk_0.jpg"), 1024, 1024);
    GenerateCommandTest.assertImage(second, 1024, 1024);
    assertThat(result.errLines()).hasSize(2);
    assertThat(result.errLines().get(0))
        .startsWith("No TOGETHER_API_KEY set: using the embedded fake Together server");
  }

  @Test
  void jsonIsOneDocumentOnStandardOutput() throws Exception {
    Result result =
        run(
            jar("generate", "a red fox", "--n", "2", "--size", "64x64", "--json"),
            dir,
            keyed(),
            null);

    assertThat(result.status()).as(result.toString()).isZero();
    assertThat(result.err()).isEmpty();
    Map<String, Object> json = Runs.json(result.out());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> files = (List<Map<String, Object>>) json.get("files");
    assertThat(files).hasSize(2);
    for (Map<String, Object> file : files) {
      Path path = Path.of((String) file.get("path"));
      assertThat(path).isAbsolute().startsWith(dir.toRealPath());
      assertThat(file.get("sha256")).isEqualTo(GenerateCommandTest.sha256(path));
    }
    assertThat(server.takeRequest().field("n")).isEqualTo(2.0);
  }

  @Test
  void modelsJsonListsTheServersImageModels() throws Exception {
    Result result = run(jar("models", "--json"), dir, keyed(), null);

    assertThat(result.status()).as(result.toString()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(Runs.jsonArray(result.out())).hasSize(5);
  }

  @ParameterizedTest(name = "{0} => exit {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "generate ''                                     | 2 | error: PROMPT is blank",
        "generate x --n 0                                | 2 | error: --n 0: must be 1 or more",
        "generate x --size 10                            | 2 | error: --size 10: expected WIDTHxHEIGHT",
        "generate x --format gif                         | 2 | error: --format gif: expected jpeg or png",
        "generate x --bogus                              | 2 | error: unknown option --bogus",
        "generate x --extra foo=bar                      | 2 | error: --extra foo=bar: not JSON",
        "generate x --lora https://h/l.safetensors:big   | 2 | error: --lora https://h/l.safetensors:big: the scale",
        "generate x --n 5                                | 1 | error: HTTP 400 invalid_request_error: n must be at most 4",
        "bogus                                           | 2 | error: unknown command \"bogus\"",
      })
  void badInputExitsWithOneLine(String args, int status, String message) throws Exception {
    Path out = dir.resolve("out");
    List<String> argv = new ArrayList<>(BadInputTest.split(args));
    if (argv.get(0).equals("generate")) {
      argv.addAll(List.of("--out", out.toString()));
    }

    Result result = run(jar(argv.toArray(String[]::new)), dir, keyed(), null);

    assertThat(result.status()).as(result.toString()).isEqualTo(status);
    assertThat(result.out()).isEmpty();
    assertThat(result.errLines()).singleElement().asString().startsWith(message);
    assertThat(out).doesNotExist();
  }

  @Test
  void existingFileIsLeftAloneAndExitsOne() throws Exception {
    Path existing = Files.writeString(dir.resolve("a_fox_0.jpg"), "mine");

    Result result = run(jar("generate", "a fox", "--out", dir.toString()), dir, keyed(), null);

    assertThat(result.status()).isEqualTo(1);
    assertThat(result.errLines())
        .containsExactly("error: " + existing + " already exists; pass --overwrite to replace it");
    assertThat(existing).hasContent("mine");
  }

  @Test
  void plainHttpToARemoteHostIsRefused() throws Exception {
    Map<String, String> env =
        Map.of("TOGETHER_API_KEY", KEY, "TOGETHER_BASE_URL", "http://images.example.com/v1");

    Result result =
        run(jar("generate", "x", "--out", dir.resolve("out").toString()), dir, env, null);

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .startsWith("error: TOGETHER_BASE_URL: refusing to send the API key over plain http");
  }

  @Test
  void theKeyIsNeverPrintedNotEvenWithVerbose() throws Exception {
    server.enqueue(Fault.error(401, "invalid_request_error", "Invalid API key " + KEY));

    Result result =
        run(jar("generate", "x", "--verbose", "--out", dir.toString()), dir, keyed(), null);

    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err()).contains("error: HTTP 401", "\tat ");
    assertThat(result.out() + result.err()).doesNotContain(KEY);
  }

  /** SIGTERM (as Ctrl-C) while an image streams in: the temporary file goes too. */
  @Test
  void aSignalMidTransferLeavesNothingBehind() throws Exception {
    server.enqueue(Fault.slowBody(4_096, java.time.Duration.ofMillis(50)));
    Path out = Files.createDirectory(dir.resolve("out"));
    ProcessBuilder builder =
        new ProcessBuilder(
                jar(
                    "generate",
                    "a fox",
                    "--size",
                    "512x512",
                    "--format",
                    "png",
                    "--out",
                    out.toString()))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(dir.resolve("stderr.txt").toFile());
    builder.environment().putAll(keyed());
    Process process = builder.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!hasPartFile(out) && process.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(hasPartFile(out)).as("a temporary file while the image streams in").isTrue();

    process.destroy();

    assertThat(process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(143);
    try (var files = Files.list(out)) {
      assertThat(files).as("left in --out").isEmpty();
    }
  }

  /** {@code batch} as a process: a run, a rerun that generates nothing, a bad --shard. */
  @Test
  void batchRunsResumesAndRefusesABadShard() throws Exception {
    Path prompts = Files.writeString(dir.resolve("prompts.txt"), "a fox\na cat\na boat\n");
    Path out = dir.resolve("out");
    List<String> batch =
        jar("batch", prompts.toString(), "--out", out.toString(), "--size", "32x32");

    Result first = run(batch, dir, keyed(), null);
    Result again = run(batch, dir, keyed(), null);
    List<String> badShard = new ArrayList<>(batch);
    badShard.addAll(List.of("--shard", "3/2"));
    Result refused = run(badShard, dir, keyed(), null);

    assertThat(first.status()).as(first.toString()).isZero();
    assertThat(first.err()).startsWith("3 items: 3 done, 0 failed, 0 pending; 3 generated in ");
    assertThat(again.status()).as(again.toString()).isZero();
    assertThat(again.err()).startsWith("3 items: 3 done (3 before), ");
    assertThat(server.generationsServed()).isEqualTo(3);
    assertThat(refused.status()).isEqualTo(2);
    assertThat(refused.err().lines()).singleElement().asString().startsWith("error: --shard 3/2");
  }

  /**
   * A signal mid-batch: no new request, the one in flight finishes and is recorded; the rerun
   * generates the rest, so every item is generated exactly once.
   */
  @Test
  void aSignalMidBatchRecordsTheItemsInFlightAndTheRerunFinishes() throws Exception {
    for (int i = 0; i < 6; i++) {
      server.enqueue(Fault.delay(java.time.Duration.ofMillis(400)));
    }
    Path prompts =
        Files.writeString(dir.resolve("prompts.txt"), "a\nb\nc\nd\ne\nf\n", StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    List<String> batch =
        jar(
            "batch",
            prompts.toString(),
            "--out",
            out.toString(),
            "--size",
            "32x32",
            "--concurrency",
            "1");
    ProcessBuilder builder =
        new ProcessBuilder(batch)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(dir.resolve("stderr.txt").toFile());
    builder.environment().putAll(keyed());
    Process process = builder.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!Files.exists(out.resolve("000001_a.jpg"))
        && process.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(out.resolve("000001_a.jpg")).exists();

    process.destroy();

    assertThat(process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(143);
    String err = Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
    assertThat(err).contains("Interrupted: 6 items: ");
    int served = server.generationsServed();
    assertThat(served).isBetween(1, 5);
    assertThat(doneItems(out)).isEqualTo(served);

    Result rerun = run(batch, dir, keyed(), null);

    assertThat(rerun.status()).as(rerun.toString()).isZero();
    assertThat(server.generationsServed()).isEqualTo(6);
    assertThat(doneItems(out)).isEqualTo(6);
  }

  private static long doneItems(Path out) throws java.io.IOException {
    return Files.readAllLines(out.resolve("manifest.jsonl")).stream()
        .filter(line -> line.contains("\"status\":\"done\""))
        .count();
  }

  private static boolean hasPartFile(Path dir) throws java.io.IOException {
    try (var files = Files.list(dir)) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith(".part"));
    }
  }

  /**
   * The process ends promptly once the last file is written: the client, its connections and the
   * fake server are closed, and no thread holds the JVM. Timed from the file's appearance to the
   * process's end, with and without a key; the bound is generous for a busy 2-core machine, the
   * medians are written to target/exit-latency.txt.
   */
  @Test
  void exitsPromptlyAfterTheLastFile() throws Exception {
    List<Double> keyedMillis;
    // The server in a process of its own, so that its work never slows this JVM's stopwatch.
    try (Processes.Server separate = Processes.Server.start(dir)) {
      keyedMillis =
          exitMillis(
              Map.of(
                  "TOGETHER_API_KEY", separate.apiKey(), "TOGETHER_BASE_URL", separate.baseUrl()),
              "keyed",
              5);
    }
    List<Double> embeddedMillis = exitMillis(Map.of(), "embedded", 3);
    String report =
        String.format(
            Locale.ROOT,
            "exit after the last file: median %.0f ms with a key %s, median %.0f ms with the"
                + " embedded server %s%n",
            median(keyedMillis),
            keyedMillis,
            median(embeddedMillis),
            embeddedMillis);
    System.out.print(report);
    Files.writeString(
        Processes.JAR.resolveSibling("exit-latency.txt"), report, StandardCharsets.UTF_8);
    assertThat(median(keyedMillis)).as(report).isLessThan(2_000);
    assertThat(median(embeddedMillis)).as(report).isLessThan(2_000);
  }

  /** Milliseconds from the second image's appearance to the process's end, {@code runs} times. */
  private List<Double> exitMillis(Map<String, String> env, String name, int runs) throws Exception {
    List<Double> millis = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Path out = dir.resolve(name + "-" + i);
      Result result =
          run(
              jar("generate", "a fox", "--n", "2", "--size", "128x128", "--out", out.toString()),
              dir,
              env,
              out.resolve("a_fox_1.jpg"));
      assertThat(result.status()).as(result.toString()).isZero();
      millis.add(result.exitAfterFileMillis());
    }
    return millis;
  }
}
