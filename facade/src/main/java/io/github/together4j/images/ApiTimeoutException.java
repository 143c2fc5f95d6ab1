package io.github.together4j.images;

import org.jspecify.annotations.Nullable;

/** Thrown when a connect, read or call timeout expired before the response was complete. */
public final class ApiTimeoutException extends ApiConnectionException {
  private static final long serialVersionUID = 1L;

  ApiTimeoutException(String message, Failure failure, @Nullable Throwable cause) {
    super(message, failure, cause);
  }
}
