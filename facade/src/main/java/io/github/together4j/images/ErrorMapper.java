package io.github.together4j.images;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import io.github.together4j.images.TogetherException.Failure;
import io.github.together4j.images.generated.JSON;
import io.github.together4j.images.generated.model.ErrorData;
import io.github.together4j.images.generated.model.ErrorDetail;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import okhttp3.Headers;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/** Turns failed responses and I/O errors into the {@link TogetherException} hierarchy. */
final class ErrorMapper {
  /** How much of an error body is read: error bodies are small, an HTML page need not be whole. */
  static final long MAX_ERROR_BODY = 64 * 1024;

  /**
   * How much of one value the server sent (a message, a parameter, a request id) a message quotes.
   */
  static final int EXCERPT_LENGTH = 200;

  /** How much of a parse or connection error's own message a message quotes. */
  static final int MAX_DETAIL_LENGTH = 500;

  private static final java.util.regex.Pattern HTML_TITLE =
      java.util.regex.Pattern.compile(
          "<(title|h1)\\b[^>]{0,100}>([^<]{1,1000})</\\1>",
          java.util.regex.Pattern.CASE_INSENSITIVE);
  private static final java.util.regex.Pattern HTML =
      java.util.regex.Pattern.compile(
          "\\A\\s*<(!doctype html|html|head|body)", java.util.regex.Pattern.CASE_INSENSITIVE);

  /** What a redacted secret reads as. */
  static final String REDACTED = "██";

  /**
   * Secrets shorter than this are not searched for in text: no real API key is that short, and
   * replacing a test key such as {@code "x"} wherever it occurs would garble the server's words
   * ("Rate limit e██ceeded"). The Authorization header is redacted whatever the key's length.
   */
  static final int MIN_SECRET_LENGTH = 8;

  private static final JsonAdapter<ErrorData> ERROR_DATA = JSON.moshi().adapter(ErrorData.class);

  private ErrorMapper() {}

  /**
   * Maps a non-2xx response; reads (and closes) at most {@link #MAX_ERROR_BODY} of its body. Every
   * occurrence of {@code secret} is redacted, in the body as sent and in the values parsed from it
   * (JSON's unicode escapes can spell the key without it appearing in the raw text), and each value
   * the server sent is cut to {@link #EXCERPT_LENGTH} characters in the message, so the message
   * stays short whatever the server sends; the exception's fields keep the whole values, redacted.
   */
  static TogetherException fromStatus(
      int status, Headers headers, @Nullable ResponseBody body, int attempts, String secret) {
    String requestId = requestId(headers, secret);
    String text = "";
    if (body != null) {
      try (body) {
        BufferedSource source = body.source();
        source.request(MAX_ERROR_BODY);
        Buffer buffer = source.getBuffer();
        text =
            buffer
                .snapshot((int) Math.min(buffer.size(), MAX_ERROR_BODY))
                .string(StandardCharsets.UTF_8);
      } catch (IOException e) {
        // A body that broke off: what arrived is all there is to report.
      }
    }
    // A server or proxy that echoes the key must not put it into our exception.
    text = redactNonNull(text, secret);
    ErrorDetail detail = parse(text);
    if (detail == null) {
      // A proxy's or gateway's page, not the API's error: the status still says what happened.
      Failure failure = new Failure(status, null, null, null, null, requestId, attempts);
      return ofStatus(
          status,
          message(
              "HTTP " + status + " with a body that is not an API error: " + excerpt(text),
              failure),
          failure);
    }
    String type = redactNonNull(detail.type(), secret);
    String serverMessage = redactNonNull(detail.message(), secret);
    String param = redact(detail.param(), secret);
    String code = redact(detail.code(), secret);
    Failure failure = new Failure(status, type, code, param, serverMessage, requestId, attempts);
    StringBuilder summary = new StringBuilder("HTTP ").append(status);
    summary.append(" ").append(clip(type)).append(": ").append(clip(serverMessage));
    if (param != null) summary.append("; param: ").append(clip(param));
    if (code != null) summary.append("; code: ").append(clip(code));
    return ofStatus(status, message(summary.toString(), failure), failure);
  }

