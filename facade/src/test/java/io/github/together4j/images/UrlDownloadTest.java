package io.github.together4j.images;

import static io.github.together4j.images.TestApi.API_KEY;
import static io.github.together4j.images.TestApi.JPEG;
import static io.github.together4j.images.TestApi.PNG;
import static io.github.together4j.images.TestApi.SIGNATURE;
import static io.github.together4j.images.TestApi.generation;
import static io.github.together4j.images.TestApi.image;
import static io.github.together4j.images.TestApi.redirect;
import static io.github.together4j.images.TestApi.status;
import static io.github.together4j.images.TestApi.take;
import static io.github.together4j.images.TestApi.unexpected;
import static io.github.together4j.images.TestApi.urlRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.QueueDispatcher;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Downloading {@code url} results: the bytes arrive exact, the API key never goes to the image
 * host, failures are mapped and retried like API calls, redirects are followed by hand within
 * limits, and neither messages nor logs repeat the URL's signature. Two servers on loopback: {@code
 * api} plays Together, {@code storage} the host the image URLs point at. Waits between retries are
 * recorded, never slept.
 */
class UrlDownloadTest {

  @StartStop private final MockWebServer api = new MockWebServer();
  @StartStop private final MockWebServer storage = new MockWebServer();
  @TempDir Path dir;

  @RegisterExtension final TestClients clients = new TestClients();
  private final List<Duration> delays = clients.delays;

  @BeforeEach
  void answerUnexpectedRequestsAtOnce() {
    // A request nobody enqueued an answer for gets 418 instead of hanging the test.
    ((QueueDispatcher) api.getDispatcher()).setFailFast(unexpected());
    ((QueueDispatcher) storage.getDispatcher()).setFailFast(unexpected());
  }

  @Test
  void bytesAreExactlyTheServedPng() throws Exception {
    storage.enqueue(image(PNG, "image/png"));

    GeneratedImage image = generateOne(client(0), signedUrl("/img/0.png"));

    assertThat(image.isUrl()).isTrue();
    assertThat(image.bytes()).isEqualTo(PNG);
    RecordedRequest get = take(storage);
    assertThat(get.getMethod()).isEqualTo("GET");
    assertThat(get.getUrl().encodedPath()).isEqualTo("/img/0.png");
    assertThat(get.getUrl().queryParameter("X-Amz-Signature"))
        .as("signed URL sent intact")
        .isEqualTo("secret123");
  }

  @Test
  void formatIsDetectedFromTheDownloadAndRemembered() {
    storage.enqueue(image(PNG, "application/octet-stream"));

    GeneratedImage image = generateOne(client(0), signedUrl("/img/0.png"));

    assertThat(image.format()).isEqualTo(ImageFormat.PNG);
    assertThat(image.format()).isEqualTo(ImageFormat.PNG);
    assertThat(storage.getRequestCount()).as("second format() downloads nothing").isEqualTo(1);
  }

  @Test
  void servedJpegIsDetectedAsJpegWhateverTheUrlSays() {
    storage.enqueue(image(JPEG, "image/png"));

    GeneratedImage image = generateOne(client(0), signedUrl("/img/0.png"));

    assertThat(image.format()).isEqualTo(ImageFormat.JPEG);
  }

  @Test
  void writeToAndOpenStreamGiveTheExactBytes() throws Exception {
    storage.enqueue(image(PNG, "image/png"));
    storage.enqueue(image(PNG, "image/png"));
    GeneratedImage image = generateOne(client(0), signedUrl("/img/0.png"));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long written = image.writeTo(out);
    byte[] streamed;
    try (InputStream in = image.openStream()) {
      streamed = in.readAllBytes();
    }

    assertThat(written).isEqualTo(PNG.length);
    assertThat(out.toByteArray()).isEqualTo(PNG);
    assertThat(streamed).isEqualTo(PNG);
  }

  @Test
  void dataUriEncodesTheDownloadedPng() {
    storage.enqueue(image(PNG, "image/png"));

    String uri = generateOne(client(0), signedUrl("/img/0.png")).dataUri();

    assertThat(uri).startsWith("data:image/png;base64,");
    assertThat(Base64.getDecoder().decode(uri.substring(uri.indexOf(',') + 1))).isEqualTo(PNG);
  }

  @Test
  void toBufferedImageDecodesTheDownloadedPixels() {
    // format() and bytes() each download: enough answers for both.
    storage.enqueue(image(PNG, "image/png"));
    storage.enqueue(image(PNG, "image/png"));

    BufferedImage decoded = generateOne(client(0), signedUrl("/img/0.png")).toBufferedImage();

    assertThat(decoded.getWidth()).isEqualTo(64);
    assertThat(decoded.getHeight()).isEqualTo(48);
  }

