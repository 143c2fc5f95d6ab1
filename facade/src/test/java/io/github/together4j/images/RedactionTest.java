package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The API key must appear in no log record, exception or toString, whatever happens. */
class RedactionTest {
  /** Distinctive, and deliberately too short to look like a real key. */
  private static final String KEY = "tgp_v1_SECRETKEY123";

  private static final String ERROR_401 =
      "{\"error\":{\"message\":\"Invalid API key provided\","
          + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}";

  @StartStop private final MockWebServer server = new MockWebServer();

  private LogCapture logs;
  private final List<String> texts = new ArrayList<>();
  private final List<TogetherImages> clients = new ArrayList<>();

  @BeforeEach
  void captureDebugLogs() {
    logs = LogCapture.start(Level.FINE);
  }

  @AfterEach
  void restoreLogging() {
    clients.forEach(TogetherImages::close);
    logs.close();
  }

  private TogetherImages client(String baseUrl, int maxRetries) {
    TogetherImages client =
        TogetherImages.builder().apiKey(KEY).baseUrl(baseUrl).maxRetries(maxRetries).build();
    clients.add(client);
    texts.add(client.toString());
    return client;
  }

  private static MockResponse response(int code, String contentType, String body) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", contentType)
        .addHeader("x-request-id", "req-" + code)
        .addHeader("retry-after-ms", "1")
        .addHeader("Set-Cookie", "session=" + KEY)
        .body(body)
        .build();
  }

  /** Adds what an application would log of {@code thrown}, and the server's fields if asked. */
  private void record(Throwable thrown, boolean withServerFields) {
    assertThat(thrown).isNotNull();
    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace));
    texts.add(thrown.getMessage());
    texts.add(thrown.toString());
    texts.add(trace.toString());
    if (withServerFields && thrown instanceof TogetherException e) {
      texts.add(e.serverMessage() + " " + e.errorType() + " " + e.errorCode() + " " + e.param());
    }
  }

  private String logText() {
    SimpleFormatter formatter = new SimpleFormatter();
    StringBuilder out = new StringBuilder();
    for (LogRecord record : logs.records()) {
      out.append(formatter.formatMessage(record)).append('\n').append(record.getMessage());
      for (Object param : record.getParameters() == null ? new Object[0] : record.getParameters()) {
        out.append(' ').append(param);
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static int occurrences(String text, String needle) {
    int count = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      count++;
    }
    return count;
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void keyAppearsInNoLogExceptionOrToStringAcrossSuccessAndFailures() throws Exception {
    String baseUrl = server.url("/v1/").toString();
    server.enqueue(response(200, "application/json", TestApi.OK_BODY));
    server.enqueue(
        response(503, "application/json", ERROR_401.replace("Invalid API key provided", "busy")));
    server.enqueue(response(200, "application/json", TestApi.OK_BODY));
    server.enqueue(response(401, "application/json", ERROR_401));
    server.enqueue(
        response(500, "text/html", "<html><body><h1>500 Internal Server Error</h1></body></html>"));
    server.enqueue(response(401, "application/json", ERROR_401));

    TogetherImages client = client(baseUrl, 0);
    texts.add(client.generate("success").toString());
    texts.add(client(baseUrl, 1).generate("retried then success").toString());
    record(catchThrowable(() -> client.generate("unauthorized")), true);
    record(catchThrowable(() -> client.generate("html error page")), true);
    record(
        catchThrowable(
            () -> client("http://127.0.0.1:" + closedPort() + "/v1", 0).generate("refused")),
        true);
    Throwable async = catchThrowable(() -> client.generateAsync("async").get(10, TimeUnit.SECONDS));
    assertThat(async).isInstanceOf(ExecutionException.class);
    record(async, true);

    assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"))
        .as("the key was in play")
        .isEqualTo("Bearer " + KEY);
    String logs = logText();
    assertThat(logs)
        .contains(
            "--> POST " + baseUrl + "images/generations",
            "Authorization: ██",
            "User-Agent: together4j/",
            "<-- 200",
            "<-- 503",
            "<-- 401",
            "<-- 500",
            "<-- HTTP FAILED POST http://127.0.0.1:",
            "Set-Cookie: ██");
    assertThat(occurrences(logs, "--> POST")).as("requests logged").isEqualTo(7);
    assertThat(String.join("\n", texts))
        .contains(
            "AuthenticationException",
            "ServerException",
            "ApiConnectionException",
            "Invalid API key provided",
            "500 Internal Server Error",
            "apiKey=██");
    assertThat(occurrences(logs, KEY)).as("key in logs:\n%s", logs).isZero();
    String all = String.join("\n", texts);
    assertThat(occurrences(all, KEY)).as("key in exceptions and toString:\n%s", all).isZero();
  }

  @Test
  void debugLoggingStaysSilentWhenDisabled() throws Exception {
    logs.level(Level.INFO);
    server.enqueue(response(200, "application/json", TestApi.OK_BODY));

    client(server.url("/v1/").toString(), 0).generate("quiet");

    assertThat(logs.records()).isEmpty();
  }

  @Test
  void keyEchoedByTheServerIsRedactedFromTheException() {
    server.enqueue(
        response(
            401,
            "application/json",
            ERROR_401.replace("Invalid API key provided", "Invalid API key provided: " + KEY)));

    Throwable thrown = catchThrowable(() -> client(server.url("/v1/").toString(), 0).generate("x"));
    record(thrown, false);

    assertThat(thrown).isInstanceOf(AuthenticationException.class).hasMessageNotContaining(KEY);
    assertThat(String.join("\n", texts)).doesNotContain(KEY);
  }

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(GenerationPath.class)
  void keyEchoedIntoAFieldOfTheWrongTypeIsInNoCause(GenerationPath path) throws Exception {
    server.enqueue(
        response(
            200,
            "application/json",
            "{\"id\":\"x\",\"model\":\"m\",\"object\":\"list\","
                + "\"data\":[{\"index\":\""
                + KEY
                + "\",\"b64_json\":\"iVBORw0KGgo=\"}]}"));

    Throwable thrown =
        catchThrowable(() -> path.call(client(server.url("/v1/").toString(), 0), dir));
    record(thrown, true);

    assertThat(thrown)
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("Expected an int but was ██");
    assertThat(thrown.getCause())
        .as("the cause, which a logged stack trace prints")
        .isNotNull()
        .hasMessageContaining("██")
        .hasMessageNotContaining(KEY);
    assertThat(thrown.getCause().toString()).startsWith("com.squareup.moshi.JsonDataException: ");
    assertThat(thrown.getCause().getStackTrace()).as("the original stack trace").isNotEmpty();
    assertThat(String.join("\n", texts)).doesNotContain(KEY);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(
      value = GenerationPath.class,
      names = {"SYNC", "ASYNC"})
  void keyEchoedIntoAUrlIsNotInToString(GenerationPath path) throws Throwable {
    String url = server.url("/files/" + KEY + "/fox.png?sig=" + KEY).toString();
    server.enqueue(
        response(
            200,
            "application/json",
            "{\"id\":\"id-"
                + KEY
                + "\",\"model\":\"m\","
                + "\"object\":\"list\",\"data\":[{\"index\":0,\"url\":\""
                + url
                + "\"}]}"));

    String text = path.call(client(server.url("/v1/").toString(), 0), dir);

    assertThat(text)
        .contains("ImageGenerationResult{id=id-██", "url=", "/files/██/fox.png")
        .doesNotContain(KEY);
  }

  @ParameterizedTest
  @EnumSource(GenerationPath.class)
  void keyEchoedIntoIdAndModelIsNotInTheResultsToString(GenerationPath path) throws Throwable {
    server.enqueue(
        response(
            200,
            "application/json",
            "{\"id\":\"id-"
                + KEY
                + "\",\"model\":\"model-"
                + KEY
                + "\",\"object\":\"list\",\"data\":[{\"index\":0,\"b64_json\":\"iVBORw0KGgo=\"}]}"));

    String text = path.call(client(server.url("/v1/").toString(), 0), dir);

    assertThat(text).contains("id=id-██", "model=model-██").doesNotContain(KEY);
  }

  @ParameterizedTest
  @EnumSource(GenerationPath.class)
  void aKeyTooShortToBeRealDoesNotGarbleTheServersWords(GenerationPath path) {
    server.enqueue(
        response(
            429,
            "application/json",
            "{\"error\":{\"message\":\"Rate limit exceeded: "
                + "xx requests per second\",\"type\":\"rate_limit_exceeded\",\"param\":null,\"code\":null}}"));
    TogetherImages client =
        TogetherImages.builder()
            .apiKey("x")
            .baseUrl(server.url("/v1/").toString())
            .maxRetries(0)
            .build();
    clients.add(client);

    Throwable thrown = catchThrowable(() -> path.call(client, dir));

    assertThat(thrown)
        .isInstanceOf(RateLimitException.class)
        .hasMessageContaining("Rate limit exceeded: xx requests per second");
    assertThat(((RateLimitException) thrown).serverMessage())
        .isEqualTo("Rate limit exceeded: xx requests per second");
  }

  @Test
  void aKeyLongEnoughToBeRealIsStillRedactedEverywhere() throws Exception {
    String key = "12345678";
    server.enqueue(
        response(
            401,
            "application/json",
            ERROR_401.replace("Invalid API key provided", "Invalid API key provided: " + key)));
    TogetherImages client =
        TogetherImages.builder()
            .apiKey(key)
            .baseUrl(server.url("/v1/").toString())
            .maxRetries(0)
            .build();
    clients.add(client);

    Throwable thrown = catchThrowable(() -> client.generate("x"));

    assertThat(thrown)
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("Invalid API key provided: ██")
        .hasMessageNotContaining(key);
  }
}
