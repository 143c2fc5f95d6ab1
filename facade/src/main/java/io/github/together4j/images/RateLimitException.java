package io.github.together4j.images;

import org.jspecify.annotations.Nullable;

/** Thrown when Together limits the request rate (HTTP 429) and retries did not get through. */
public final class RateLimitException extends TogetherException {
  private static final long serialVersionUID = 1L;

  RateLimitException(String message, Failure failure, @Nullable Throwable cause) {
    super(message, failure, cause);
  }
}
