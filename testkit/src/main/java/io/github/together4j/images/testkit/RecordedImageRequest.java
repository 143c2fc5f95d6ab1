package io.github.together4j.images.testkit;

import java.util.Map;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * A request to the image API, an image generation or a model list, as the {@link
 * FakeTogetherServer} received it, its API key redacted.
 *
 * <pre>{@code
 * RecordedImageRequest request = server.takeRequest();
 * assertThat(request.field("n")).isEqualTo(4.0);        // JSON numbers are doubles
 * assertThat(request.authorized()).isTrue();
 * }</pre>
 */
public final class RecordedImageRequest {
  private final String method;
  private final HttpUrl url;
  private final Headers headers;
  private final String body;
  private final @Nullable Object json;
  private final boolean authorized;

  RecordedImageRequest(
      String method,
      HttpUrl url,
      Headers headers,
      String body,
      @Nullable Object json,
      boolean authorized) {
    this.method = method;
    this.url = url;
    this.headers = headers;
    this.body = body;
    this.json = json;
    this.authorized = authorized;
  }

  /**
   * Returns the HTTP method: {@code POST} for a generation, {@code GET} for a model list.
   *
   * @return the method
   */
  public String method() {
    return method;
  }

  /**
   * Returns the request path, e.g. {@code /v1/images/generations} or {@code /v1/models}, without
   * the query.
   *
   * @return the path
   */
  public String path() {
    return url.encodedPath();
  }

  /**
   * Returns the first value of query parameter {@code name}, decoded, e.g. {@code "true"} for
   * {@code GET /v1/models?dedicated=true}.
   *
   * @param name the parameter name, exact case
   * @return the value; null if the parameter is absent or has no value
   */
  public @Nullable String queryParameter(String name) {
    return url.queryParameter(name);
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
    String query = url.encodedQuery();
    String target = query == null ? url.encodedPath() : url.encodedPath() + "?" + query;
    if (body.isEmpty()) {
      return method + " " + target;
    }
    return method
        + " "
        + target
        + " "
        + (body.length() <= 200 ? body : body.substring(0, 200) + "…");
  }
}
