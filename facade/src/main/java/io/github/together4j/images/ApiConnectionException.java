package io.github.together4j.images;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when no complete response arrived: DNS, connection refused or reset, or a body cut short.
 */
public class ApiConnectionException extends TogetherException {
  private static final long serialVersionUID = 1L;

  ApiConnectionException(String message, Failure failure, @Nullable Throwable cause) {
    super(message, failure, cause);
  }
}
