package io.github.together4j.images;

import org.jspecify.annotations.Nullable;

/** Thrown when Together fails or is overloaded (HTTP 5xx) and retries did not get through. */
public final class ServerException extends TogetherException {
  private static final long serialVersionUID = 1L;

  ServerException(String message, Failure failure, @Nullable Throwable cause) {
    super(message, failure, cause);
  }
}
