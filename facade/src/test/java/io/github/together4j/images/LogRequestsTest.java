package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.SimpleFormatter;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** logRequests / logResponses: INFO lines with bodies, the key redacted everywhere. */
class LogRequestsTest {
  /** Long enough to be searched for in bodies (8+ characters), and obviously not a real key. */
  private static final String KEY = "fake-log-test-key";

  @StartStop private final MockWebServer server = new MockWebServer();

  private LogCapture logs;

  @BeforeEach
  void captureInfoLogs() {
    logs = LogCapture.start(Level.INFO);
  }

  @AfterEach
  void restoreLogging() {
    logs.close();
  }

  private List<String> infoLines() {
    SimpleFormatter formatter = new SimpleFormatter();
    return logs.records().stream()
        .filter(r -> r.getLevel().intValue() >= Level.INFO.intValue())
        .map(formatter::formatMessage)
        .toList();
  }

  private TogetherImages client(boolean logRequests, boolean logResponses) {
    return TogetherImages.builder()
        .apiKey(KEY)
        .baseUrl(server.url("/v1/").toString())
        .maxRetries(0)
        .logRequests(logRequests)
        .logResponses(logResponses)
        .build();
  }

  @Test
  void logRequestsLogsLineHeadersAndBodyAtInfoWithTheKeyRedacted() {
    server.enqueue(TestApi.json(200, TestApi.OK_BODY));
    try (TogetherImages client = client(true, false)) {
      // A prompt that quotes the key: the body is logged, the key is not.
      client.generate("a cat named " + KEY);
    }

    List<String> lines = infoLines();
    assertThat(lines).as("one INFO record, the request's").hasSize(1);
    String logged = lines.get(0);
    assertThat(logged)
        .startsWith("--> POST " + server.url("/v1/images/generations"))
        .contains("Authorization: ██", "\"prompt\":\"a cat named ██\"", "\"model\":")
        .doesNotContain(KEY);
  }

  @Test
  void logResponsesLogsStatusHeadersAndOnlyTheStartOfALargeBody() {
    String b64 = Base64.getEncoder().encodeToString(new byte[30_000]);
    String body =
        "{\"id\":\"gen-big\",\"model\":\"m\",\"object\":\"list\",\"data\":[{\"index\":0,"
            + "\"b64_json\":\""
            + b64
            + "\",\"type\":\"b64_json\"}]}";
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .addHeader("x-echo", "Bearer " + KEY)
            .body(body)
            .build());
    ImageGenerationResult result;
    try (TogetherImages client = client(false, true)) {
      result = client.generate("a cat");
    }

    assertThat(result.images().get(0).b64Json())
        .as("the body is read whole after logging")
        .isEqualTo(b64);
    List<String> lines = infoLines();
    assertThat(lines).as("one INFO record, the response's").hasSize(1);
    String logged = lines.get(0);
    assertThat(logged)
        .startsWith("<-- 200 " + server.url("/v1/images/generations"))
        .contains("\"id\":\"gen-big\"", "x-echo: Bearer ██")
        .endsWith("… (body cut at 4096 bytes of " + body.length() + ")")
        .doesNotContain(KEY);
    assertThat(logged.length()).isLessThan(4096 + 1000);
  }

  @Test
  void aSmallResponseIsLoggedWhole() {
    server.enqueue(TestApi.json(200, TestApi.OK_BODY));
    try (TogetherImages client = client(false, true)) {
      client.generate("a cat");
    }

    assertThat(infoLines()).singleElement().asString().endsWith("\n" + TestApi.OK_BODY);
  }

  @Test
  void withNeitherOptionNothingIsLoggedAtInfo() {
    server.enqueue(TestApi.json(200, TestApi.OK_BODY));
    try (TogetherImages client = client(false, false)) {
      client.generate("a cat");
    }

    assertThat(infoLines()).isEmpty();
  }

  @Test
  void newBuilderKeepsTheLoggingOptions() {
    server.enqueue(TestApi.json(200, TestApi.OK_BODY));
    try (TogetherImages parent = client(true, true);
        TogetherImages derived = parent.newBuilder().maxRetries(1).build()) {
      derived.generate("a cat");
    }

    assertThat(infoLines()).hasSize(2);
  }
}
