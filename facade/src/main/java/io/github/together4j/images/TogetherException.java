package io.github.together4j.images;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a call to Together fails; subclasses say why.
 *
 * <p>The exception carries what the server said, when it said anything: the HTTP status, and the
 * {@code type}, {@code code}, {@code param} and {@code message} of its error body, plus the request
 * id from the response headers. Its message never contains the API key.
 *
 * <table>
 *   <caption>Subclasses</caption>
 *   <tr><th>exception</th><th>cause</th></tr>
 *   <tr><td>{@link BadRequestException}</td><td>400, 422</td></tr>
 *   <tr><td>{@link AuthenticationException}</td><td>401</td></tr>
 *   <tr><td>{@link PermissionDeniedException}</td><td>403</td></tr>
 *   <tr><td>{@link NotFoundException}</td><td>404</td></tr>
 *   <tr><td>{@link RateLimitException}</td><td>429</td></tr>
 *   <tr><td>{@link ServerException}</td><td>5xx</td></tr>
 *   <tr><td>{@link ApiConnectionException}</td><td>I/O failure: DNS, refused, reset</td></tr>
 *   <tr><td>{@link ApiTimeoutException}</td><td>a timeout (a kind of connection failure)</td></tr>
 *   <tr><td>{@link MalformedResponseException}</td><td>a body that is not the contract</td></tr>
 *   <tr><td>{@code TogetherException} itself</td><td>any other status, e.g. 408, 409</td></tr>
 * </table>
 */
public class TogetherException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status, or 0 when no response arrived. */
  private final int statusCode;

  /** Together's error type, from the error body. */
  private final @Nullable String errorType;

  /** Together's error code, from the error body. */
  private final @Nullable String errorCode;

  /** The request parameter the error names, from the error body. */
  private final @Nullable String param;

  /** Together's message, from the error body. */
  private final @Nullable String serverMessage;

  /** The request id from the response headers. */
  private final @Nullable String requestId;

  /** How many HTTP attempts were made, retries included. */
  private final int attempts;

  TogetherException(String message, Failure failure, @Nullable Throwable cause) {
    super(message, cause);
    this.statusCode = failure.statusCode();
    this.errorType = failure.errorType();
    this.errorCode = failure.errorCode();
    this.param = failure.param();
    this.serverMessage = failure.serverMessage();
    this.requestId = failure.requestId();
    this.attempts = failure.attempts();
  }

  /**
   * Returns the HTTP status, or 0 when no response was received.
   *
   * @return the status code, or 0
   */
  public int statusCode() {
    return statusCode;
  }

  /**
   * Returns the error body's {@code type}, e.g. {@code invalid_request_error}.
   *
   * @return the type, or null
   */
  public @Nullable String errorType() {
    return errorType;
  }

  /**
   * Returns the error body's {@code code}.
   *
   * @return the code, or null
   */
  public @Nullable String errorCode() {
    return errorCode;
  }

  /**
   * Returns the request parameter the error is about, e.g. {@code width}.
   *
   * @return the parameter, or null
   */
  public @Nullable String param() {
    return param;
  }

  /**
   * Returns the error body's {@code message}, as the server wrote it.
   *
   * @return the message, or null
   */
  public @Nullable String serverMessage() {
    return serverMessage;
  }

  /**
   * Returns the request id from the response headers, to quote to Together's support.
   *
   * @return the request id, or null
   */
  public @Nullable String requestId() {
    return requestId;
  }

  /**
   * Returns how many HTTP attempts were made, retries included; 0 if none was sent.
   *
   * @return the number of attempts
   */
  public int attempts() {
    return attempts;
  }

  /** What is known about a failed call; the exceptions' fields. */
  record Failure(
      int statusCode,
      @Nullable String errorType,
      @Nullable String errorCode,
      @Nullable String param,
      @Nullable String serverMessage,
      @Nullable String requestId,
      int attempts) {
    static Failure noResponse(int attempts) {
      return new Failure(0, null, null, null, null, null, attempts);
    }
  }
}
