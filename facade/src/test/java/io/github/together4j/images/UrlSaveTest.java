package io.github.together4j.images;

import static io.github.together4j.images.TestApi.API_KEY;
import static io.github.together4j.images.TestApi.JPEG;
import static io.github.together4j.images.TestApi.PNG;
import static io.github.together4j.images.TestApi.SIGNATURE;
import static io.github.together4j.images.TestApi.generation;
import static io.github.together4j.images.TestApi.image;
import static io.github.together4j.images.TestApi.unexpected;
import static io.github.together4j.images.TestApi.urlRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.QueueDispatcher;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okio.Buffer;
import okio.BufferedSink;
import okio.GzipSink;
import okio.Okio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Saving and streaming {@code url} results: files named by the downloaded bytes, written
 * atomically, never replaced unasked; the size limit enforced from Content-Length and while
 * streaming; timeouts and broken connections, where a body cut short is retried only when nothing
 * reached the caller yet.
 */
class UrlSaveTest {
  /** Larger than the 1000-byte limit the size tests set. */
  private static final byte[] BIG = TestImages.png(400, 300);

  @StartStop private final MockWebServer api = new MockWebServer();
  @StartStop private final MockWebServer storage = new MockWebServer();
  @TempDir Path dir;

  private final List<Duration> delays = new CopyOnWriteArrayList<>();
  private final List<TogetherImages> clients = new ArrayList<>();

  @BeforeEach
  void answerUnexpectedRequestsAtOnce() {
    ((QueueDispatcher) api.getDispatcher()).setFailFast(unexpected());
    ((QueueDispatcher) storage.getDispatcher()).setFailFast(unexpected());
  }

  @AfterEach
  void closeClients() {
    clients.forEach(TogetherImages::close);
  }

