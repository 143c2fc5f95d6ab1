package io.github.together4j.images;

import org.jspecify.annotations.Nullable;

/** Thrown when Together rejects the API key (HTTP 401). */
public final class AuthenticationException extends TogetherException {
  private static final long serialVersionUID = 1L;

  AuthenticationException(String message, Failure failure, @Nullable Throwable cause) {
    super(message, failure, cause);
  }
}
