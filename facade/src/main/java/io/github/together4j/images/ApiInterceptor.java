package io.github.together4j.images;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Adds the API key, User-Agent and default headers to calls to the API (and to no other host), and
 * logs each exchange at DEBUG with the key redacted.
 */
final class ApiInterceptor implements Interceptor {
  static final System.Logger LOG = System.getLogger("io.github.together4j.images");

  /**
   * A network interceptor that keeps OkHttp from repeating a call by itself after a 503 with {@code
   * Retry-After: 0}, which it does whatever the client's settings, unseen by {@link RetryPolicy}
   * and by {@code maxRetries(0)}. The same wait is passed on as {@code retry-after-ms: 0}, which
   * RetryPolicy reads first and OkHttp ignores.
   */
  static final Interceptor NO_SILENT_RETRY_ON_503 =
      chain -> {
        Response response = chain.proceed(chain.request());
        String retryAfter = response.header("Retry-After");
        if (response.code() != 503 || retryAfter == null || !retryAfter.strip().matches("0+")) {
          return response;
        }
        Response.Builder zero = response.newBuilder().removeHeader("Retry-After");
        if (response.header("retry-after-ms") == null) {
          zero.header("retry-after-ms", "0");
        }
        return zero.build();
      };

  /** How much of a request or response body {@code logRequests}/{@code logResponses} log. */
  static final long MAX_LOGGED_BODY = 4096;

  /** The default of {@link TogetherImages.Builder#maxResponseBytes(long)}. */
  static final long DEFAULT_MAX_RESPONSE_BYTES = 256L * 1024 * 1024;

  private final HttpUrl apiOrigin;
  private final String apiKey;
  private final String authorization;
  private final String userAgent;
  private final Headers defaultHeaders;
  private final long maxResponseBytes;
  private final boolean logRequests;
  private final boolean logResponses;

  ApiInterceptor(
      HttpUrl apiOrigin,
      String apiKey,
      String userAgent,
      Headers defaultHeaders,
      long maxResponseBytes,
      boolean logRequests,
      boolean logResponses) {
    this.maxResponseBytes = maxResponseBytes;
    this.logRequests = logRequests;
    this.logResponses = logResponses;
    this.apiOrigin = apiOrigin;
    this.apiKey = apiKey;
    this.authorization = "Bearer " + apiKey;
    this.userAgent = userAgent;
    this.defaultHeaders = defaultHeaders;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Response response = exchange(chain);
    if (!sameOrigin(chain.request().url())) {
      return response;
    }
    okhttp3.ResponseBody body = response.body();
    if (body.contentLength() > maxResponseBytes) {
      // Refused before a byte is read, but as a failure to read the body, so that whoever reads it
      // still has the status and headers in hand.
      String message =
          "the response body (Content-Length "
              + body.contentLength()
              + ") is larger than the limit of "
              + maxResponseBytes
              + " bytes (TogetherImages.Builder.maxResponseBytes)";
      okio.Source refused =
          new okio.ForwardingSource(body.source()) {
            @Override
            public long read(okio.Buffer sink, long byteCount) throws IOException {
              throw new LimitedSource.TooLargeException(message);
            }
          };
      return response
          .newBuilder()
          .body(
              okhttp3.ResponseBody.create(
                  okio.Okio.buffer(refused), body.contentType(), body.contentLength()))
          .build();
    }
    // A server that keeps sending cannot exhaust memory: reading past the limit fails.
    okio.BufferedSource limited =
        okio.Okio.buffer(
            new LimitedSource(
                body.source(), maxResponseBytes, "the response body", "maxResponseBytes"));
    return response
        .newBuilder()
        .body(okhttp3.ResponseBody.create(limited, body.contentType(), body.contentLength()))
        .build();
  }