  @Test
  void saveToAddsTheDetectedExtensionAndWritesTheExactBytes() throws Exception {
    storage.enqueue(image(PNG, "application/octet-stream"));

    Path file = generateOne(client(0)).saveTo(dir.resolve("cat"));

    assertThat(file).isEqualTo(dir.resolve("cat.png"));
    assertThat(Files.readAllBytes(file)).isEqualTo(PNG);
    assertThat(files()).containsExactly(file);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servedImages")
  void servedFormatDecidesTheExtension(String extension, byte[] bytes) throws Exception {
    storage.enqueue(image(bytes, "application/octet-stream"));

    Path file = generateOne(client(0)).saveTo(dir.resolve("cat"));

    assertThat(file).isEqualTo(dir.resolve("cat." + extension));
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
  }

  static Stream<Arguments> servedImages() {
    return Stream.of(
        Arguments.of("png", PNG),
        Arguments.of("jpg", JPEG),
        Arguments.of("webp", TestImages.webp()),
        Arguments.of("gif", TestImages.gif(8, 8)));
  }

  @Test
  void saveToAnExistingDirectoryNamesTheFileByIndex() throws Exception {
    storage.enqueue(image(PNG, "image/png"));

    Path file = generateOne(client(0)).saveTo(dir);

    assertThat(file).isEqualTo(dir.resolve("image_0.png"));
    assertThat(Files.readAllBytes(file)).isEqualTo(PNG);
  }

  @Test
  void extensionThatDoesNotMatchTheDownloadIsRefusedUnlessKept() throws Exception {
    storage.enqueue(image(PNG, "image/png"));
    storage.enqueue(image(PNG, "image/png"));
    GeneratedImage image = generateOne(client(0));

    assertThatThrownBy(() -> image.saveTo(dir.resolve("cat.jpg")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("its extension is .jpg but the image is PNG");
    assertThat(files()).isEmpty();

    Path kept = image.saveTo(dir.resolve("cat.jpg"), SaveOption.KEEP_EXTENSION);
    assertThat(kept).isEqualTo(dir.resolve("cat.jpg"));
    assertThat(Files.readAllBytes(kept)).isEqualTo(PNG);
  }

  @Test
  void saveAllDownloadsEveryUrlIntoItsOwnFile() throws Exception {
    storage.enqueue(image(PNG, "image/png"));
    storage.enqueue(image(JPEG, "image/jpeg"));
    TogetherImages client = client(0);
    api.enqueue(generation(signedUrl("/img/0.png"), signedUrl("/img/1.png")));

    ImageGenerationResult result = client.generate(urlRequest(2));
    List<Path> files = result.saveAll(dir.resolve("out"));

    assertThat(files)
        .containsExactly(dir.resolve("out/image_0.png"), dir.resolve("out/image_1.jpg"));
    assertThat(Files.readAllBytes(files.get(0))).isEqualTo(PNG);
    assertThat(Files.readAllBytes(files.get(1))).isEqualTo(JPEG);
    assertThat(storage.takeRequest().getUrl().encodedPath()).isEqualTo("/img/0.png");
    assertThat(storage.takeRequest().getUrl().encodedPath()).isEqualTo("/img/1.png");
  }

  @Test
  void existingFileIsNotReplacedWithoutOverwrite() throws Exception {
    Path existing = Files.write(dir.resolve("cat.png"), new byte[] {1, 2, 3});
    storage.enqueue(image(PNG, "image/png"));

    GeneratedImage image = generateOne(client(0));
    UncheckedIOException e =
        catchThrowableOfType(UncheckedIOException.class, () -> image.saveTo(dir.resolve("cat")));

    assertThat(e.getCause()).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(e).hasMessageContaining("OVERWRITE");
    assertThat(Files.readAllBytes(existing)).containsExactly(1, 2, 3);
    assertThat(files()).containsExactly(existing);
  }

  @Test
  void existingFileNamedInFullFailsBeforeAnyDownload() throws Exception {
    Path existing = Files.write(dir.resolve("cat.png"), new byte[] {1, 2, 3});

    GeneratedImage image = generateOne(client(0));
    UncheckedIOException e =
        catchThrowableOfType(UncheckedIOException.class, () -> image.saveTo(existing));

    assertThat(e.getCause()).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(storage.getRequestCount()).isZero();
    assertThat(Files.readAllBytes(existing)).containsExactly(1, 2, 3);
  }

  @Test
  void existingFileIsReplacedWithOverwrite() throws Exception {
    Path existing = Files.write(dir.resolve("cat.png"), new byte[] {1, 2, 3});
    storage.enqueue(image(PNG, "image/png"));

    Path file = generateOne(client(0)).saveTo(dir.resolve("cat"), SaveOption.OVERWRITE);

    assertThat(file).isEqualTo(existing);
    assertThat(Files.readAllBytes(file)).isEqualTo(PNG);
    assertThat(files()).containsExactly(existing);
  }

  @Test
  void htmlInsteadOfAnImageLeavesNoFile() throws Exception {
    storage.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/html")
            .body("<!DOCTYPE html><html><body>Expired</body></html>")
            .build());

    GeneratedImage image = generateOne(client(2));

    assertThatThrownBy(() -> image.saveTo(dir.resolve("cat")))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("is not a PNG, JPEG, WebP or GIF image")
        .hasMessageContaining("Content-Type: text/html");
    assertThat(files()).isEmpty();
    assertThat(storage.getRequestCount()).isEqualTo(1);
  }

  @Test
  void oversizedContentLengthIsRefusedWithoutWritingAFile() throws Exception {
    assertThat(BIG.length).isGreaterThan(5000);
    storage.enqueue(image(BIG, "image/png"));
    storage.enqueue(image(BIG, "image/png"));

    GeneratedImage image = generateOne(track(builder(2).maxDownloadBytes(1000).build()));

    assertThatThrownBy(() -> image.saveTo(dir.resolve("cat")))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("larger than the limit of 1000 bytes")
        .hasMessageContaining("maxDownloadBytes")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret123"));
    assertThat(files()).isEmpty();
    assertThat(storage.getRequestCount()).as("not retried").isEqualTo(1);
  }

  @Test
  void oversizedChunkedBodyIsStoppedWhileStreaming() throws Exception {
    storage.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "image/png")
            .chunkedBody(new Buffer().write(BIG), 256)
            .build());
    storage.enqueue(image(BIG, "image/png"));

    GeneratedImage image = generateOne(track(builder(2).maxDownloadBytes(1000).build()));

    assertThatThrownBy(() -> image.saveTo(dir.resolve("cat")))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("larger than the limit of 1000 bytes");
    assertThat(files()).as("neither the file nor its .part").isEmpty();
    assertThat(storage.getRequestCount()).as("not retried").isEqualTo(1);
  }

  @ParameterizedTest(name = "chunked: {0}")
  @ValueSource(booleans = {false, true})
  void imageOfExactlyTheLimitIsSaved(boolean chunked) throws Exception {
    Buffer body = new Buffer().write(PNG);
    storage.enqueue(
        chunked
            ? new MockResponse.Builder()
                .addHeader("Content-Type", "image/png")
                .chunkedBody(body, 256)
                .build()
            : image(PNG, "image/png"));

    GeneratedImage image = generateOne(track(builder(0).maxDownloadBytes(PNG.length).build()));

    assertThat(Files.readAllBytes(image.saveTo(dir.resolve("cat")))).isEqualTo(PNG);
  }

