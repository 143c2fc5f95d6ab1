package io.github.together4j.images.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FakeTogetherServer#main(String[])} in this JVM, on a daemon thread. The server it starts
 * lives until the JVM exits (its shutdown hook closes it), as the command is documented to. Unknown
 * arguments call {@code System.exit(2)} and are not tested here.
 */
class StandaloneMainTest {

  private static final OkHttpClient HTTP =
      new OkHttpClient.Builder()
          .retryOnConnectionFailure(false)
          .callTimeout(Duration.ofSeconds(10))
          .build();
  private static final Pattern CURL_BODY = Pattern.compile("-d '(\\{.*})'");
  private static final Pattern BANNER_END = Pattern.compile("/models -H .*\\R");

  @AfterAll
  static void releaseHttp() {
    HTTP.dispatcher().executorService().shutdown();
    HTTP.connectionPool().evictAll();
  }

  @Test
  void mainServesOnTheGivenPortWithTheDefaultKeyAndPrintsAWorkingCurlCommand() throws Exception {
    int port = freePort();

    String printed = runMain("--port", Integer.toString(port));

    String baseUrl = "http://localhost:" + port + "/v1/";
    assertThat(printed)
        .contains(
            "Fake Together server at "
                + baseUrl
                + " accepting API key "
                + FakeTogetherServer.DEFAULT_API_KEY
                + "; try:");
    assertThat(printed)
        .contains(
            "curl -s "
                + baseUrl
                + "images/generations -H 'Authorization: Bearer "
                + FakeTogetherServer.DEFAULT_API_KEY
                + "'");
    Matcher curlBody = CURL_BODY.matcher(printed);
    assertThat(curlBody.find()).as(printed).isTrue();
    assertThat(post(port, "Bearer " + FakeTogetherServer.DEFAULT_API_KEY, curlBody.group(1)))
        .isEqualTo(200);
    assertThat(post(port, "Bearer another-key", curlBody.group(1))).isEqualTo(401);
  }

  @Test
  void mainServesTheDefaultModelsAndPrintsAWorkingCurlCommandForThem() throws Exception {
    int port = freePort();

    String printed = runMain("--port", Integer.toString(port));

    String curl =
        "curl -s http://localhost:"
            + port
            + "/v1/models -H 'Authorization: Bearer "
            + FakeTogetherServer.DEFAULT_API_KEY
            + "'";
    assertThat(printed).contains(curl);
    Request request =
        new Request.Builder()
            .url("http://127.0.0.1:" + port + "/v1/models")
            .header("Authorization", "Bearer " + FakeTogetherServer.DEFAULT_API_KEY)
            .build();
    try (Response response = HTTP.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().string())
          .contains("\"id\":\"black-forest-labs/FLUX.1-schnell-Free\"")
          .contains("\"type\":\"transcribe\"");
    }
  }

  @Test
  void mainAcceptsAnotherApiKey() throws Exception {
    int port = freePort();

    runMain("--api-key", "cli-key", "--port", Integer.toString(port));

    String body = "{\"prompt\":\"a fox\",\"model\":\"m\",\"width\":8,\"height\":8}";
    assertThat(post(port, "Bearer cli-key", body)).isEqualTo(200);
    assertThat(post(port, "Bearer " + FakeTogetherServer.DEFAULT_API_KEY, body)).isEqualTo(401);
  }

  @Test
  void badPortIsRefusedBeforeAnythingStarts() {
    // main prints the message and usage and exits 2; parseArgs is what decides.
    assertThatThrownBy(() -> FakeTogetherServer.parseArgs(new String[] {"--port", "abc"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--port abc is not a number");
    assertThatThrownBy(() -> FakeTogetherServer.parseArgs(new String[] {"--port", "70000"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("port = 70000 is out of range");
    assertThatThrownBy(() -> FakeTogetherServer.parseArgs(new String[] {"--port"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--port needs a value");
    assertThatThrownBy(() -> FakeTogetherServer.parseArgs(new String[] {"--verbose"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown argument --verbose");
  }

  @Test
  void apiKeyWithoutAValueIsRefused() {
    assertThatThrownBy(() -> FakeTogetherServer.parseArgs(new String[] {"--api-key"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--api-key needs a value");
    assertThatThrownBy(() -> FakeTogetherServer.parseArgs(new String[] {"--api-key", " "}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("apiKey is blank");
  }

  /**
   * Starts main on a daemon thread and returns what it printed once it is serving. System.out is
   * captured meanwhile (surefire runs this class's tests one at a time).
   */
  private static String runMain(String... args) throws InterruptedException {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Thread thread =
          new Thread(
              () -> {
                try {
                  FakeTogetherServer.main(args);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "FakeTogetherServer.main");
      thread.setDaemon(true);
      thread.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      // The banner ends with the whole line of the curl command for the model list.
      while (!BANNER_END.matcher(captured.toString(StandardCharsets.UTF_8)).find()) {
        assertThat(thread.isAlive()).as("main is still running").isTrue();
        assertThat(System.nanoTime()).as("main printed its banner in time").isLessThan(deadline);
        Thread.sleep(10);
      }
      return captured.toString(StandardCharsets.UTF_8);
    } finally {
      System.setOut(original);
    }
  }

  private static int post(int port, String authorization, String json) {
    Request request =
        new Request.Builder()
            .url("http://127.0.0.1:" + port + "/v1/images/generations")
            .header("Authorization", authorization)
            .post(RequestBody.create(json, MediaType.get("application/json")))
            .build();
    try (Response response = HTTP.newCall(request).execute()) {
      return response.code();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
