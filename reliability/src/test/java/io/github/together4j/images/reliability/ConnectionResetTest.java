package io.github.together4j.images.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.together4j.images.ApiConnectionException;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.TogetherImages;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real TCP reset (RST, not the orderly close the fake server's {@code Fault.disconnect()} sends)
 * after the request arrived and before any response header: a server that crashed, or a load
 * balancer that dropped the connection. It is retried like any connection failure, and the failure
 * leaves no file and no connection behind.
 */
class ConnectionResetTest {
  private final ServerSocket server = newServerSocket();
  private final AtomicInteger requests = new AtomicInteger();
  private final Thread acceptor = new Thread(this::resetEveryConnection, "reset-server");
  private final OkHttpClient http = new OkHttpClient();

  private static ServerSocket newServerSocket() {
    try {
      return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @BeforeEach
  void start() {
    acceptor.setDaemon(true);
    acceptor.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    acceptor.join(5_000);
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  /** Reads each request's head, then resets the connection: SO_LINGER 0 makes close() send RST. */
  private void resetEveryConnection() {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        readHead(socket.getInputStream());
        requests.incrementAndGet();
        socket.setSoLinger(true, 0);
      } catch (IOException e) {
        // The server socket closed: the test is over.
      }
    }
  }

  private static void readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    for (int c; (c = in.read()) != -1; ) {
      head.append((char) c);
      if (head.toString().endsWith("\r\n\r\n")) {
        return;
      }
    }
  }

  private TogetherImages client(int maxRetries) {
    return TogetherImages.builder()
        .apiKey("not-a-key")
        .okHttpClient(http)
        .maxRetries(maxRetries)
        .baseUrl(
            "http://"
                + server.getInetAddress().getHostAddress()
                + ":"
                + server.getLocalPort()
                + "/v1/")
        .build();
  }

  @Test
  void aResetBeforeTheHeadersIsRetriedThenReportedAsAConnectionFailure(@TempDir Path dir)
      throws Exception {
    try (TogetherImages client = client(2)) {
      ApiConnectionException typed =
          catchThrowableOfType(ApiConnectionException.class, () -> client.generate("a fox"));
      ApiConnectionException streamed =
          catchThrowableOfType(
              ApiConnectionException.class,
              () -> client.generateAndSave(ImageGenerationRequest.of("a fox"), dir));

      for (ApiConnectionException e : new ApiConnectionException[] {typed, streamed}) {
        assertThat(e.attempts()).isEqualTo(3);
        assertThat(e.statusCode()).isZero();
        assertThat(e.getMessage()).startsWith("connection failed: ").endsWith("after 3 attempts");
      }
      assertThat(typed.getMessage() + streamed.getMessage())
          .as("the server really reset, it did not just close")
          .contains("reset");
    }

    assertThat(requests.get()).as("requests the server received").isEqualTo(6);
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(p -> !p.equals(dir))).as("files left").isEmpty();
    }
    assertThat(http.dispatcher().runningCallsCount()).isZero();
    http.connectionPool().evictAll();
    assertThat(http.connectionPool().connectionCount()).isZero();
  }

  @Test
  void withRetriesOffAResetIsOneRequest() {
    try (TogetherImages client = client(0)) {
      ApiConnectionException e =
          catchThrowableOfType(
              ApiConnectionException.class,
              () -> client.generate(ImageGenerationRequest.of("a fox")));

      assertThat(e.attempts()).isEqualTo(1);
      assertThat(e.getMessage().getBytes(StandardCharsets.UTF_8).length).isLessThan(600);
    }
    assertThat(requests.get()).isEqualTo(1);
  }
}
