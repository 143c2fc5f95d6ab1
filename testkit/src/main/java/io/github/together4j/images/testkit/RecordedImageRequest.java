package io.github.together4j.images.testkit;

import java.util.Map;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

/**
 * An image generation request as the {@link FakeTogetherServer} received it, its API key redacted.
 *
 * <pre>{@code
 * RecordedImageRequest request = server.takeRequest();
 * assertThat(request.field("n")).isEqualTo(4.0);        // JSON numbers are doubles
 * assertThat(request.authorized()).isTrue();
 * }</pre>
 */
public final class RecordedImageRequest {
  private final String method;
  private final String path;
  private final Headers headers;
  private final String body;
  private final @Nullable Object json;
  private final boolean authorized;

  RecordedImageRequest(
      String method,
      String path,
      Headers headers,
      String body,
      @Nullable Object json,
      boolean authorized) {
    this.method = method;
    this.path = path;
    this.headers = headers;
    this.body = body;
    this.json = json;
    this.authorized = authorized;
  }

  /**
   * Returns the HTTP method, {@code POST} for a well-behaved client.
   *
   * @return the method
   */
  public String method() {
    return method;
  }

  /**
   * Returns the request path, e.g. {@code /v1/images/generations}.
   *
   * @return the path
   */
  public String path() {
    return path;
  }

  /**
   * Returns the headers, with {@code Authorization} shown as {@code Bearer <redacted>}.
   *
   * @return the headers
   */
  public Headers headers() {
    return headers;
  }

  /**
   * Returns the value of header {@code name}, or null.
   *
   * @param name the header name, any case
   * @return the last value, or null
   */
  public @Nullable String header(String name) {
    return headers.get(name);
  }

  /**
   * Returns whether the request carried the server's API key.
   *
   * @return true for {@code Authorization: Bearer <the key>}
   */
  public boolean authorized() {
    return authorized;
  }

  /**
   * Returns the body as text.
   *
   * @return the body, empty if none
   */
  public String body() {
    return body;
  }

  /**
   * Returns the body parsed as JSON ({@link Map}, {@link java.util.List}, {@link String}, {@link
   * Double}, {@link Boolean}), or null if it is not JSON.
   *
   * @return the parsed body, or null
   */
  public @Nullable Object json() {
    return json;
  }

  /**
   * Returns a top-level field of a JSON object body, or null if absent.
   *
   * @param name the wire name, e.g. {@code response_format}
   * @return the value, or null
   */
  public @Nullable Object field(String name) {
    return json instanceof Map<?, ?> map ? map.get(name) : null;
  }

  @Override
  public String toString() {
    return method + " " + path + " " + (body.length() <= 200 ? body : body.substring(0, 200) + "…");
  }
}
