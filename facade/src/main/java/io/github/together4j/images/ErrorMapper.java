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

  static final int EXCERPT_LENGTH = 200;

  private static final JsonAdapter<ErrorData> ERROR_DATA = JSON.moshi().adapter(ErrorData.class);

  private ErrorMapper() {}

  /**
   * Maps a non-2xx response; reads (and closes) at most {@link #MAX_ERROR_BODY} of its body, with
   * every occurrence of {@code secret} redacted.
   */
  static TogetherException fromStatus(
      int status, Headers headers, @Nullable ResponseBody body, int attempts, String secret) {
    String requestId = requestId(headers);
    if (requestId != null) {
      requestId = requestId.replace(secret, "██");
    }
    String text = "";
    if (body != null) {
      try (body) {
        BufferedSource source = body.source();
        source.request(MAX_ERROR_BODY);
        Buffer buffer = source.getBuffer();
        text = buffer.snapshot((int) Math.min(buffer.size(), MAX_ERROR_BODY)).string(StandardCharsets.UTF_8);
      } catch (IOException e) {
        // A body that broke off: what arrived is all there is to report.
      }
    }
    // A server or proxy that echoes the key must not put it into our exception.
    text = text.replace(secret, "██");
    ErrorDetail detail = parse(text);
    if (detail == null) {
      Failure failure = new Failure(status, null, null, null, null, requestId, attempts);
      return new MalformedResponseException(
          message("HTTP " + status + " with an error body that is not ErrorData: " + excerpt(text), failure),
          failure,
          null);
    }
    Failure failure = new Failure(
        status, detail.type(), detail.code(), detail.param(), detail.message(), requestId, attempts);
    StringBuilder summary = new StringBuilder("HTTP ").append(status);
    summary.append(" ").append(detail.type()).append(": ").append(detail.message());
    if (detail.param() != null) summary.append("; param: ").append(detail.param());
    if (detail.code() != null) summary.append("; code: ").append(detail.code());
    String message = message(summary.toString(), failure);
    return switch (status) {
      case 400, 422 -> new BadRequestException(message, failure, null);
      case 401 -> new AuthenticationException(message, failure, null);
      case 403 -> new PermissionDeniedException(message, failure, null);
      case 404 -> new NotFoundException(message, failure, null);
      case 429 -> new RateLimitException(message, failure, null);
      default -> status >= 500
          ? new ServerException(message, failure, null)
          : new TogetherException(message, failure, null);
    };
  }

  /** Maps an exception thrown while sending the request or reading the response. */
  static TogetherException fromThrowable(
      Throwable t, int status, @Nullable Headers headers, int attempts) {
    Failure failure = headers == null
        ? Failure.noResponse(attempts)
        : new Failure(status, null, null, null, null, requestId(headers), attempts);
    if (t instanceof Downloader.TooLargeException) {
      return new MalformedResponseException(message(t.getMessage(), failure), failure, t);
    }
    if (isMalformed(t)) {
      return new MalformedResponseException(
          message("response is not an ImageResponse: " + t.getMessage(), failure), failure, t);
    }
    if (t instanceof SocketTimeoutException
        || (t instanceof InterruptedIOException && "timeout".equals(t.getMessage()))) {
      return new ApiTimeoutException(message("timed out: " + t.getMessage(), failure), failure, t);
    }
    return new ApiConnectionException(message("connection failed: " + t, failure), failure, t);
  }

  /** A body that arrived whole but is not the contract; retrying would not change it. */
  static boolean isMalformed(Throwable t) {
    return t instanceof JsonDataException
        || t instanceof JsonEncodingException
        || t instanceof Downloader.TooLargeException
        || (t instanceof EOFException && t.getMessage() != null && t.getMessage().startsWith("End of input"));
  }

  static boolean isRetryable(Throwable t) {
    return t instanceof IOException && !isMalformed(t);
  }

  static @Nullable String requestId(Headers headers) {
    String id = headers.get("x-request-id");
    return id != null ? id : headers.get("request-id");
  }

  private static String message(String summary, Failure failure) {
    StringBuilder message = new StringBuilder(summary);
    if (failure.requestId() != null) message.append("; request-id: ").append(failure.requestId());
    if (failure.attempts() > 1) message.append("; after ").append(failure.attempts()).append(" attempts");
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
    String flat = text.strip().replaceAll("\\s+", " ");
    if (flat.isEmpty()) {
      return "(empty)";
    }
    return flat.length() <= EXCERPT_LENGTH ? flat : flat.substring(0, EXCERPT_LENGTH) + "…";
  }
}
