package io.github.together4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import io.github.together4j.images.ApiConnectionException;
import io.github.together4j.images.ApiTimeoutException;
import io.github.together4j.images.BadRequestException;
import io.github.together4j.images.MalformedResponseException;
import io.github.together4j.images.NotFoundException;
import io.github.together4j.images.PermissionDeniedException;
import io.github.together4j.images.ServerException;
import io.github.together4j.images.TogetherException;
import io.github.together4j.images.testkit.FakeTogether;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.Fault;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every together4j failure becomes the LangChain4j exception its kind calls for, with ours as the
 * cause, and the API key in no message, toString or stack trace.
 */
@FakeTogether(apiKey = ErrorMappingTest.KEY)
class ErrorMappingTest {
  /** Long enough to be redacted wherever a server echoes it, and obviously fake. */
  static final String KEY = "fake-lc4j-key-0001";

  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of(
            400, "invalid_request_error", InvalidRequestException.class, BadRequestException.class),
        Arguments.of(
            422, "invalid_request_error", InvalidRequestException.class, BadRequestException.class),
        Arguments.of(
            401,
            "invalid_api_key",
            AuthenticationException.class,
            io.github.together4j.images.AuthenticationException.class),
        Arguments.of(
            403,
            "permission_denied",
            AuthenticationException.class,
            PermissionDeniedException.class),
        Arguments.of(404, "model_not_found", ModelNotFoundException.class, NotFoundException.class),
        Arguments.of(408, "request_timeout", TimeoutException.class, TogetherException.class),
        Arguments.of(409, "conflict", InvalidRequestException.class, TogetherException.class),
        Arguments.of(
            429,
            "rate_limit_exceeded",
            RateLimitException.class,
            io.github.together4j.images.RateLimitException.class),
        Arguments.of(500, "server_error", InternalServerException.class, ServerException.class),
        Arguments.of(
            503, "service_unavailable", InternalServerException.class, ServerException.class));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("statuses")
  void statusMapsToLangChain4jTypeWithOursAsCause(
      int status,
      String type,
      Class<? extends LangChain4jException> expected,
      Class<? extends TogetherException> cause,
      FakeTogetherServer server) {
    // The server echoes the key in its message: it must be redacted on the way through.
    server.enqueue(Fault.error(status, type, "refused for key " + KEY).withCode("code-" + status));
    TogetherImageModel model = model(server).maxRetries(0).build();

    Throwable thrown = catchThrowable(() -> model.generate("a fox"));

    assertThat(thrown).isExactlyInstanceOf(expected);
    assertThat(thrown.getCause()).isExactlyInstanceOf(cause);
    assertThat(thrown.getMessage())
        .isEqualTo(thrown.getCause().getMessage())
        .contains("HTTP " + status, "code-" + status);
    assertThat(((TogetherException) thrown.getCause()).statusCode()).isEqualTo(status);
    assertNoKey(thrown);
    assertThat(server.requestCount()).as("maxRetries(0): exactly one request").isEqualTo(1);
  }

  @Test
  void wrongKeyIsAuthenticationExceptionWithoutEitherKey(FakeTogetherServer server) {
    String wrong = "fake-wrong-key-0002";
    TogetherImageModel model =
        TogetherImageModel.builder().apiKey(wrong).baseUrl(server.baseUrl()).build();

    Throwable thrown = catchThrowable(() -> model.generate("a fox"));

    assertThat(thrown)
        .isInstanceOf(AuthenticationException.class)
        .isInstanceOf(NonRetriableException.class)
        .hasCauseInstanceOf(io.github.together4j.images.AuthenticationException.class);
    assertNoKey(thrown, wrong);
    assertThat(model.toString()).doesNotContain(wrong).contains("██");
    assertThat(server.requestCount()).as("a 401 is not retried").isEqualTo(1);
  }

  @Test
  void retriesAreTogether4jsAndUsedUpBeforeMapping(FakeTogetherServer server) {
    server.enqueue(Fault.overloaded());
    server.enqueue(Fault.overloaded());
    TogetherImageModel model = model(server).maxRetries(1).build();

    Throwable thrown = catchThrowable(() -> model.generate("a fox"));

    assertThat(thrown)
        .isInstanceOf(InternalServerException.class)
        .isInstanceOf(RetriableException.class);
    assertThat(((TogetherException) thrown.getCause()).attempts()).isEqualTo(2);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void aRetryThatSucceedsIsInvisible(FakeTogetherServer server) {
    server.enqueue(Fault.overloaded());
    TogetherImageModel model = model(server).maxRetries(1).build();

    assertThat(model.generate("a fox").content().url()).isNotNull();
    assertThat(server.requestCount()).isEqualTo(2);
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of(
            "timeout",
            Fault.delay(Duration.ofSeconds(5)),
            TimeoutException.class,
            ApiTimeoutException.class),
        Arguments.of(
            "disconnect",
            Fault.disconnect(),
            RetriableException.class,
            ApiConnectionException.class),
        Arguments.of(
            "malformed JSON",
            Fault.malformedJson(),
            LangChain4jException.class,
            MalformedResponseException.class),
        Arguments.of(
            "malformed base64",
            Fault.malformedBase64(),
            LangChain4jException.class,
            MalformedResponseException.class));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("faults")
  void faultMapsToLangChain4jTypeWithOursAsCause(
      String name,
      Fault fault,
      Class<? extends LangChain4jException> expected,
      Class<? extends TogetherException> cause,
      FakeTogetherServer server) {
    server.enqueue(fault);
    TogetherImageModel model =
        model(server)
            .responseFormat("base64")
            // Short only where the fault is a delay: rendering may be slow on a busy machine.
            .timeout(name.equals("timeout") ? Duration.ofMillis(500) : null)
            .maxRetries(0)
            .build();

    Throwable thrown = catchThrowable(() -> model.generate("a fox"));

    assertThat(thrown).isExactlyInstanceOf(expected);
    assertThat(thrown.getCause()).isExactlyInstanceOf(cause);
    assertNoKey(thrown);
  }

  @Test
  void refusedConnectionIsRetriableException() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    TogetherImageModel model =
        TogetherImageModel.builder()
            .apiKey(KEY)
            .baseUrl("http://127.0.0.1:" + port + "/v1/")
            .maxRetries(0)
            .build();

    Throwable thrown = catchThrowable(() -> model.generate("a fox"));

    assertThat(thrown)
        .isExactlyInstanceOf(RetriableException.class)
        .hasCauseInstanceOf(ApiConnectionException.class);
    assertNoKey(thrown);
  }

  @Test
  void unknownHostIsUnresolvedModelServerException() {
    TogetherImageModel model =
        TogetherImageModel.builder()
            .apiKey(KEY)
            .baseUrl("https://together4j-test.invalid/v1/")
            .maxRetries(0)
            .build();

    Throwable thrown = catchThrowable(() -> model.generate("a fox"));

    assertThat(thrown)
        .isExactlyInstanceOf(UnresolvedModelServerException.class)
        .hasCauseInstanceOf(ApiConnectionException.class);
    assertNoKey(thrown);
  }

  private static TogetherImageModel.Builder model(FakeTogetherServer server) {
    return TogetherImageModel.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl());
  }

  private static void assertNoKey(Throwable thrown) {
    assertNoKey(thrown, KEY);
  }

  static void assertNoKey(Throwable thrown, String key) {
    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString()).as("stack trace with causes").doesNotContain(key);
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(key);
      assertThat(t.toString()).doesNotContain(key);
      if (t instanceof TogetherException e) {
        assertThat(e.serverMessage() + " " + e.errorCode() + " " + e.param() + " " + e.requestId())
            .doesNotContain(key);
      }
    }
  }
}
