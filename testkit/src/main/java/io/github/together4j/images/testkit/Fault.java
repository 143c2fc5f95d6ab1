package io.github.together4j.images.testkit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A scripted misbehaviour for the next image generation or model list request of a {@link
 * FakeTogetherServer}.
 *
 * <pre>{@code
 * server.enqueue(Fault.rateLimited(Duration.ofSeconds(1)));   // the first call gets a 429
 * server.enqueue(Fault.dropMidBody());                          // the second is cut off
 * ImageGenerationResult result = client.generate("a fox");      // the third succeeds
 *
 * server.enqueueModels(Fault.overloaded());                     // GET /v1/models gets a 503
 * }</pre>
 *
 * <p>Faults are immutable; the {@code with…} methods return a copy. Each enqueued fault answers
 * exactly one request, in order; requests with no fault left are answered normally. {@link
 * FakeTogetherServer#enqueue(Fault)} aims a fault at image generations, {@link
 * FakeTogetherServer#enqueueModels(Fault)} at model lists, each with a script of its own. The
 * faults that change images ({@link #malformedBase64()}, {@link #urlNotFound()}, {@link
 * #urlRedirectLoop()}) apply to generations only.
 */
public final class Fault {
  enum Kind {
    ERROR,
    DELAY,
    DROP_MID_BODY,
    DISCONNECT,
    MALFORMED_JSON,
    MALFORMED_BASE64,
    HTML_PAGE,
    BODY,
    SLOW_BODY,
    URL_NOT_FOUND,
    URL_REDIRECT_LOOP
  }

  /** The {@link #index} of a fault that applies to every image. */
  static final int ALL_IMAGES = -1;

  final Kind kind;
  final int status;
  final @Nullable String type;
  final @Nullable String message;
  final @Nullable String param;
  final @Nullable String code;
  final Duration delay;
  final Map<String, String> headers;

  /** The image a per-image fault applies to, or {@link #ALL_IMAGES}. */
  final int index;

  /** The bytes sent between two pauses of {@link Kind#SLOW_BODY}. */
  final long bytesPerPause;

  /** The body of {@link Kind#BODY}, with its content type. */
  final @Nullable String body;

  final @Nullable String contentType;

  private Fault(
      Kind kind,
      int status,
      @Nullable String type,
      @Nullable String message,
      @Nullable String param,
      @Nullable String code,
      Duration delay,
      Map<String, String> headers) {
    this(kind, status, type, message, param, code, delay, headers, ALL_IMAGES, 0, null, null);
  }

  private Fault(
      Kind kind,
      int status,
      @Nullable String type,
      @Nullable String message,
      @Nullable String param,
      @Nullable String code,
      Duration delay,
      Map<String, String> headers,
      int index,
      long bytesPerPause,
      @Nullable String body,
      @Nullable String contentType) {
    this.kind = kind;
    this.status = status;
    this.type = type;
    this.message = message;
    this.param = param;
    this.code = code;
    this.delay = delay;
    this.headers = Map.copyOf(headers);
    this.index = index;
    this.bytesPerPause = bytesPerPause;
    this.body = body;
    this.contentType = contentType;
  }

  private static Fault of(Kind kind, int status) {
    return new Fault(kind, status, null, null, null, null, Duration.ZERO, Map.of());
  }

  /**
   * Answers with {@code status} and an {@code ErrorData} body, as Together does.
   *
   * @param status an HTTP status from 400 to 599
   * @param type the error's {@code type}, e.g. {@code invalid_request_error}
   * @param message the error's {@code message}
   * @return the fault
   */
  public static Fault error(int status, String type, String message) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException(
          "status = " + status + " is out of range: allowed is 400 to 599");
    }
    return new Fault(
        Kind.ERROR,
        status,
        requireNonNull(type, "type == null"),
        requireNonNull(message, "message == null"),
        null,
        null,
        Duration.ZERO,
        Map.of());
  }

  /**
   * Answers 429 {@code rate_limit_exceeded} with a {@code Retry-After} header.
   *
   * @param retryAfter the wait to ask for, sent in whole seconds (at least 0)
   * @return the fault
   */
  public static Fault rateLimited(Duration retryAfter) {
    return error(429, "rate_limit_exceeded", "Rate limit exceeded: slow down")
        .withRetryAfter(retryAfter);
  }

  /**
   * Answers 503 {@code server_overloaded}, which clients retry.
   *
   * @return the fault
   */
  public static Fault overloaded() {
    return error(503, "server_overloaded", "The server is overloaded, please try again later");
  }

  /**
   * Answers normally, but only after {@code delay}: for timeouts and cancellation.
   *
   * @param delay how long to wait before sending the response headers
   * @return the fault
   */
  public static Fault delay(Duration delay) {
    requireNonNull(delay, "delay == null");
    if (delay.isNegative()) {
      throw new IllegalArgumentException(
          "delay = " + delay + " is out of range: allowed is 0 or more");
    }
    return new Fault(Kind.DELAY, 200, null, null, null, null, delay, Map.of());
  }

  /**
   * Sends a normal 200 response but closes the connection halfway through its body.
   *
   * @return the fault
   */
  public static Fault dropMidBody() {
    return of(Kind.DROP_MID_BODY, 200);
  }

  /**
   * Closes the connection without answering.
   *
   * @return the fault
   */
  public static Fault disconnect() {
    return of(Kind.DISCONNECT, 0);
  }

  /**
   * Answers 200 with a body that is not JSON (a response cut short by a proxy).
   *
   * @return the fault
   */
  public static Fault malformedJson() {
    return of(Kind.MALFORMED_JSON, 200);
  }

  /**
   * Answers 200 with a well-formed response whose {@code b64_json} is not base64.
   *
   * @return the fault
   */
  public static Fault malformedBase64() {
    return of(Kind.MALFORMED_BASE64, 200);
  }

  /**
   * Answers 200 with a well-formed response in which only image {@code index}'s {@code b64_json} is
   * not base64: the others decode, so a client that saves as it reads has already written the ones
   * before it. A response with no image {@code index} is sent unharmed.
   *
   * @param index the {@code index} of the image to corrupt, 0 or more
   * @return the fault
   */
  public static Fault malformedBase64(int index) {
    if (index < 0) {
      throw new IllegalArgumentException(
          "index = " + index + " is out of range: allowed is 0 or more");
    }
    return new Fault(
        Kind.MALFORMED_BASE64,
        200,
        null,
        null,
        null,
        null,
        Duration.ZERO,
        Map.of(),
        index,
        0,
        null,
        null);
  }

  /**
   * Answers {@code status} with exactly {@code body}: for the responses no other fault sends, such
   * as a 200 whose {@code data} is missing or empty, or an image of an unknown {@code type}.
   *
   * @param status 200 to 599
   * @param contentType the {@code Content-Type} header, e.g. {@code application/json}
   * @param body the body, sent as UTF-8
   * @return the fault
   */
  public static Fault body(int status, String contentType, String body) {
    checkStatus(status);
    return new Fault(
        Kind.BODY,
        status,
        null,
        null,
        null,
        null,
        Duration.ZERO,
        Map.of(),
        ALL_IMAGES,
        0,
        requireNonNull(body, "body == null"),
        requireNonNull(contentType, "contentType == null"));
  }

  /**
   * Answers normally, sending the headers at once but the body only {@code bytesPerPause} bytes at
   * a time, pausing {@code pause} after each piece: for read timeouts and for cancelling a call
   * whose body is arriving.
   *
   * @param bytesPerPause the bytes sent between two pauses, 1 or more
   * @param pause how long to pause, 0 or more
   * @return the fault
   */
  public static Fault slowBody(long bytesPerPause, Duration pause) {
    if (bytesPerPause < 1) {
      throw new IllegalArgumentException(
          "bytesPerPause = " + bytesPerPause + " is out of range: allowed is 1 or more");
    }
    requireNonNull(pause, "pause == null");
    if (pause.isNegative()) {
      throw new IllegalArgumentException(
          "pause = " + pause + " is out of range: allowed is 0 or more");
    }
    return new Fault(
        Kind.SLOW_BODY,
        200,
        null,
        null,
        null,
        null,
        pause,
        Map.of(),
        ALL_IMAGES,
        bytesPerPause,
        null,
        null);
  }

  /**
   * Answers normally but with {@code url} results, whatever {@code response_format} asked for,
   * whose downloads answer 404: the image is gone, as an expired URL's is.
   *
   * @return the fault
   */
  public static Fault urlNotFound() {
    return of(Kind.URL_NOT_FOUND, 200);
  }

  /**
   * Answers normally but with {@code url} results, whatever {@code response_format} asked for,
   * whose downloads answer 302 redirecting to themselves, forever.
   *
   * @return the fault
   */
  public static Fault urlRedirectLoop() {
    return of(Kind.URL_REDIRECT_LOOP, 200);
  }

  /**
   * Answers {@code status} with an HTML page, as a load balancer in front of the API does.
   *
   * @param status 200 to 599, e.g. 502 (200 plays a captive portal)
   * @return the fault
   */
  public static Fault htmlPage(int status) {
    checkStatus(status);
    return of(Kind.HTML_PAGE, status);
  }

  private static void checkStatus(int status) {
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException(
          "status = " + status + " is out of range: allowed is 200 to 599");
    }
  }

  /**
   * Returns a copy whose error body names {@code param}.
   *
   * @param param the request field the error is about
   * @return a new fault
   */
  public Fault withParam(String param) {
    requireError("withParam");
    return new Fault(
        kind,
        status,
        type,
        message,
        requireNonNull(param, "param == null"),
        code,
        delay,
        headers,
        index,
        bytesPerPause,
        body,
        contentType);
  }

  /**
   * Returns a copy whose error body carries {@code code}.
   *
   * @param code the error code, e.g. {@code invalid_api_key}
   * @return a new fault
   */
  public Fault withCode(String code) {
    requireError("withCode");
    return new Fault(
        kind,
        status,
        type,
        message,
        param,
        requireNonNull(code, "code == null"),
        delay,
        headers,
        index,
        bytesPerPause,
        body,
        contentType);
  }

  /**
   * Returns a copy that also sends the header {@code name: value}.
   *
   * @param name the header name
   * @param value the header value
   * @return a new fault
   */
  public Fault withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(requireNonNull(name, "name == null"), requireNonNull(value, "value == null"));
    return new Fault(
        kind,
        status,
        type,
        message,
        param,
        code,
        delay,
        more,
        index,
        bytesPerPause,
        body,
        contentType);
  }

  /**
   * Returns a copy that sends {@code Retry-After} in whole seconds, rounded up.
   *
   * @param retryAfter at least 0
   * @return a new fault
   */
  public Fault withRetryAfter(Duration retryAfter) {
    requireNonNull(retryAfter, "retryAfter == null");
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException(
          "retryAfter = " + retryAfter + " is out of range: allowed is 0 or more");
    }
    // Rounded up: a client told to wait 0 s for 500 ms would come back too early.
    long seconds = retryAfter.toSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
    return withHeader("Retry-After", Long.toString(seconds));
  }

  /** Whether this fault changes the images of a generation, and so means nothing elsewhere. */
  boolean changesImages() {
    return kind == Kind.MALFORMED_BASE64
        || kind == Kind.URL_NOT_FOUND
        || kind == Kind.URL_REDIRECT_LOOP;
  }

  private void requireError(String method) {
    if (kind != Kind.ERROR) {
      throw new IllegalStateException(method + " applies to Fault.error(…) faults, not " + this);
    }
  }

  @Override
  public String toString() {
    return switch (kind) {
      case ERROR ->
          "Fault.error("
              + status
              + ", "
              + type
              + ")"
              + (param != null ? ".withParam(" + param + ")" : "")
              + (code != null ? ".withCode(" + code + ")" : "")
              + (headers.isEmpty() ? "" : " " + headers);
      case DELAY -> "Fault.delay(" + delay + ")";
      case HTML_PAGE -> "Fault.htmlPage(" + status + ")";
      case DROP_MID_BODY -> "Fault.dropMidBody()";
      case DISCONNECT -> "Fault.disconnect()";
      case MALFORMED_JSON -> "Fault.malformedJson()";
      case MALFORMED_BASE64 -> "Fault.malformedBase64(" + (index == ALL_IMAGES ? "" : index) + ")";
      case BODY -> "Fault.body(" + status + ", " + contentType + ")";
      case SLOW_BODY -> "Fault.slowBody(" + bytesPerPause + ", " + delay + ")";
      case URL_NOT_FOUND -> "Fault.urlNotFound()";
      case URL_REDIRECT_LOOP -> "Fault.urlRedirectLoop()";
    };
  }
}