  /**
   * The exception a non-2xx {@code status} calls for: the one status table, for API calls and url
   * downloads alike.
   */
  static TogetherException ofStatus(int status, String message, Failure failure) {
    return switch (status) {
      case 400, 422 -> new BadRequestException(message, failure, null);
      case 401 -> new AuthenticationException(message, failure, null);
      case 403 -> new PermissionDeniedException(message, failure, null);
      case 404 -> new NotFoundException(message, failure, null);
      case 429 -> new RateLimitException(message, failure, null);
      default ->
          status >= 500
              ? new ServerException(message, failure, null)
              : new TogetherException(message, failure, null);
    };
  }

  /**
   * {@code failure} with {@code message} instead of its own: the same class and fields, and the
   * same stack trace. An exception with a cause is returned as it is.
   */
  static TogetherException withMessage(TogetherException failure, String message) {
    if (failure.getCause() != null) {
      return failure;
    }
    TogetherException copy =
        ofStatus(
            failure.statusCode(),
            message,
            new Failure(
                failure.statusCode(),
                failure.errorType(),
                failure.errorCode(),
                failure.param(),
                failure.serverMessage(),
                failure.requestId(),
                failure.attempts()));
    copy.setStackTrace(failure.getStackTrace());
    return copy;
  }

  /**
   * Maps an exception thrown while sending the request or reading the response, without redaction.
   * Prefer {@link #fromThrowable(Throwable, int, Headers, int, String)} wherever the key is at
   * hand: a parse error can quote what the server sent.
   */
  static TogetherException fromThrowable(
      Throwable t, int status, @Nullable Headers headers, int attempts) {
    return fromThrowable(t, status, headers, attempts, null);
  }

  /**
   * Maps an exception thrown while sending the request or reading the response. Its message can
   * quote the body (Moshi's "Expected an int but was …", a JSON path made of the body's property
   * names, the response id), so it is cut to {@link #MAX_DETAIL_LENGTH} characters and, when {@code
   * secret} is given, every occurrence of it is redacted, as is the request id.
   */
  static TogetherException fromThrowable(
      Throwable t, int status, @Nullable Headers headers, int attempts, @Nullable String secret) {
    return fromThrowable(t, status, headers, attempts, secret, "ImageResponse");
  }

  /**
   * As {@link #fromThrowable(Throwable, int, Headers, int, String)}, for a call whose 2xx body must
   * be a {@code schema}: a body that is not one is "response is not a(n) {@code schema}".
   */
  static TogetherException fromThrowable(
      Throwable t,
      int status,
      @Nullable Headers headers,
      int attempts,
      @Nullable String secret,
      String schema) {
    Failure failure =
        headers == null
            ? Failure.noResponse(attempts)
            : new Failure(status, null, null, null, null, requestId(headers, secret), attempts);
    String detail =
        clip(
            redact(
                t instanceof LimitedSource.TooLargeException || isMalformed(t)
                    ? t.getMessage()
                    : t.toString(),
                secret),
            MAX_DETAIL_LENGTH);
    Throwable cause = redactCause(t, secret);
    if (t instanceof LimitedSource.TooLargeException) {
      return new MalformedResponseException(message(detail, failure), failure, cause);
    }
    if (isMalformed(t)) {
      return new MalformedResponseException(
          message(
              "response is not "
                  + ("AEIOU".indexOf(schema.charAt(0)) >= 0 ? "an " : "a ")
                  + schema
                  + ": "
                  + detail,
              failure),
          failure,
          cause);
    }
    if (t instanceof SocketTimeoutException
        || (t instanceof InterruptedIOException && "timeout".equals(t.getMessage()))) {
      return new ApiTimeoutException(
          message("timed out: " + clip(redact(t.getMessage(), secret), MAX_DETAIL_LENGTH), failure),
          failure,
          cause);
    }
    return new ApiConnectionException(
        message("connection failed: " + detail, failure), failure, cause);
  }

