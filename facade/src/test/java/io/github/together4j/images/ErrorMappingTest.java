package io.github.together4j.images;

import static io.github.together4j.images.TestApi.OK_BODY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How failed responses and I/O errors become the {@link TogetherException} hierarchy. */
class ErrorMappingTest {
  @StartStop private final MockWebServer server = new MockWebServer();
  @RegisterExtension final TestClients clients = new TestClients();

  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of(400, BadRequestException.class),
        Arguments.of(401, AuthenticationException.class),
        Arguments.of(403, PermissionDeniedException.class),
        Arguments.of(404, NotFoundException.class),
        Arguments.of(422, BadRequestException.class),
        Arguments.of(429, RateLimitException.class),
        Arguments.of(500, ServerException.class),
        Arguments.of(502, ServerException.class),
        Arguments.of(503, ServerException.class),
        Arguments.of(418, TogetherException.class));
  }

  @ParameterizedTest(name = "POST /images/generations -> {0} => {1}")
  @MethodSource("statuses")
  void statusMapsToTypedExceptionWithErrorDataFields(
      int status, Class<? extends TogetherException> expected) throws Exception {
    server.enqueue(
        json(status, errorBody("Nope " + status, "some_error", "width", "code_" + status))
            .addHeader("x-request-id", "req-" + status)
            .build());

    try (TogetherImages client = client(0)) {
      TogetherException e =
          catchThrowableOfType(TogetherException.class, () -> client.generate("a cat"));

      assertThat(e).isExactlyInstanceOf(expected);
      assertThat(e.statusCode()).isEqualTo(status);
      assertThat(e.errorType()).isEqualTo("some_error");
      assertThat(e.errorCode()).isEqualTo("code_" + status);
      assertThat(e.param()).isEqualTo("width");
      assertThat(e.serverMessage()).isEqualTo("Nope " + status);
      assertThat(e.requestId()).isEqualTo("req-" + status);
      assertThat(e.attempts()).isEqualTo(1);
      assertThat(e)
          .hasMessage(
              "HTTP "
                  + status
                  + " some_error: Nope "
                  + status
                  + "; param: width; code: code_"
                  + status
                  + "; request-id: req-"
                  + status);
    }
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/images/generations");
  }

  @Test
  void nullParamAndCodeAreLeftOutOfMessage() {
    server.enqueue(
        json(
                400,
                "{\"error\":{\"message\":\"Bad\",\"type\":\"invalid_request_error\","
                    + "\"param\":null,\"code\":null}}")
            .build());

    try (TogetherImages client = client(0)) {
      assertThatThrownBy(() -> client.generate("a cat"))
          .isExactlyInstanceOf(BadRequestException.class)
          .hasMessage("HTTP 400 invalid_request_error: Bad")
          .satisfies(
              e -> {
                TogetherException t = (TogetherException) e;
                assertThat(t.param()).isNull();
                assertThat(t.errorCode()).isNull();
                assertThat(t.requestId()).isNull();
              });
    }
  }

  @Test
  void gatewayHtmlPageIsAServerExceptionNamingOnlyThePageTitle() {
    String html =
        "<html>\n  <head><title>502 Bad Gateway</title></head>\n<body>"
            + "x".repeat(500)
            + "</body></html>";
    server.enqueue(
        new MockResponse.Builder()
            .code(502)
            .addHeader("Content-Type", "text/html")
            .addHeader("x-request-id", "req-html")
            .body(html)
            .build());

    try (TogetherImages client = client(0)) {
      ServerException e =
          catchThrowableOfType(ServerException.class, () -> client.generate("a cat"));

      assertThat(e.statusCode()).isEqualTo(502);
      assertThat(e.requestId()).isEqualTo("req-html");
      assertThat(e.errorType()).isNull();
      assertThat(e.getMessage())
          .isEqualTo(
              "HTTP 502 with a body that is not an API error: "
                  + "an HTML page titled \"502 Bad Gateway\"; request-id: req-html");
    }
  }

  @Test
  void plainTextErrorBodyKeepsItsStatusClassAndAShortExcerpt() {
    server.enqueue(
        new MockResponse.Builder()
            .code(401)
            .addHeader("Content-Type", "text/plain")
            .body("unauthorized by proxy " + "y".repeat(400))
            .build());

    try (TogetherImages client = client(0)) {
      AuthenticationException e =
          catchThrowableOfType(AuthenticationException.class, () -> client.generate("a cat"));

      assertThat(e.getMessage())
          .startsWith(
              "HTTP 401 with a body that is not an API error: " + "unauthorized by proxy yyy")
          .endsWith("…")
          .doesNotContain("y".repeat(300));
    }
  }

  @Test
  void invalidJsonOn200IsMalformedAndNotRetried() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(200, "{\"id\":\"gen-1\",\"data\":[{\"ind").build());
    }

    try (TogetherImages client = client(2)) {
      assertThatThrownBy(() -> client.generate("a cat"))
          .isExactlyInstanceOf(MalformedResponseException.class)
          .hasMessageStartingWith("response is not an ImageResponse: ")
          .satisfies(e -> assertThat(((TogetherException) e).attempts()).isEqualTo(1));
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void nonJsonOn200IsMalformedAndNotRetried() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(200, "<html>oops</html>").build());
    }

    try (TogetherImages client = client(2)) {
      assertThatThrownBy(() -> client.generate("a cat"))
          .isExactlyInstanceOf(MalformedResponseException.class);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void emptyDataIsMalformed() {
    server.enqueue(
        json(200, "{\"id\":\"gen-7\",\"model\":\"m\",\"object\":\"list\",\"data\":[]}")
            .addHeader("x-request-id", "req-empty")
            .build());

    try (TogetherImages client = client(2)) {
      MalformedResponseException e =
          catchThrowableOfType(MalformedResponseException.class, () -> client.generate("a cat"));

      assertThat(e).hasMessageContaining("gen-7").hasMessageContaining("data is empty");
      assertThat(e.statusCode()).isEqualTo(200);
      assertThat(e.requestId()).isEqualTo("req-empty");
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void missingRequiredIndexIsMalformed() {
    server.enqueue(
        json(
                200,
                "{\"id\":\"gen-1\",\"model\":\"m\",\"object\":\"list\","
                    + "\"data\":[{\"b64_json\":\"iVBORw0KGgo=\"}]}")
            .build());

    try (TogetherImages client = client(2)) {
      assertThatThrownBy(() -> client.generate("a cat"))
          .isExactlyInstanceOf(MalformedResponseException.class)
          .hasMessageContaining("index");
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void malformed200KeepsStatusAndRequestId() {
    server.enqueue(json(200, "{not json").addHeader("x-request-id", "req-bad").build());

    try (TogetherImages client = client(0)) {
      MalformedResponseException e =
          catchThrowableOfType(MalformedResponseException.class, () -> client.generate("a cat"));

      assertThat(e.statusCode()).isEqualTo(200);
      assertThat(e.requestId()).isEqualTo("req-bad");

      server.enqueue(json(200, "{not json").addHeader("x-request-id", "req-bad-async").build());
      Throwable async = catchThrowable(() -> client.generateAsync("a cat").join()).getCause();
      assertThat(async).isInstanceOf(MalformedResponseException.class);
      assertThat(((MalformedResponseException) async).statusCode()).isEqualTo(200);
      assertThat(((MalformedResponseException) async).requestId()).isEqualTo("req-bad-async");
    }
  }

  @Test
  void status204WithoutBodyIsMalformedWithItsStatus() {
    server.enqueue(
        new MockResponse.Builder().code(204).addHeader("x-request-id", "req-204").build());

    try (TogetherImages client = client(2)) {
      MalformedResponseException e =
          catchThrowableOfType(MalformedResponseException.class, () -> client.generate("a cat"));

      assertThat(e.requestId()).isEqualTo("req-204");
      assertThat(e.statusCode()).isEqualTo(204);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void connectionRefusedIsApiConnectionException() {
    String closedUrl;
    try (MockWebServer closed = new MockWebServer()) {
      startQuietly(closed);
      closedUrl = closed.url("/v1/").toString();
    }

    try (TogetherImages client = clients.builder(closedUrl, 0).build()) {
      ApiConnectionException e =
          catchThrowableOfType(ApiConnectionException.class, () -> client.generate("a cat"));

      assertThat(e).isExactlyInstanceOf(ApiConnectionException.class);
      assertThat(e.statusCode()).isZero();
      assertThat(e.requestId()).isNull();
      assertThat(e.attempts()).isEqualTo(1);
      assertThat(e)
          .hasMessageStartingWith("connection failed: ")
          .hasCauseInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void readTimeoutIsApiTimeoutException() {
    server.enqueue(json(200, OK_BODY).headersDelay(2, TimeUnit.SECONDS).build());

    try (TogetherImages client =
        clients.builder(server, 0).readTimeout(Duration.ofMillis(200)).build()) {
      ApiTimeoutException e =
          catchThrowableOfType(ApiTimeoutException.class, () -> client.generate("a cat"));

      assertThat(e.statusCode()).isZero();
      assertThat(e).hasMessageStartingWith("timed out: ");
      assertThat(e).isInstanceOf(ApiConnectionException.class);
    }
  }

  @Test
  void callTimeoutIsApiTimeoutException() {
    server.enqueue(json(200, OK_BODY).headersDelay(2, TimeUnit.SECONDS).build());

    try (TogetherImages client =
        clients.builder(server, 0).callTimeout(Duration.ofMillis(200)).build()) {
      assertThatThrownBy(() -> client.generate("a cat"))
          .isExactlyInstanceOf(ApiTimeoutException.class);
    }
  }

  private static String errorBody(String message, String type, String param, String code) {
    return "{\"error\":{\"message\":\""
        + message
        + "\",\"type\":\""
        + type
        + "\",\"param\":\""
        + param
        + "\",\"code\":\""
        + code
        + "\"}}";
  }

  private static MockResponse.Builder json(int status, String body) {
    return new MockResponse.Builder()
        .code(status)
        .addHeader("Content-Type", "application/json")
        .body(body);
  }

  private TogetherImages client(int maxRetries) {
    return clients.client(server, maxRetries);
  }

  private static void startQuietly(MockWebServer server) {
    try {
      server.start();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
