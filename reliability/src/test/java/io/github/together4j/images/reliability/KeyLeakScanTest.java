package io.github.together4j.images.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.SavedImages;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.Fault;
import io.github.together4j.images.testkit.RecordedImageRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import java.util.stream.Stream;
import okio.Buffer;
import okio.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs representative successes and failures with every logger at DEBUG (JUL {@code ALL}) and scans
 * all that an application could see or keep for the API key: every log line, exception message,
 * stack trace and {@code toString()}, standard output and error, and every byte of every file
 * written. The key must occur 0 times, even where the server echoes it back.
 */
class KeyLeakScanTest {
  /** Two distinctive keys: the right one, and a wrong one a caller might have configured. */
  private static final String KEY = "not_a_key_LEAKCANARY0123456789abcdef";

  private static final String WRONG_KEY = "not_a_key_WRONGCANARY9876543210fedcba";

  private final Logger root = Logger.getLogger("");
  private final List<Logger> debugLoggers =
      List.of(
          Logger.getLogger("io.github.together4j"),
          Logger.getLogger("okhttp3"),
          Logger.getLogger("mockwebserver3"));
  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private final Handler capture = new StreamHandler(logBytes, new SimpleFormatter());
  private final List<Level> previousLevels = new ArrayList<>();
  private final ByteArrayOutputStream consoleBytes = new ByteArrayOutputStream();
  private PrintStream out;
  private PrintStream err;

  private final List<String> texts = new ArrayList<>();

  @BeforeEach
  void captureEverything() {
    capture.setLevel(Level.ALL);
    root.addHandler(capture);
    for (Logger logger : debugLoggers) {
      previousLevels.add(logger.getLevel());
      logger.setLevel(Level.ALL);
    }
    out = System.out;
    err = System.err;
    PrintStream console = new PrintStream(consoleBytes, true, UTF_8);
    System.setOut(console);
    System.setErr(console);
  }

  @AfterEach
  void restore() {
    System.setOut(out);
    System.setErr(err);
    root.removeHandler(capture);
    for (int i = 0; i < debugLoggers.size(); i++) {
      debugLoggers.get(i).setLevel(previousLevels.get(i));
    }
  }

