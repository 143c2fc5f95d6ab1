package io.github.together4j.images;

import org.jspecify.annotations.Nullable;

/** Thrown when the model or endpoint does not exist (HTTP 404). */
public final class NotFoundException extends TogetherException {
  private static final long serialVersionUID = 1L;

  NotFoundException(String message, Failure failure, @Nullable Throwable cause) {
    super(message, failure, cause);
  }
}
