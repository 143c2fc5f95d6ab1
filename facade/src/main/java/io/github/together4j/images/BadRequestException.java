package io.github.together4j.images;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when Together rejects the request as invalid (HTTP 400 or 422); {@link #param()} names the
 * field.
 */
public final class BadRequestException extends TogetherException {
  private static final long serialVersionUID = 1L;

  BadRequestException(String message, Failure failure, @Nullable Throwable cause) {
    super(message, failure, cause);
  }
}
