package io.github.together4j.images;

import org.jspecify.annotations.Nullable;

/** Thrown when the API key may not use the model or feature (HTTP 403). */
public final class PermissionDeniedException extends TogetherException {
  private static final long serialVersionUID = 1L;

  PermissionDeniedException(String message, Failure failure, @Nullable Throwable cause) {
    super(message, failure, cause);
  }
}