  @Test
  void theKeyOccursNowhereAcrossSuccessesAndFailures(@TempDir Path dir) throws Exception {
    try (FakeTogetherServer server = FakeTogetherServer.builder().apiKey(KEY).start();
        TogetherImages client = server.clientBuilder().maxRetries(1).build();
        // Only for the delay fault: a short read timeout would also cut the successes above when
        // a loaded machine takes longer than that to draw two 1024x1024 images.
        TogetherImages timed =
            server.clientBuilder().maxRetries(1).readTimeout(Duration.ofMillis(500)).build();
        // logRequests/logResponses: INFO lines with bodies, scanned too (the 401s below, and a
        // logged success).
        TogetherImages wrongKey =
            server
                .clientBuilder()
                .apiKey(WRONG_KEY)
                .maxRetries(0)
                .logRequests(true)
                .logResponses(true)
                .build();
        TogetherImages logged =
            server.clientBuilder().logRequests(true).logResponses(true).build()) {
      texts.add(client.toString());
      texts.add(timed.toString());
      texts.add(server.toString());

      // Successes, with everything they write.
      ImageGenerationResult b64 =
          client.generate(
              ImageGenerationRequest.builder("a canary")
                  .n(2)
                  .responseFormat(ResponseFormat.BASE64)
                  .build());
      texts.add(b64.toString());
      b64.saveAll(dir.resolve("typed"));
      SavedImages streamed =
          client.generateAndSave(
              ImageGenerationRequest.builder("a canary").n(2).build(), dir.resolve("streamed"));
      texts.add(streamed.toString());
      texts.add(
          logged
              .generate(
                  ImageGenerationRequest.builder("a canary")
                      .size(256, 256)
                      .responseFormat(ResponseFormat.BASE64)
                      .build())
              .toString());
      ImageGenerationResult url =
          client.generate(
              ImageGenerationRequest.builder("a canary")
                  .responseFormat(ResponseFormat.URL)
                  .build());
      texts.add(url.toString());
      for (GeneratedImage image : url.images()) {
        texts.add(image.toString());
        image.saveTo(dir.resolve("url"));
      }
      texts.add(client.generateAsync("a canary").get(10, TimeUnit.SECONDS).toString());

      // Failures, several with the key echoed back by the server in the body or a header.
      // One fault per attempt: the client makes 2 attempts (maxRetries 1) on retryable ones.
      fail(server, client, 1, Fault.error(401, "invalid_request_error", "Invalid API key: " + KEY));
      fail(
          server,
          client,
          1,
          Fault.error(400, "invalid_request_error", "bad value " + KEY)
              .withParam("prompt " + KEY)
              .withCode("code " + KEY));
      fail(
          server,
          client,
          1,
          Fault.error(403, "permission_denied", "no")
              .withHeader("Set-Cookie", "s=" + KEY)
              .withHeader("x-echo-authorization", "Bearer " + KEY));
      fail(server, client, 2, Fault.rateLimited(Duration.ZERO).withHeader("x-echo", KEY));
      fail(
          server,
          client,
          2,
          Fault.error(500, "server_error", "boom " + KEY).withHeader("x-request-id", "req-" + KEY));
      fail(server, client, 2, Fault.htmlPage(502));
      fail(server, client, 1, Fault.malformedJson());
      fail(server, client, 2, Fault.dropMidBody());
      fail(server, client, 2, Fault.disconnect());
      fail(server, timed, 2, Fault.delay(Duration.ofSeconds(2)));
      server.enqueue(Fault.malformedBase64());
      record(
          catchAny(
              () ->
                  client
                      .generate(
                          ImageGenerationRequest.builder("a canary")
                              .responseFormat(ResponseFormat.BASE64)
                              .build())
                      .images()
                      .get(0)
                      .bytes()));
      Throwable wrong = catchAny(() -> wrongKey.generate("a canary"));
      record(wrong);
      Throwable async =
          catchAny(() -> wrongKey.generateAsync("a canary").get(10, TimeUnit.SECONDS));
      record(async);
      Throwable streamedFailure =
          catchAny(
              () ->
                  wrongKey.generateAndSave(
                      ImageGenerationRequest.of("a canary"), dir.resolve("failed")));
      record(streamedFailure);

      for (RecordedImageRequest request; (request = server.takeRequest(Duration.ZERO)) != null; ) {
        texts.add(request.toString());
        texts.add(request.headers().toString());
        texts.add(String.valueOf(request.header("Authorization")));
      }
    }
    capture.flush();

    String logs = logBytes.toString(UTF_8);
    String console = consoleBytes.toString(UTF_8);
    List<Path> files = files(dir);
    long fileBytes = 0;
    int fileHits = 0;
    for (Path file : files) {
      ByteString content = ByteString.of(Files.readAllBytes(file));
      fileBytes += content.size();
      fileHits += hits(content, KEY) + hits(content, WRONG_KEY);
    }
    String allTexts = String.join("\n", texts);

    // The scan saw real traffic: DEBUG request lines, the failures, the files.
    assertThat(logs).contains("--> POST", "Authorization: ██", "<-- 401", "<-- 502", "HTTP FAILED");
    assertThat(allTexts)
        .contains(
            "AuthenticationException",
            "RateLimitException",
            "ServerException",
            "MalformedResponseException",
            "ApiTimeoutException",
            "PermissionDeniedException");
    assertThat(files).hasSize(5);

    assertThat(hits(logs, KEY) + hits(logs, WRONG_KEY)).as("key in logs:\n%s", logs).isZero();
    assertThat(hits(allTexts, KEY) + hits(allTexts, WRONG_KEY))
        .as("key in messages, stack traces, toString:\n%s", allTexts)
        .isZero();
    assertThat(hits(console, KEY) + hits(console, WRONG_KEY))
        .as("key on the console:\n%s", console)
        .isZero();
    assertThat(fileHits).as("key in files").isZero();

    out.printf(
        "key scan: %d log lines, %d texts (%d chars), %d console chars, %d files (%d bytes): 0 hits%n",
        logs.lines().count(),
        texts.size(),
        allTexts.length(),
        console.length(),
        files.size(),
        fileBytes);
  }

  private void fail(FakeTogetherServer server, TogetherImages client, int attempts, Fault fault) {
    for (int i = 0; i < attempts; i++) {
      server.enqueue(fault);
    }
    record(catchAny(() -> client.generate("a canary")));
  }

  private void record(Throwable thrown) {
    assertThat(thrown).as("the call failed").isNotNull();
    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace));
    texts.add(thrown.toString());
    texts.add(trace.toString());
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      texts.add(String.valueOf(t.getMessage()));
      texts.add(String.valueOf(t.getLocalizedMessage()));
    }
  }

  private interface Action {
    void run() throws Exception;
  }

  private static Throwable catchAny(Action action) {
    try {
      action.run();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).toList();
    }
  }

  private static int hits(String text, String needle) {
    return hits(new Buffer().writeUtf8(text).readByteString(), needle);
  }

  private static int hits(ByteString content, String needle) {
    ByteString key = ByteString.encodeUtf8(needle);
    int count = 0;
    for (int i = content.indexOf(key, 0); i >= 0; i = content.indexOf(key, i + 1)) {
      count++;
    }
    return count;
  }
}
