package io.github.together4j.images.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.ApiConnectionException;
import io.github.together4j.images.ApiTimeoutException;
import io.github.together4j.images.AuthenticationException;
import io.github.together4j.images.BadRequestException;
import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.MalformedResponseException;
import io.github.together4j.images.NotFoundException;
import io.github.together4j.images.PermissionDeniedException;
import io.github.together4j.images.RateLimitException;
import io.github.together4j.images.ServerException;
import io.github.together4j.images.TogetherException;
import io.github.together4j.images.TogetherImages;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every scripted {@link Fault}, through the real client (and on the wire where it matters). */
class FaultTest extends FakeServerTestBase {

  /** Small, so the happy path is quick. */
  private static final ImageGenerationRequest SMALL =
      ImageGenerationRequest.builder("a fox")
          .size(16, 16)
          .responseFormat(ResponseFormat.BASE64)
          .build();

  /** Large enough (two 512×512 PNGs, about 1 MB of base64) that a cut body is really cut. */
  private static final ImageGenerationRequest LARGE =
      ImageGenerationRequest.builder("a fox")
          .n(2)
          .size(512, 512)
          .outputFormat(OutputFormat.PNG)
          .responseFormat(ResponseFormat.BASE64)
          .build();

  // ---------------------------------------------------------------------------------------------
  // Error responses