  /**
   * {@code cause} itself when no message in its chain quotes {@code secret}; otherwise a copy of
   * the chain with every message redacted, each link keeping its class name and stack trace. An
   * exception's message is redacted, but a logger prints its causes too: Moshi's "Expected an int
   * but was …" quotes whatever the server put there.
   */
  static @Nullable Throwable redactCause(@Nullable Throwable cause, @Nullable String secret) {
    if (cause == null || secret == null || secret.length() < MIN_SECRET_LENGTH) {
      return cause;
    }
    boolean quoted = false;
    int depth = 0;
    for (Throwable t = cause; t != null && depth < 32; t = t.getCause(), depth++) {
      quoted |= String.valueOf(t.getMessage()).contains(secret);
    }
    return quoted ? RedactedCause.copy(cause, secret, 32) : cause;
  }

  /** One link of a cause chain whose messages quoted the API key, redacted. */
  static final class RedactedCause extends Exception {
    private static final long serialVersionUID = 1L;

    /** The class of the exception this link stands for. */
    private final String originalClass;

    private RedactedCause(
        String originalClass, @Nullable String message, @Nullable Throwable cause) {
      super(message, cause);
      this.originalClass = originalClass;
    }

    static @Nullable Throwable copy(@Nullable Throwable original, String secret, int depth) {
      if (original == null || depth == 0) {
        return null;
      }
      RedactedCause copy =
          new RedactedCause(
              original.getClass().getName(),
              redact(original.getMessage(), secret),
              copy(original.getCause(), secret, depth - 1));
      copy.setStackTrace(original.getStackTrace());
      return copy;
    }

    /** The original class name, so a stack trace reads as the original did, less the key. */
    @Override
    public String toString() {
      String message = getLocalizedMessage();
      return message != null ? originalClass + ": " + message : originalClass;
    }
  }

  /** A body that arrived whole but is not the contract; retrying would not change it. */
  static boolean isMalformed(Throwable t) {
    return t instanceof JsonDataException
        || t instanceof JsonEncodingException
        || t instanceof LimitedSource.TooLargeException
        || (t instanceof EOFException
            && t.getMessage() != null
            && t.getMessage().startsWith("End of input"));
  }

  static boolean isRetryable(Throwable t) {
    return t instanceof IOException && !isMalformed(t);
  }

  /** The response's request id, with {@code secret} redacted should a server echo it there. */
  static @Nullable String requestId(Headers headers, @Nullable String secret) {
    String id = headers.get("x-request-id");
    return redact(id != null ? id : headers.get("request-id"), secret);
  }

  private static String message(String summary, Failure failure) {
    StringBuilder message = new StringBuilder(summary);
    if (failure.requestId() != null)
      message.append("; request-id: ").append(clip(failure.requestId()));
    if (failure.attempts() > 1)
      message.append("; after ").append(failure.attempts()).append(" attempts");
    return message.toString();
  }

  private static @Nullable ErrorDetail parse(String text) {
    if (text.isBlank()) {
      return null;
    }
    try {
      ErrorData data = ERROR_DATA.fromJson(text);
      return data == null ? null : data.error();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static String excerpt(String text) {
    java.util.regex.Matcher title = HTML_TITLE.matcher(text);
    if (title.find()) {
      return "an HTML page titled \"" + clip(title.group(2).strip().replaceAll("\\s+", " ")) + "\"";
    }
    if (HTML.matcher(text).find()) {
      return "an HTML page";
    }
    String flat = text.strip().replaceAll("\\s+", " ");
    if (flat.isEmpty()) {
      return "(empty)";
    }
    return clip(flat);
  }

  /** {@code value} cut to {@link #EXCERPT_LENGTH} characters, marked with "…" when cut. */
  static String clip(String value) {
    return clip(value, EXCERPT_LENGTH);
  }

  /** {@code value} cut to {@code max} characters (not inside a surrogate pair), marked with "…". */
  static String clip(@Nullable String value, int max) {
    if (value == null || value.length() <= max) {
      return String.valueOf(value);
    }
    int end = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
    return value.substring(0, end) + "…";
  }

  /** {@code value} with every occurrence of {@code secret} replaced by {@link #REDACTED}. */
  static @Nullable String redact(@Nullable String value, @Nullable String secret) {
    return value == null ? null : redactNonNull(value, secret);
  }

  static String redactNonNull(String value, @Nullable String secret) {
    return secret == null || secret.length() < MIN_SECRET_LENGTH
        ? value
        : value.replace(secret, REDACTED);
  }
}