  private Response exchange(Chain chain) throws IOException {
    Request request = chain.request();
    if (sameOrigin(request.url())) {
      Request.Builder builder = request.newBuilder();
      for (String name : defaultHeaders.names()) {
        builder.removeHeader(name);
      }
      for (int i = 0; i < defaultHeaders.size(); i++) {
        builder.addHeader(defaultHeaders.name(i), defaultHeaders.value(i));
      }
      request =
          builder.header("Authorization", authorization).header("User-Agent", userAgent).build();
    } else if (request.header("User-Agent") == null) {
      request = request.newBuilder().header("User-Agent", userAgent).build();
    }
    boolean debug = LOG.isLoggable(Level.DEBUG);
    if (!debug && !logRequests && !logResponses) {
      return chain.proceed(request);
    }
    long start = System.nanoTime();
    // logRequests: at INFO, with the body; otherwise at DEBUG, headers only.
    if (logRequests || debug) {
      LOG.log(
          logRequests ? Level.INFO : Level.DEBUG,
          "--> {0} {1}\n{2}{3}",
          request.method(),
          request.url(),
          redacted(request.headers(), apiKey),
          logRequests ? requestBody(request) : "");
    }
    Response response;
    try {
      response = chain.proceed(request);
    } catch (IOException e) {
      LOG.log(
          logResponses ? Level.INFO : Level.DEBUG,
          "<-- HTTP FAILED {0} {1}: {2}",
          request.method(),
          request.url(),
          ErrorMapper.redactNonNull(e.toString(), apiKey));
      throw e;
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (logResponses || debug) {
      LOG.log(
          logResponses ? Level.INFO : Level.DEBUG,
          "<-- {0} {1} ({2} ms)\n{3}{4}",
          response.code(),
          request.url(),
          millis,
          redacted(response.headers(), apiKey),
          logResponses ? responseBody(response) : "");
    }
    return response;
  }

  /** The request's body as text for the log, key redacted, cut at {@link #MAX_LOGGED_BODY}. */
  private String requestBody(Request request) {
    okhttp3.RequestBody body = request.body();
    if (body == null) {
      return "";
    }
    if (body.isOneShot() || body.isDuplex()) {
      return "\n(body not logged: it can be sent only once)";
    }
    okio.Buffer buffer = new okio.Buffer();
    try {
      body.writeTo(buffer);
    } catch (IOException e) {
      return "\n(body not logged: " + ErrorMapper.redactNonNull(e.toString(), apiKey) + ")";
    }
    return "\n" + loggedText(buffer, buffer.size());
  }

  /**
   * The start of the response's body for the log, key redacted: read ahead without consuming it, so
   * whoever reads the body still gets all of it.
   */
  private String responseBody(Response response) {
    okio.BufferedSource source = response.body().source();
    boolean more;
    try {
      // True when the body has MAX_LOGGED_BODY bytes or more; false once it all is in the buffer.
      more = source.request(MAX_LOGGED_BODY + 1);
    } catch (IOException e) {
      return "\n(body not logged: " + ErrorMapper.redactNonNull(e.toString(), apiKey) + ")";
    }
    okio.Buffer peeked = new okio.Buffer();
    source.getBuffer().copyTo(peeked, 0, Math.min(source.getBuffer().size(), MAX_LOGGED_BODY));
    long total = more ? response.body().contentLength() : source.getBuffer().size();
    return "\n" + loggedText(peeked, total);
  }

  /**
   * {@code buffer}'s text, at most {@link #MAX_LOGGED_BODY} bytes of it, key redacted, saying how
   * much was left out of {@code total} bytes (-1 when unknown).
   */
  private String loggedText(okio.Buffer buffer, long total) {
    long shown = Math.min(buffer.size(), MAX_LOGGED_BODY);
    String text =
        ErrorMapper.redactNonNull(
            buffer.snapshot((int) shown).string(StandardCharsets.UTF_8), apiKey);
    if (total >= 0 && total <= shown) {
      return text;
    }
    return text + "… (body cut at " + shown + " bytes" + (total >= 0 ? " of " + total : "") + ")";
  }

  private boolean sameOrigin(HttpUrl url) {
    return url.scheme().equals(apiOrigin.scheme())
        && url.host().equals(apiOrigin.host())
        && url.port() == apiOrigin.port();
  }

  /**
   * Returns {@code headers} one per line, with credentials hidden: the values of the headers that
   * carry them, and {@code apiKey} wherever a server echoes it, under any header name.
   */
  static String redacted(Headers headers, String apiKey) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < headers.size(); i++) {
      String name = headers.name(i);
      boolean secret =
          name.equalsIgnoreCase("Authorization")
              || name.equalsIgnoreCase("Proxy-Authorization")
              || name.equalsIgnoreCase("Cookie")
              || name.equalsIgnoreCase("Set-Cookie");
      out.append(name)
          .append(": ")
          .append(secret ? ErrorMapper.REDACTED : ErrorMapper.redact(headers.value(i), apiKey))
          .append('\n');
    }
    return out.toString();
  }
}
