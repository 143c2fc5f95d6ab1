package io.github.together4j.images;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a response is not what the contract says: bad JSON, missing fields, an HTML error
 * page.
 */
public final class MalformedResponseException extends TogetherException {
  private static final long serialVersionUID = 1L;

  MalformedResponseException(String message, Failure failure, @Nullable Throwable cause) {
    super(message, failure, cause);
  }
}