  @Test
  void imageRequestCarriesNoAuthorizationWhileTheApiCallDoes() throws Exception {
    storage.enqueue(image(PNG, "image/png"));

    generateOne(client(0), signedUrl("/img/0.png")).bytes();

    RecordedRequest apiCall = take(api);
    assertThat(apiCall.getHeaders().values("Authorization")).containsExactly("Bearer " + API_KEY);
    RecordedRequest get = take(storage);
    assertThat(get.getHeaders().names()).doesNotContain("Authorization", "authorization");
    assertThat(get.getHeaders().toString()).doesNotContain(API_KEY);
    assertThat(get.getHeaders().get("User-Agent")).startsWith("together4j/");
  }

  @Test
  void imageOnTheApisOwnHostAndPortGetsNoAuthorization() throws Exception {
    String url = api.url("/img/0.png?" + SIGNATURE).toString();
    assertThat(url).startsWith(api.url("/").toString());
    TogetherImages client = client(0);
    api.enqueue(generation(url));
    api.enqueue(image(PNG, "image/png"));

    assertThat(client.generate(urlRequest(1)).images().get(0).bytes()).isEqualTo(PNG);

    RecordedRequest apiCall = take(api);
    assertThat(apiCall.getHeaders().get("Authorization")).isEqualTo("Bearer " + API_KEY);
    RecordedRequest get = take(api);
    assertThat(get.getMethod()).isEqualTo("GET");
    assertThat(get.getUrl().encodedPath()).isEqualTo("/img/0.png");
    assertThat(get.getHeaders().get("Authorization")).isNull();
    assertThat(get.getHeaders().toString()).doesNotContain(API_KEY);
    assertThat(get.getHeaders().get("User-Agent")).startsWith("together4j/");
  }

  @Test
  void redirectToTheApisOriginCarriesNoAuthorization() throws Exception {
    storage.enqueue(redirect(302, api.url("/cdn/0.png?" + SIGNATURE).toString()));
    TogetherImages client = client(0);
    api.enqueue(generation(signedUrl("/img/0.png")));
    api.enqueue(image(PNG, "image/png"));

    assertThat(client.generate(urlRequest(1)).images().get(0).bytes()).isEqualTo(PNG);

    assertThat(take(api).getHeaders().get("Authorization")).isEqualTo("Bearer " + API_KEY);
    assertThat(take(storage).getHeaders().get("Authorization")).isNull();
    RecordedRequest redirected = take(api);
    assertThat(redirected.getUrl().encodedPath()).isEqualTo("/cdn/0.png");
    assertThat(redirected.getHeaders().get("Authorization")).isNull();
    assertThat(redirected.getHeaders().get("User-Agent")).startsWith("together4j/");
  }

  @Test
  void status404IsNotFoundNamingTheImageWithoutSignatureOrKey() {
    storage.enqueue(status(404));

    GeneratedImage image = generateOne(client(2), signedUrl("/img/0.png"));
    NotFoundException e = catchThrowableOfType(NotFoundException.class, image::bytes);

    assertThat(e)
        .hasMessageContaining("downloading image 0 from")
        .hasMessageContaining("/img/0.png?…")
        .hasMessageContaining("failed: HTTP 404");
    assertThat(e.getMessage()).doesNotContain("secret123", "X-Amz-Signature", API_KEY);
    assertThat(e.statusCode()).isEqualTo(404);
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(storage.getRequestCount()).as("404 is not retried").isEqualTo(1);
  }

  @Test
  void status403IsPermissionDeniedSayingUrlResultsExpire() {
    storage.enqueue(status(403));

    GeneratedImage image = generateOne(client(2), signedUrl("/img/0.png"));
    PermissionDeniedException e =
        catchThrowableOfType(PermissionDeniedException.class, image::bytes);

    assertThat(e).hasMessageContaining("HTTP 403").hasMessageContaining("expires");
    assertThat(e.getMessage()).doesNotContain("secret123", API_KEY);
    assertThat(storage.getRequestCount()).isEqualTo(1);
  }