  @Test
  void openStreamPastTheLimitFailsTheRead() throws Exception {
    storage.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "image/png")
            .chunkedBody(new Buffer().write(BIG), 256)
            .build());

    try (InputStream in =
        generateOne(track(builder(0).maxDownloadBytes(1000).build())).openStream()) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("1000");
    }
  }

  @Test
  void gzipBodyIsLimitedByItsDecompressedSize() throws Exception {
    byte[] inflated = new byte[200_000];
    System.arraycopy(PNG, 0, inflated, 0, 16);
    Buffer compressed = new Buffer();
    try (BufferedSink gzip = Okio.buffer(new GzipSink(compressed))) {
      gzip.write(inflated);
    }
    assertThat(compressed.size()).isLessThan(10_000);
    storage.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "image/png")
            .addHeader("Content-Encoding", "gzip")
            .body(compressed)
            .build());

    GeneratedImage image = generateOne(track(builder(0).maxDownloadBytes(10_000).build()));

    assertThatThrownBy(image::bytes)
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("larger than the limit of 10000 bytes");
  }

  @Test
  void connectionCutMidBodyIsRetriedAndLeavesOneCompleteFile() throws Exception {
    storage.enqueue(cutMidBody(PNG));
    storage.enqueue(image(PNG, "image/png"));

    Path file = generateOne(client(1)).saveTo(dir.resolve("cat"));

    assertThat(Files.readAllBytes(file)).isEqualTo(PNG);
    assertThat(files()).as("no .part left over").containsExactly(dir.resolve("cat.png"));
    assertThat(storage.getRequestCount()).isEqualTo(2);
    assertThat(delays).containsExactly(Duration.ofMillis(500));
  }

  @Test
  void connectionCutMidBodyWithoutRetriesLeavesNoFile() throws Exception {
    storage.enqueue(cutMidBody(PNG));

    GeneratedImage image = generateOne(client(0));
    ApiConnectionException e =
        catchThrowableOfType(ApiConnectionException.class, () -> image.saveTo(dir.resolve("cat")));

    assertThat(e).hasMessageContaining("downloading image 0");
    assertThat(e.getMessage()).doesNotContain("secret123");
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(files()).as("neither cat.png nor its .part").isEmpty();
  }

  @Test
  void bytesCutMidBodyIsRetried() {
    storage.enqueue(cutMidBody(PNG));
    storage.enqueue(image(PNG, "image/png"));

    assertThat(generateOne(client(1)).bytes()).isEqualTo(PNG);
    assertThat(storage.getRequestCount()).isEqualTo(2);
  }

  @Test
  void writeToCutMidBodyIsNotRetriedOnceBytesReachedTheCaller() {
    storage.enqueue(cutMidBody(PNG));
    storage.enqueue(image(PNG, "image/png"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    GeneratedImage image = generateOne(client(2));
    ApiConnectionException e =
        catchThrowableOfType(ApiConnectionException.class, () -> image.writeTo(out));

    assertThat(e.attempts()).isEqualTo(1);
    assertThat(storage.getRequestCount()).isEqualTo(1);
    assertThat(out.size()).isLessThan(PNG.length);
    assertThat(delays).isEmpty();
  }

  @Test
  void openStreamCutMidBodyFailsTheRead() throws Exception {
    storage.enqueue(cutMidBody(PNG));

    try (InputStream in = generateOne(client(2)).openStream()) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
    }
    assertThat(storage.getRequestCount()).isEqualTo(1);
  }

  @Test
  void writeToFailureOfTheCallersStreamIsItsOwnIOExceptionAndNotRetried() {
    storage.enqueue(image(PNG, "image/png"));
    storage.enqueue(image(PNG, "image/png"));
    IOException diskFull = new IOException("disk full");
    OutputStream failing =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw diskFull;
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            throw diskFull;
          }
        };

    GeneratedImage image = generateOne(client(2));

    assertThatThrownBy(() -> image.writeTo(failing)).isSameAs(diskFull);
    assertThat(storage.getRequestCount()).isEqualTo(1);
  }

  @Test
  void headersSlowerThanTheReadTimeoutAreApiTimeout() {
    storage.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "image/png")
            .body(new Buffer().write(PNG))
            .headersDelay(1, TimeUnit.SECONDS)
            .build());
    TogetherImages client = track(builder(0).readTimeout(Duration.ofMillis(300)).build());

    GeneratedImage image = generateOne(client);
    ApiTimeoutException e = catchThrowableOfType(ApiTimeoutException.class, image::bytes);

    assertThat(e).hasMessageContaining("downloading image 0").hasMessageContaining("timed out");
    assertThat(e.getMessage()).doesNotContain("secret123");
    assertThat(e.attempts()).isEqualTo(1);
  }

  @Test
  void bodyStallingBeyondTheReadTimeoutIsApiTimeout() {
    // The first 64 bytes pass the format check; the rest comes a second later.
    storage.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "image/png")
            .body(new Buffer().write(PNG))
            .throttleBody(64, 1, TimeUnit.SECONDS)
            .build());
    TogetherImages client = track(builder(0).readTimeout(Duration.ofMillis(300)).build());

    GeneratedImage image = generateOne(client);
    ApiTimeoutException e = catchThrowableOfType(ApiTimeoutException.class, image::bytes);

    assertThat(e).hasMessageContaining("timed out");
    assertThat(storage.getRequestCount()).isEqualTo(1);
  }

  @Test
  void downloadSlowerThanTheCallTimeoutIsApiTimeout() {
    // Every chunk comes well within the read timeout; the whole takes far longer than 300 ms.
    storage.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "image/png")
            .body(new Buffer().write(PNG))
            .throttleBody(64, 100, TimeUnit.MILLISECONDS)
            .build());
    TogetherImages client = track(builder(0).callTimeout(Duration.ofMillis(300)).build());

    GeneratedImage image = generateOne(client);
    ApiTimeoutException e = catchThrowableOfType(ApiTimeoutException.class, image::bytes);

    assertThat(e).hasMessageContaining("timed out");
    assertThat(storage.getRequestCount()).isEqualTo(1);
  }

  @Test
  void connectionDroppedBeforeTheResponseIsRetried() {
    storage.enqueue(
        new MockResponse.Builder()
            .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    storage.enqueue(image(PNG, "image/png"));

    assertThat(generateOne(client(1)).bytes()).isEqualTo(PNG);
    assertThat(storage.getRequestCount()).isEqualTo(2);
    assertThat(delays).containsExactly(Duration.ofMillis(500));
  }

  @Test
  void unreachableImageHostIsRetriedThenApiConnectionException() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    TogetherImages client = client(2);
    api.enqueue(generation("http://127.0.0.1:" + closedPort + "/img/0.png?" + SIGNATURE));
    GeneratedImage image = client.generate(urlRequest(1)).images().get(0);

    ApiConnectionException e =
        catchThrowableOfType(ApiConnectionException.class, () -> image.saveTo(dir.resolve("cat")));

    assertThat(e.attempts()).isEqualTo(3);
    assertThat(e)
        .hasMessageContaining("downloading image 0")
        .hasMessageEndingWith("after 3 attempts");
    assertThat(e.getMessage()).doesNotContain("secret123");
    assertThat(delays).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(files()).isEmpty();
  }

  /** Sends half of {@code bytes}, then drops the connection. */
  private static MockResponse cutMidBody(byte[] bytes) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "image/png")
        .body(new Buffer().write(bytes))
        .throttleBody(256, 0, TimeUnit.MILLISECONDS)
        .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
        .build();
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> stream = Files.walk(dir)) {
      return stream.filter(Files::isRegularFile).toList();
    }
  }

  private String signedUrl(String path) {
    return storage.url(path + "?" + SIGNATURE).toString();
  }

  private GeneratedImage generateOne(TogetherImages client) {
    api.enqueue(generation(signedUrl("/img/0.png")));
    return client.generate(urlRequest(1)).images().get(0);
  }

  private TogetherImages client(int maxRetries) {
    return track(builder(maxRetries).build());
  }

  private TogetherImages track(TogetherImages client) {
    clients.add(client);
    return client;
  }

  private TogetherImages.Builder builder(int maxRetries) {
    RetryPolicy recording =
        new RetryPolicy(
            maxRetries,
            delays::add,
            (delay, task) -> {
              delays.add(delay);
              task.run();
            },
            () -> 0.0,
            Clock.systemUTC());
    return TogetherImages.builder()
        .apiKey(API_KEY)
        .baseUrl(api.url("/v1/").toString())
        .maxRetries(maxRetries)
        .retryPolicy(recording);
  }
}