  @Test
  void errorWithParamAndCodeIsABadRequestCarryingThem() {
    server.enqueue(
        Fault.error(400, "invalid_request_error", "nope").withParam("width").withCode("bad"));

    assertThatThrownBy(() -> noRetries().generate(SMALL))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.errorType()).isEqualTo("invalid_request_error");
              assertThat(e.param()).isEqualTo("width");
              assertThat(e.errorCode()).isEqualTo("bad");
              assertThat(e.serverMessage()).isEqualTo("nope");
              assertThat(e.attempts()).isEqualTo(1);
            });
  }

  @Test
  void errorOnTheWireIsErrorDataWithNullParamAndCodeUnlessGiven() {
    server.enqueue(Fault.error(422, "invalid_request_error", "nope"));

    Reply reply = post(server, MINIMAL_SMALL);

    assertThat(reply.code()).isEqualTo(422);
    assertThat(reply.headers().get("Content-Type")).startsWith("application/json");
    assertThat(reply.json())
        .isEqualTo(
            Map.of(
                "error",
                nullable(
                    "message",
                    "nope",
                    "type",
                    "invalid_request_error",
                    "param",
                    null,
                    "code",
                    null)));
  }

  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of(400, BadRequestException.class),
        Arguments.of(401, AuthenticationException.class),
        Arguments.of(403, PermissionDeniedException.class),
        Arguments.of(404, NotFoundException.class),
        Arguments.of(418, TogetherException.class),
        Arguments.of(422, BadRequestException.class),
        Arguments.of(429, RateLimitException.class),
        Arguments.of(500, ServerException.class),
        Arguments.of(599, ServerException.class));
  }

  @ParameterizedTest
  @MethodSource("statuses")
  void errorStatusReachesTheClientAsItsException(
      int status, Class<? extends TogetherException> type) {
    server.enqueue(Fault.error(status, "some_error", "status " + status));

    assertThatThrownBy(() -> noRetries().generate(SMALL))
        .isExactlyInstanceOf(type)
        .isInstanceOfSatisfying(
            TogetherException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(status);
              assertThat(e.errorType()).isEqualTo("some_error");
              assertThat(e.serverMessage()).isEqualTo("status " + status);
            });
  }

  @Test
  void rateLimitedWithZeroWaitIsRetriedAndTheRetrySucceeds() {
    server.enqueue(Fault.rateLimited(Duration.ZERO));
    TogetherImages client = track(server.clientBuilder().maxRetries(1).build());

    long start = System.nanoTime();
    ImageGenerationResult result = client.generate(SMALL);

    assertThat(result.images()).hasSize(1);
    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("Retry-After: 0 means no backoff")
        .isLessThan(Duration.ofMillis(450));
    assertThat(server.takeRequest().body()).isEqualTo(server.takeRequest().body());
  }

  @Test
  void rateLimitedWithoutRetriesIsARateLimitException() {
    server.enqueue(Fault.rateLimited(Duration.ofSeconds(3)));

    assertThatThrownBy(() -> noRetries().generate(SMALL))
        .isInstanceOfSatisfying(
            RateLimitException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(429);
              assertThat(e.errorType()).isEqualTo("rate_limit_exceeded");
              assertThat(e.serverMessage()).isEqualTo("Rate limit exceeded: slow down");
            });
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void rateLimitedSendsRetryAfterInSeconds() {
    server.enqueue(Fault.rateLimited(Duration.ofSeconds(3)));

    Reply reply = post(server, MINIMAL_SMALL);

    assertThat(reply.code()).isEqualTo(429);
    assertThat(reply.headers().values("Retry-After")).containsExactly("3");
    assertThat(object(reply.json().get("error"))).containsEntry("type", "rate_limit_exceeded");
  }

  @Test
  void withRetryAfterOnAnyErrorSetsTheHeader() {
    server.enqueue(Fault.overloaded().withRetryAfter(Duration.ofMinutes(2)));

    assertThat(post(server, MINIMAL_SMALL).headers().values("Retry-After")).containsExactly("120");
  }

  @Test
  void overloadedIsAServerException503() {
    server.enqueue(Fault.overloaded());

    assertThatThrownBy(() -> noRetries().generate(SMALL))
        .isInstanceOfSatisfying(
            ServerException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(503);
              assertThat(e.errorType()).isEqualTo("server_overloaded");
              assertThat(e.serverMessage())
                  .isEqualTo("The server is overloaded, please try again later");
            });
  }

  @Test
  void overloadedIsRetriedByADefaultishClient() {
    server.enqueue(Fault.overloaded().withRetryAfter(Duration.ZERO));
    TogetherImages client = track(server.clientBuilder().maxRetries(1).build());

    assertThat(client.generate(SMALL).images()).hasSize(1);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void withHeaderAddsAHeaderToTheResponse() {
    server.enqueue(Fault.overloaded().withHeader("X-Test", "1").withHeader("X-Other", "2"));
    server.enqueue(Fault.delay(Duration.ZERO).withHeader("X-Test", "on a 200"));

    Reply error = post(server, MINIMAL_SMALL);
    Reply delayed = post(server, MINIMAL_SMALL);

    assertThat(error.code()).isEqualTo(503);
    assertThat(error.headers().get("X-Test")).isEqualTo("1");
    assertThat(error.headers().get("X-Other")).isEqualTo("2");
    assertThat(delayed.code()).isEqualTo(200);
    assertThat(delayed.headers().get("X-Test")).isEqualTo("on a 200");
  }

  @Test
  void withHeaderReplacesAHeaderTheServerWouldSend() {
    server.enqueue(Fault.delay(Duration.ZERO).withHeader("x-request-id", "mine"));

    assertThat(post(server, MINIMAL_SMALL).headers().values("x-request-id"))
        .containsExactly("mine");
  }

  @Test
  void requestIdHeaderOfAnErrorReachesTheException() {
    server.enqueue(Fault.overloaded().withHeader("x-request-id", "req-123"));

    assertThatThrownBy(() -> noRetries().generate(SMALL))
        .isInstanceOfSatisfying(
            ServerException.class, e -> assertThat(e.requestId()).isEqualTo("req-123"));
  }

  // ---------------------------------------------------------------------------------------------
  // Delays

  @Test
  void delayLongerThanTheReadTimeoutIsAnApiTimeout() {
    server.enqueue(Fault.delay(Duration.ofMillis(800)));
    TogetherImages client =
        track(server.clientBuilder().readTimeout(Duration.ofMillis(200)).maxRetries(0).build());

    long start = System.nanoTime();
    assertThatThrownBy(() -> client.generate(SMALL))
        .isInstanceOfSatisfying(
            ApiTimeoutException.class,
            e -> {
              assertThat(e.statusCode()).isZero();
              assertThat(e.attempts()).isEqualTo(1);
            });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(750));
  }

  @Test
  void delayShorterThanTheReadTimeoutSucceedsLate() {
    server.enqueue(Fault.delay(Duration.ofMillis(800)));
    TogetherImages client =
        track(server.clientBuilder().readTimeout(Duration.ofSeconds(5)).maxRetries(0).build());

    long start = System.nanoTime();
    ImageGenerationResult result = client.generate(SMALL);

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(800));
    assertThat(result.images().get(0).bytes()).isNotEmpty();
  }

  @Test
  void delayOfZeroIsANormalAnswer() {
    server.enqueue(Fault.delay(Duration.ZERO));

    assertThat(noRetries().generate(SMALL).images()).hasSize(1);
  }

  // ---------------------------------------------------------------------------------------------
  // Broken connections

  @Test
  void dropMidBodyIsAConnectionFailureWithoutRetries() {
    server.enqueue(Fault.dropMidBody());

    assertThatThrownBy(() -> noRetries().generate(LARGE))
        .isExactlyInstanceOf(ApiConnectionException.class)
        .isInstanceOfSatisfying(
            ApiConnectionException.class,
            // The headers arrived: the status they carried is reported, as on every path.
            e -> assertThat(e.statusCode()).isEqualTo(200));
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void dropMidBodyCutsTheBodyShortOfItsContentLength() throws IOException {
    server.enqueue(Fault.dropMidBody());
    Request request =
        generationRequest(
            server,
            "{\"prompt\":\"a fox\",\"model\":\"m\",\"n\":2,\"width\":512,\"height\":512,"
                + "\"output_format\":\"png\",\"response_format\":\"base64\"}");

    try (Response response = HTTP.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(200);
      long declared = response.body().contentLength();
      assertThat(declared).isGreaterThan(100_000);
      assertThatThrownBy(() -> response.body().bytes()).isInstanceOf(IOException.class);
    }
  }

  @Test
  void dropMidBodyIsRetriedAndTheSecondCallSucceeds() {
    server.enqueue(Fault.dropMidBody());
    TogetherImages client = track(freshClient().maxRetries(1).build());

    ImageGenerationResult result = client.generate(LARGE);

    assertThat(result.images()).hasSize(2);
    assertThat(decode(result.images().get(1).bytes()).getWidth()).isEqualTo(512);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void disconnectIsAConnectionFailureWithoutRetries() {
    server.enqueue(Fault.disconnect());

    assertThatThrownBy(() -> noRetries().generate(SMALL))
        .isExactlyInstanceOf(ApiConnectionException.class)
        .isInstanceOfSatisfying(
            ApiConnectionException.class,
            e -> {
              assertThat(e.statusCode()).isZero();
              assertThat(e.attempts()).isEqualTo(1);
            });
    assertThat(server.requestCount()).as("no transparent retry by OkHttp").isEqualTo(1);
  }

  @Test
  void disconnectIsRetriedAndTheSecondCallSucceeds() {
    server.enqueue(Fault.disconnect());
    TogetherImages client = track(freshClient().maxRetries(1).build());

    assertThat(client.generate(SMALL).images()).hasSize(1);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  // ---------------------------------------------------------------------------------------------
  // Bodies that are not the contract

  @Test
  void malformedJsonIsAMalformedResponseAndNotRetried() {
    server.enqueue(Fault.malformedJson());
    TogetherImages client = track(server.clientBuilder().maxRetries(2).build());

    assertThatThrownBy(() -> client.generate(SMALL))
        .isInstanceOfSatisfying(
            MalformedResponseException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(200);
              assertThat(e.attempts()).isEqualTo(1);
            });
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void malformedJsonIsCutInsideTheDataArray() {
    server.enqueue(Fault.malformedJson());

    Reply reply = post(server, MINIMAL_SMALL);

    assertThat(reply.code()).isEqualTo(200);
    assertThat(reply.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(reply.body()).startsWith("{\"id\":\"fake-1\",").endsWith("\"data\":[{\"in");
  }

  @Test
  void malformedBase64GeneratesButTheBytesAreRefusedNamingTheOffset() {
    server.enqueue(Fault.malformedBase64());
    TogetherImages client = noRetries();

    ImageGenerationResult result = client.generate(SMALL);

    GeneratedImage image = result.images().get(0);
    assertThat(image.isBase64()).isTrue();
    assertThatThrownBy(image::bytes)
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("offset")
        .hasMessageContaining("image 0");
  }

  @Test
  void malformedBase64KeepsTheLengthAndCorruptsOnlyTheMiddle() {
    String normal = b64Text(post(server, base64Request("a fox", 5, 2)), 1);
    server.enqueue(Fault.malformedBase64());

    Reply reply = post(server, base64Request("a fox", 5, 2));

    for (int i = 0; i < 2; i++) {
      String corrupt = b64Text(reply, i);
      String clean = i == 1 ? normal : b64Text(post(server, base64Request("a fox", 5, 1)), 0);
      int middle = clean.length() / 2;
      assertThat(corrupt).hasSameSizeAs(clean);
      assertThat(corrupt.substring(middle, middle + 3)).isEqualTo("%$!");
      assertThat(corrupt.substring(0, middle)).isEqualTo(clean.substring(0, middle));
      assertThat(corrupt.substring(middle + 3)).isEqualTo(clean.substring(middle + 3));
    }
  }

  @Test
  void malformedBase64AtAnIndexCorruptsOnlyThatImage() {
    Reply clean = post(server, base64Request("a fox", 5, 3));
    server.enqueue(Fault.malformedBase64(1));

    Reply reply = post(server, base64Request("a fox", 5, 3));

    assertThat(b64Text(reply, 0)).isEqualTo(b64Text(clean, 0));
    assertThat(b64Text(reply, 2)).isEqualTo(b64Text(clean, 2));
    String corrupt = b64Text(reply, 1);
    int middle = corrupt.length() / 2;
    assertThat(corrupt).hasSameSizeAs(b64Text(clean, 1));
    assertThat(corrupt.substring(middle, middle + 3)).isEqualTo("%$!");
  }

  @Test
  void malformedBase64AtAnIndexIsRefusedForThatImageAlone() {
    server.enqueue(Fault.malformedBase64(1));

    ImageGenerationResult result =
        noRetries()
            .generate(
                ImageGenerationRequest.builder("a fox")
                    .n(3)
                    .size(24, 24)
                    .responseFormat(ResponseFormat.BASE64)
                    .build());

    assertThat(result.images().get(0).bytes()).isNotEmpty();
    assertThat(result.images().get(2).bytes()).isNotEmpty();
    assertThatThrownBy(() -> result.images().get(1).bytes())
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("image 1");
  }

  @Test
  void malformedBase64AtAnIndexTheResponseLacksChangesNothing() {
    Reply clean = post(server, base64Request("a fox", 5, 2));
    server.enqueue(Fault.malformedBase64(2));

    Reply reply = post(server, base64Request("a fox", 5, 2));

    assertThat(b64Text(reply, 0)).isEqualTo(b64Text(clean, 0));
    assertThat(b64Text(reply, 1)).isEqualTo(b64Text(clean, 1));
  }

  @Test
  void malformedBase64IndexMustNotBeNegative() {
    assertThatThrownBy(() -> Fault.malformedBase64(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("index = -1 is out of range: allowed is 0 or more");
  }

  @Test
  void bodyIsSentAsGivenWithItsStatusAndContentType() {
    String body = "{\"id\":\"g\",\"model\":\"m\",\"object\":\"list\",\"data\":[]}";
    server.enqueue(Fault.body(200, "application/json", body).withHeader("X-Test", "1"));
    server.enqueue(Fault.body(418, "text/plain; charset=utf-8", "teapot"));

    Reply first = post(server, MINIMAL_SMALL);
    Reply second = post(server, MINIMAL_SMALL);

    assertThat(first.code()).isEqualTo(200);
    assertThat(first.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(first.headers().get("X-Test")).isEqualTo("1");
    assertThat(first.headers().get("x-request-id")).isNotNull();
    assertThat(first.body()).isEqualTo(body);
    assertThat(second.code()).isEqualTo(418);
    assertThat(second.headers().get("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(second.body()).isEqualTo("teapot");
  }

  @Test
  void bodyWithEmptyDataReachesTheClientAsAMalformedResponse() {
    server.enqueue(
        Fault.body(
            200,
            "application/json",
            "{\"id\":\"g\",\"model\":\"m\",\"object\":\"list\",\"data\":[]}"));

    assertThatThrownBy(() -> noRetries().generate(SMALL))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("data is empty");
  }

  @Test
  void bodyArgumentsAreChecked() {
    for (int status : new int[] {-1, 0, 199, 600}) {
      assertThatThrownBy(() -> Fault.body(status, "text/plain", "x"))
          .as("body(%d, …)", status)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("status = " + status + " is out of range: allowed is 200 to 599");
    }
    assertThatThrownBy(() -> Fault.body(200, nullString(), "x"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("contentType == null");
    assertThatThrownBy(() -> Fault.body(200, "text/plain", nullString()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("body == null");
  }

  @Test
  void slowBodySendsTheHeadersAtOnceAndTheBodyInPieces() throws IOException {
    server.enqueue(Fault.slowBody(512, Duration.ofMillis(100)));

    long start = System.nanoTime();
    try (Response response =
        HTTP.newCall(generationRequest(server, base64Request("a fox", 5, 1))).execute()) {
      Duration headers = Duration.ofNanos(System.nanoTime() - start);
      String body = response.body().string();
      Duration whole = Duration.ofNanos(System.nanoTime() - start);

      assertThat(response.code()).isEqualTo(200);
      long pauses = (body.length() - 1) / 512;
      assertThat(pauses).as("a body of several pieces").isGreaterThanOrEqualTo(2);
      assertThat(whole.minus(headers))
          .as("every pause comes after the headers")
          .isGreaterThanOrEqualTo(Duration.ofMillis(90 * pauses));
      assertThat(JSON.fromJson(body)).isInstanceOf(Map.class);
    }
  }

  @Test
  void slowBodyPausingLongerThanTheReadTimeoutIsAnApiTimeout() {
    server.enqueue(Fault.slowBody(256, Duration.ofSeconds(2)));
    TogetherImages client =
        track(server.clientBuilder().readTimeout(Duration.ofMillis(200)).maxRetries(0).build());

    long start = System.nanoTime();
    assertThatThrownBy(() -> client.generate(SMALL))
        .isInstanceOfSatisfying(
            ApiTimeoutException.class, e -> assertThat(e.attempts()).isEqualTo(1));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
  }

  @Test
  void slowBodyArgumentsAreChecked() {
    assertThatThrownBy(() -> Fault.slowBody(0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bytesPerPause = 0 is out of range: allowed is 1 or more");
    assertThatThrownBy(() -> Fault.slowBody(1, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pause = PT-0.001S is out of range: allowed is 0 or more");
    assertThatThrownBy(() -> Fault.slowBody(1, nullDuration()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("pause == null");
  }

  @Test
  void urlNotFoundAnswersUrlsWhoseDownloadIs404() {
    server.enqueue(Fault.urlNotFound());

    Reply reply = post(server, base64Request("a fox", 5, 2));

    List<?> data = (List<?>) reply.json().get("data");
    assertThat(data).hasSize(2);
    for (Object item : data) {
      assertThat(object(item)).containsEntry("type", "url").doesNotContainKey("b64_json");
      assertThat(get((String) object(item).get("url")).code()).isEqualTo(404);
    }
  }

  @Test
  void urlNotFoundReachesTheClientAsANotFoundDownload() {
    server.enqueue(Fault.urlNotFound());

    ImageGenerationResult result = noRetries().generate(SMALL);

    assertThat(result.images().get(0).isUrl()).isTrue();
    assertThatThrownBy(() -> result.images().get(0).bytes())
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("downloading image 0");
  }

  @Test
  void urlRedirectLoopRedirectsEachUrlToItself() throws IOException {
    server.enqueue(Fault.urlRedirectLoop());
    OkHttpClient noRedirects = HTTP.newBuilder().followRedirects(false).build();

    Reply reply = post(server, MINIMAL_SMALL);

    String url = url(reply);
    try (Response download =
        noRedirects.newCall(new Request.Builder().url(url).build()).execute()) {
      assertThat(download.code()).isEqualTo(302);
      assertThat(download.request().url().resolve(download.header("Location"))).hasToString(url);
    }
  }

  @Test
  void urlRedirectLoopReachesTheClientAsAMalformedResponse() {
    server.enqueue(Fault.urlRedirectLoop());

    ImageGenerationResult result = noRetries().generate(SMALL);

    assertThatThrownBy(() -> result.images().get(0).bytes())
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("redirected more than");
  }

  @Test
  void htmlPageIsAServerExceptionNamingThePageTitle() {
    server.enqueue(Fault.htmlPage(502));

    assertThatThrownBy(() -> noRetries().generate(SMALL))
        .isInstanceOfSatisfying(
            ServerException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(502);
              assertThat(e.errorType()).isNull();
              assertThat(e.serverMessage()).isNull();
              assertThat(e.attempts()).isEqualTo(1);
              assertThat(e.getMessage())
                  .startsWith(
                      "HTTP 502 with a body that is not an API error: "
                          + "an HTML page titled \"502")
                  .doesNotContain("<");
            });
  }

  @Test
  void htmlPageOnTheWireIsTextHtml() {
    server.enqueue(Fault.htmlPage(502));

    Reply reply = post(server, MINIMAL_SMALL);

    assertThat(reply.code()).isEqualTo(502);
    assertThat(reply.headers().get("Content-Type")).isEqualTo("text/html");
    assertThat(reply.body()).startsWith("<html>").contains("<h1>502 Bad Gateway</h1>");
  }

  @Test
  void htmlPageStatusMustBeAnHttpStatus() {
    for (int status : new int[] {-1, 0, 42, 1000}) {
      assertThatThrownBy(() -> Fault.htmlPage(status))
          .as("htmlPage(%d)", status)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("status = " + status);
    }
  }

  @Test
  void htmlPageFromAGatewayIsRetriedLikeAny5xx() {
    server.enqueue(Fault.htmlPage(502).withRetryAfter(Duration.ZERO));
    TogetherImages client = track(server.clientBuilder().maxRetries(1).build());

    assertThat(client.generate(SMALL).images()).hasSize(1);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  // ---------------------------------------------------------------------------------------------
  // The script

  @Test
  void faultsApplyInOrderOnePerRequestThenNormalAnswersResume() {
    server
        .enqueue(Fault.error(400, "invalid_request_error", "first"))
        .enqueue(Fault.overloaded())
        .enqueue(Fault.malformedJson())
        .enqueue(Fault.htmlPage(504));
    TogetherImages client = noRetries();

    List<Class<?>> outcomes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      try {
        outcomes.add(client.generate(SMALL).getClass());
      } catch (TogetherException e) {
        outcomes.add(e.getClass());
      }
    }

    assertThat(outcomes)
        .containsExactly(
            BadRequestException.class,
            ServerException.class,
            MalformedResponseException.class,
            ServerException.class,
            ImageGenerationResult.class,
            ImageGenerationResult.class);
    assertThat(server.requestCount()).isEqualTo(6);
  }

  @Test
  void faultedRequestIsStillRecorded() {
    server.enqueue(Fault.disconnect());

    assertThatThrownBy(() -> noRetries().generate(SMALL))
        .isInstanceOf(ApiConnectionException.class);

    RecordedImageRequest request = server.takeRequest();
    assertThat(request.field("prompt")).isEqualTo("a fox");
    assertThat(request.field("width")).isEqualTo(16.0);
    assertThat(request.authorized()).isTrue();
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void faultAnswersEvenARequestThatWouldFailValidation() {
    server.enqueue(Fault.error(500, "server_error", "boom"));

    Reply reply = post(server, "{\"prompt\":42}");

    assertThat(reply.code()).isEqualTo(500);
    assertThat(post(server, "{\"prompt\":42}").code())
        .as("the next one is validated")
        .isEqualTo(400);
  }

  @Test
  void enqueueRefusesNull() {
    assertThatThrownBy(() -> server.enqueue(nullFault()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("fault == null");
  }

  // ---------------------------------------------------------------------------------------------
  // Arguments

  @Test
  void errorStatusMustBeAnErrorStatus() {
    for (int status : new int[] {200, 399, 600, 0, -1}) {
      assertThatThrownBy(() -> Fault.error(status, "t", "m"))
          .as("status %d", status)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("status = " + status + " is out of range: allowed is 400 to 599");
    }
    assertThat(Fault.error(400, "t", "m")).isNotNull();
    assertThat(Fault.error(599, "t", "m")).isNotNull();
  }

  @Test
  void errorTypeAndMessageAreRequired() {
    assertThatThrownBy(() -> Fault.error(400, nullString(), "m"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("type == null");
    assertThatThrownBy(() -> Fault.error(400, "t", nullString()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("message == null");
  }

  @Test
  void paramAndCodeApplyToErrorFaultsOnly() {
    assertThat(Fault.rateLimited(Duration.ZERO).withParam("n").withCode("c")).isNotNull();
    assertThat(Fault.overloaded().withCode("c")).isNotNull();
    for (Fault fault :
        List.of(
            Fault.delay(Duration.ZERO),
            Fault.dropMidBody(),
            Fault.disconnect(),
            Fault.malformedJson(),
            Fault.malformedBase64(),
            Fault.htmlPage(502),
            Fault.malformedBase64(1),
            Fault.body(200, "text/plain", "x"),
            Fault.slowBody(1, Duration.ZERO),
            Fault.urlNotFound(),
            Fault.urlRedirectLoop())) {
      assertThatThrownBy(() -> fault.withParam("width"))
          .as(fault.toString())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("withParam applies to Fault.error(…) faults, not ");
      assertThatThrownBy(() -> fault.withCode("bad"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("withCode applies to Fault.error(…) faults");
    }
  }

  @Test
  void negativeDurationsAreRejected() {
    assertThatThrownBy(() -> Fault.delay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delay = PT-0.001S is out of range: allowed is 0 or more");
    assertThatThrownBy(() -> Fault.rateLimited(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retryAfter = PT-1S");
    assertThatThrownBy(() -> Fault.overloaded().withRetryAfter(Duration.ofSeconds(-5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fault.delay(nullDuration()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("delay == null");
  }

  @Test
  void headerNameAndValueAreRequired() {
    assertThatThrownBy(() -> Fault.overloaded().withHeader(nullString(), "v"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name == null");
    assertThatThrownBy(() -> Fault.overloaded().withHeader("n", nullString()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value == null");
  }

  @Test
  void withMethodsReturnCopiesAndLeaveTheOriginalAlone() {
    Fault original = Fault.error(400, "invalid_request_error", "nope");
    Fault withParam = original.withParam("width");
    Fault withHeader = original.withHeader("X-Test", "1");
    server.enqueue(original).enqueue(withParam).enqueue(withHeader);

    Reply first = post(server, MINIMAL_SMALL);
    Reply second = post(server, MINIMAL_SMALL);
    Reply third = post(server, MINIMAL_SMALL);

    assertThat(withParam).isNotSameAs(original);
    assertThat(object(first.json().get("error"))).containsEntry("param", null);
    assertThat(first.headers().get("X-Test")).isNull();
    assertThat(object(second.json().get("error"))).containsEntry("param", "width");
    assertThat(third.headers().get("X-Test")).isEqualTo("1");
    assertThat(object(third.json().get("error"))).containsEntry("param", null);
  }

  @Test
  void oneFaultCanBeEnqueuedTwice() {
    Fault fault = Fault.overloaded();
    server.enqueue(fault).enqueue(fault);

    assertThat(
            List.of(
                post(server, MINIMAL_SMALL).code(),
                post(server, MINIMAL_SMALL).code(),
                post(server, MINIMAL_SMALL).code()))
        .containsExactly(503, 503, 200);
  }

  @Test
  void toStringNamesTheFault() {
    assertThat(Fault.error(400, "invalid_request_error", "nope"))
        .hasToString("Fault.error(400, invalid_request_error)");
    assertThat(Fault.rateLimited(Duration.ofSeconds(1)))
        .hasToString("Fault.error(429, rate_limit_exceeded) {Retry-After=1}");
    assertThat(Fault.error(400, "invalid_request_error", "nope").withParam("width").withCode("bad"))
        .hasToString("Fault.error(400, invalid_request_error).withParam(width).withCode(bad)");
    assertThat(Fault.dropMidBody()).hasToString("Fault.dropMidBody()");
    assertThat(Fault.overloaded()).hasToString("Fault.error(503, server_overloaded)");
    assertThat(Fault.delay(Duration.ofMillis(800))).hasToString("Fault.delay(PT0.8S)");
    assertThat(Fault.htmlPage(502)).hasToString("Fault.htmlPage(502)");
    Map<String, Fault> named =
        Map.of(
            "dropmidbody", Fault.dropMidBody(),
            "disconnect", Fault.disconnect(),
            "malformedjson", Fault.malformedJson(),
            "malformedbase64", Fault.malformedBase64());
    named.forEach(
        (name, fault) ->
            assertThat(fault.toString())
                .startsWith("Fault.")
                .satisfies(
                    shown ->
                        assertThat(shown.replace("_", "").toLowerCase(Locale.ROOT))
                            .contains(name)));
    Set<String> all =
        Stream.concat(
                named.values().stream(),
                Stream.of(Fault.overloaded(), Fault.delay(Duration.ZERO), Fault.htmlPage(502)))
            .map(Fault::toString)
            .collect(Collectors.toSet());
    assertThat(all).hasSize(7);
  }

  @Test
  void toStringNamesTheNewerFaults() {
    assertThat(Fault.malformedBase64(2)).hasToString("Fault.malformedBase64(2)");
    assertThat(Fault.body(200, "application/json", "{}"))
        .hasToString("Fault.body(200, application/json)");
    assertThat(Fault.slowBody(1024, Duration.ofMillis(200)))
        .hasToString("Fault.slowBody(1024, PT0.2S)");
    assertThat(Fault.urlNotFound()).hasToString("Fault.urlNotFound()");
    assertThat(Fault.urlRedirectLoop()).hasToString("Fault.urlRedirectLoop()");
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** A client that never retries, on its own connection pool, closed after the test. */
  private TogetherImages noRetries() {
    return track(freshClient().maxRetries(0).build());
  }

  /**
   * A builder on a brand-new OkHttp client: no pooled connection that OkHttp might silently retry
   * on, so a broken connection reaches our client's own retry logic.
   */
  private TogetherImages.Builder freshClient() {
    return server.clientBuilder();
  }

  /** A map that, unlike {@link Map#of}, may hold null values. */
  private static Map<String, @Nullable Object> nullable(Object... keysAndValues) {
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** Null, hidden from the compiler, like {@link #nullString()}. */
  private static Duration nullDuration() {
    return null;
  }

  private static Fault nullFault() {
    return null;
  }
}