  /** Downloads use the API's one status table (ErrorMapper.ofStatus): a 401 is authentication. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "400, io.github.together4j.images.BadRequestException",
    "401, io.github.together4j.images.AuthenticationException",
    "403, io.github.together4j.images.PermissionDeniedException",
    "404, io.github.together4j.images.NotFoundException",
    "409, io.github.together4j.images.TogetherException"
  })
  void statusesMapAsForApiCalls(int code, Class<? extends TogetherException> type) {
    storage.enqueue(status(code));

    GeneratedImage image = generateOne(client(0), signedUrl("/img/0.png"));
    Throwable e = org.assertj.core.api.Assertions.catchThrowable(image::bytes);

    assertThat(e).isExactlyInstanceOf(type).hasMessageContaining("failed: HTTP " + code);
    assertThat(((TogetherException) e).statusCode()).isEqualTo(code);
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 503})
  void serverErrorsAreRetriedThenReportedWithAttempts(int code) {
    for (int i = 0; i < 3; i++) {
      storage.enqueue(status(code));
    }

    GeneratedImage image = generateOne(client(2), signedUrl("/img/0.png"));
    ServerException e = catchThrowableOfType(ServerException.class, image::bytes);

    assertThat(storage.getRequestCount()).isEqualTo(1 + 2);
    assertThat(e.attempts()).isEqualTo(3);
    assertThat(e.statusCode()).isEqualTo(code);
    assertThat(e).hasMessageContaining("HTTP " + code).hasMessageEndingWith("after 3 attempts");
    assertThat(e.getMessage()).doesNotContain("secret123");
    assertThat(delays).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
  }

  @Test
  void status503ThenSuccessDownloadsAfterOneRetry() {
    storage.enqueue(status(503));
    storage.enqueue(image(PNG, "image/png"));

    GeneratedImage image = generateOne(client(2), signedUrl("/img/0.png"));

    assertThat(image.bytes()).isEqualTo(PNG);
    assertThat(storage.getRequestCount()).isEqualTo(2);
    assertThat(delays).containsExactly(Duration.ofMillis(500));
  }

  @Test
  void redirectToAnotherPathIsFollowedAndSaved() throws Exception {
    storage.enqueue(redirect(302, "/moved/0.png?sig=other"));
    storage.enqueue(image(PNG, "image/png"));

    Path file = generateOne(client(0), signedUrl("/img/0.png")).saveTo(dir.resolve("cat"));

    assertThat(file).isEqualTo(dir.resolve("cat.png"));
    assertThat(Files.readAllBytes(file)).isEqualTo(PNG);
    assertThat(take(storage).getUrl().encodedPath()).isEqualTo("/img/0.png");
    RecordedRequest redirected = take(storage);
    assertThat(redirected.getUrl().encodedPath()).isEqualTo("/moved/0.png");
    assertThat(redirected.getHeaders().get("Authorization")).isNull();
  }

  @Test
  void fiveRedirectsAreFollowed() {
    for (int i = 1; i <= 5; i++) {
      storage.enqueue(redirect(i % 2 == 0 ? 301 : 307, "/hop/" + i + ".png"));
    }
    storage.enqueue(image(PNG, "image/png"));

    assertThat(generateOne(client(0), signedUrl("/img/0.png")).bytes()).isEqualTo(PNG);
    assertThat(storage.getRequestCount()).isEqualTo(6);
  }

  @Test
  void sixRedirectsAreRefused() {
    for (int i = 1; i <= 6; i++) {
      storage.enqueue(redirect(302, "/hop/" + i + ".png?sig=hop" + i));
    }

    GeneratedImage image = generateOne(client(2), signedUrl("/img/0.png"));
    MalformedResponseException e =
        catchThrowableOfType(MalformedResponseException.class, image::bytes);

    assertThat(e).hasMessageContaining("redirected more than 5 times");
    assertThat(e.getMessage()).doesNotContain("sig=hop", "secret123");
    assertThat(storage.getRequestCount()).as("not retried").isEqualTo(6);
  }

  @Test
  void redirectToFtpIsRefused() {
    storage.enqueue(redirect(302, "ftp://example.invalid/x.png?sig=abc"));

    GeneratedImage image = generateOne(client(2), signedUrl("/img/0.png"));
    MalformedResponseException e =
        catchThrowableOfType(MalformedResponseException.class, image::bytes);

    assertThat(e).hasMessageContaining("only http and https");
    assertThat(e.getMessage()).doesNotContain("sig=abc", "secret123");
    assertThat(storage.getRequestCount()).isEqualTo(1);
  }

  @Test
  void redirectWithoutLocationIsRefused() {
    storage.enqueue(new MockResponse.Builder().code(302).build());

    GeneratedImage image = generateOne(client(2), signedUrl("/img/0.png"));
    MalformedResponseException e =
        catchThrowableOfType(MalformedResponseException.class, image::bytes);

    assertThat(e).hasMessageContaining("no Location header");
    assertThat(storage.getRequestCount()).isEqualTo(1);
  }

  @Test
  void htmlInsteadOfAnImageIsRefusedNamingTheContentType() {
    storage.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/html; charset=utf-8")
            .body("<!DOCTYPE html><html><body>Access denied</body></html>")
            .build());

    GeneratedImage image = generateOne(client(2), signedUrl("/img/0.png"));
    MalformedResponseException e =
        catchThrowableOfType(MalformedResponseException.class, image::bytes);

    assertThat(e)
        .hasMessageContaining("is not a PNG, JPEG, WebP or GIF image")
        .hasMessageContaining("Content-Type: text/html");
    assertThat(e.getMessage()).doesNotContain("secret123");
    assertThat(storage.getRequestCount()).as("not retried").isEqualTo(1);
  }

  @Test
  void emptyBodyIsRefused() {
    storage.enqueue(
        new MockResponse.Builder().addHeader("Content-Type", "image/png").body("").build());

    GeneratedImage image = generateOne(client(2), signedUrl("/img/0.png"));
    MalformedResponseException e =
        catchThrowableOfType(MalformedResponseException.class, image::bytes);

    assertThat(e)
        .hasMessageContaining("is not a PNG, JPEG, WebP or GIF image")
        .hasMessageContaining("empty");
    assertThat(storage.getRequestCount()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://user:pw@x/y.png?sig=abc", "not a url pw sig=abc"})
  void urlThatIsNotHttpIsRefusedWithoutEchoingIt(String url) {
    GeneratedImage image = generateOne(client(0), url);

    MalformedResponseException e =
        catchThrowableOfType(MalformedResponseException.class, image::bytes);

    assertThat(e).hasMessageContaining("image 0 has a url that is not http or https");
    assertThat(e.getMessage()).doesNotContain("pw", "sig=abc", "user");
    assertThat(image.toString()).doesNotContain("pw", "sig=abc");
    assertThat(storage.getRequestCount()).isZero();
  }

  @Test
  void toStringShowsTheUrlWithoutItsQuery() {
    GeneratedImage image = generateOne(client(0), signedUrl("/img/0.png"));

    assertThat(image.toString()).contains("/img/0.png?…").doesNotContain("secret123", "X-Amz");
    assertThat(image.url()).as("url() itself is as sent").endsWith(SIGNATURE);
  }

  @Test
  void userInfoInTheUrlIsNeitherSentAsAuthorizationNorShown() throws Exception {
    storage.enqueue(status(404));
    String url =
        storage
            .url("/img/0.png?" + SIGNATURE)
            .newBuilder()
            .username("user")
            .password("hunter2")
            .build()
            .toString();

    GeneratedImage image = generateOne(client(0), url);
    NotFoundException e = catchThrowableOfType(NotFoundException.class, image::bytes);

    assertThat(e.getMessage()).doesNotContain("user", "hunter2", "secret123");
    assertThat(image.toString()).doesNotContain("user", "hunter2", "secret123");
    assertThat(take(storage).getHeaders().get("Authorization")).isNull();
  }

  @Test
  void retryAfterFromTheImageHostIsHonoured() {
    storage.enqueue(status(429).newBuilder().addHeader("Retry-After", "3").build());
    storage.enqueue(image(PNG, "image/png"));

    assertThat(generateOne(client(2), signedUrl("/img/0.png")).bytes()).isEqualTo(PNG);
    assertThat(delays).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void ipv6HostIsShownInBrackets() {
    GeneratedImage image = generateOne(client(0), "http://[::1]:8080/img/0.png?" + SIGNATURE);

    assertThat(image.toString()).contains("http://[::1]:8080/img/0.png?…");
  }

  @Test
  void debugLogNamesTheImageUrlWithoutItsQuery() {
    Logger jul = Logger.getLogger("io.github.together4j.images");
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    SimpleFormatter formatter = new SimpleFormatter();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            lines.add(formatter.formatMessage(record));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Level previous = jul.getLevel();
    jul.setLevel(Level.FINE);
    jul.addHandler(capture);
    try {
      storage.enqueue(image(PNG, "image/png"));
      generateOne(client(0), signedUrl("/img/0.png")).bytes();
    } finally {
      jul.removeHandler(capture);
      jul.setLevel(previous);
    }

    assertThat(lines).anySatisfy(line -> assertThat(line).contains("GET").contains("/img/0.png?…"));
    assertThat(String.join("\n", lines)).doesNotContain("secret123", API_KEY);
  }

  /** The image host's URL for {@code path}, signed the way S3 presigns. */
  private String signedUrl(String path) {
    return storage.url(path + "?" + SIGNATURE).toString();
  }

  private GeneratedImage generateOne(TogetherImages client, String url) {
    api.enqueue(generation(url));
    return client.generate(urlRequest(1)).images().get(0);
  }

  private TogetherImages client(int maxRetries) {
    return clients.client(api, maxRetries);
  }
}
