package io.github.together4j.langchain4j;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import io.github.together4j.images.ApiConnectionException;
import io.github.together4j.images.ApiTimeoutException;
import io.github.together4j.images.BadRequestException;
import io.github.together4j.images.MalformedResponseException;
import io.github.together4j.images.NotFoundException;
import io.github.together4j.images.PermissionDeniedException;
import io.github.together4j.images.ServerException;
import io.github.together4j.images.TogetherException;
import java.net.UnknownHostException;

/**
 * Maps together4j's exceptions to LangChain4j's, keeping ours as the cause and its message, which
 * carries the status and request id and never the key.
 */
final class Exceptions {
  private Exceptions() {}

  /** The LangChain4j exception for {@code e}; the table is in {@link TogetherImageModel}. */
  static LangChain4jException toLangChain4j(TogetherException e) {
    String message = e.getMessage();
    if (e instanceof io.github.together4j.images.AuthenticationException
        || e instanceof PermissionDeniedException) {
      return new AuthenticationException(message, e);
    }
    if (e instanceof NotFoundException) {
      return new ModelNotFoundException(message, e);
    }
    if (e instanceof io.github.together4j.images.RateLimitException) {
      return new RateLimitException(message, e);
    }
    if (e instanceof BadRequestException) {
      return new InvalidRequestException(message, e);
    }
    if (e instanceof ServerException) {
      return new InternalServerException(message, e);
    }
    if (e instanceof ApiTimeoutException) {
      return new TimeoutException(message, e);
    }
    if (e instanceof ApiConnectionException) {
      return causedBy(e, UnknownHostException.class)
          ? new UnresolvedModelServerException(message, e)
          : new RetriableException(message, e);
    }
    if (e instanceof MalformedResponseException) {
      return new LangChain4jException(message, e);
    }
    // TogetherException itself: a status the facade has no subclass for (408, 409, 418, 3xx ...).
    int status = e.statusCode();
    if (status == 408) {
      return new TimeoutException(message, e);
    }
    if (status >= 500) {
      return new InternalServerException(message, e);
    }
    if (status >= 400) {
      return new InvalidRequestException(message, e);
    }
    return new LangChain4jException(message, e);
  }

  /** A response that does not hold what was asked for, though it was the contract. */
  static LangChain4jException unexpected(String message) {
    return new LangChain4jException(message);
  }

  /** As {@link #unexpected(String)}, with the exception that showed it. */
  static LangChain4jException unexpected(String message, Throwable cause) {
    return new LangChain4jException(message, cause);
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
