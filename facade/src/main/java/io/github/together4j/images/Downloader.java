package io.github.together4j.images;

import io.github.together4j.images.Retrier.Outcome;
import io.github.together4j.images.TogetherException.Failure;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.util.HexFormat;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.Route;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * Downloads {@code url} results: with the client's timeouts and retries, a size limit enforced
 * while streaming, over https only (plain http from loopback hosts, for tests), the content checked
 * by its magic bytes, and never an API key: the URL points at a storage host, not at the API.
 *
 * <p>OkHttp follows the redirects; a network interceptor ({@link #guard}) sees each hop on its
 * connection and refuses a sixth redirect, a redirect to plain http (but between loopback hosts),
 * and a redirect from a remote host that reached a loopback, link-local or private address. It
 * judges the address the socket actually connected to, so a host name that resolves to a public
 * address for one lookup and a private one for the next cannot slip past it.
 */
final class Downloader {
  static final long DEFAULT_MAX_BYTES = 50L * 1024 * 1024;
  static final int MAX_REDIRECTS = 5;

  private final OkHttpClient http;
  private final Retrier retrier;
  private final long maxBytes;
  private final String userAgent;

  /** The API key: never sent here, and redacted from messages should a server put it in a URL. */
  private final @Nullable String secret;

  /** {@code http} must not carry the API interceptor; redirects are guarded here. */
  Downloader(OkHttpClient http, RetryPolicy retries, long maxBytes, String userAgent) {
    this(http, retries, maxBytes, userAgent, null);
  }

  Downloader(
      OkHttpClient http,
      RetryPolicy retries,
      long maxBytes,
      String userAgent,
      @Nullable String secret) {
    this.http =
        http.newBuilder()
            .followRedirects(true)
            .followSslRedirects(true)
            // A refusal from the guard must end the call, not send it again on another route.
            .retryOnConnectionFailure(false)
            .addNetworkInterceptor(this::guard)
            .build();
    this.retrier = new Retrier(retries);
    this.maxBytes = maxBytes;
    this.userAgent = userAgent;
    this.secret = secret;
  }

  long maxBytes() {
    return maxBytes;
  }

  /** Reads a download; may throw the network's IOExceptions, nothing else checked. */
  interface Transfer<T> {
    T apply(Download download) throws IOException;
  }

  /** An open, checked download: the body from its first byte, and the format it starts with. */
  static final class Download implements Closeable {
    final ImageFormat format;

    /** The first bytes of the body, up to {@link ImageFormat#HEADER_LENGTH}. */
    final byte[] header;

    final HttpUrl url;
    final long contentLength;
    final InputStream stream;
    private final Response response;

    Download(Response response, byte[] header, HttpUrl url, InputStream stream) {
      this.response = response;
      this.header = header;
      this.format = ImageFormat.detect(header);
      this.url = url;
      this.contentLength = response.body().contentLength();
      this.stream = stream;
    }

    private boolean handedOff;

    /** Returns the body as a stream the caller closes; closing this download then does nothing. */
    InputStream handOff() {
      handedOff = true;
      return new java.io.FilterInputStream(stream) {
        @Override
        public void close() throws IOException {
          try {
            super.close();
          } finally {
            response.close();
          }
        }
      };
    }

    @Override
    public void close() {
      if (!handedOff) {
        response.close();
      }
    }
  }

  /** Where one download has been; a tag on its request, which OkHttp carries to each redirect. */
  private static final class Hops {
    final HttpUrl origin;
    final String subject;
    int sent;
    @Nullable HttpUrl last;

    Hops(HttpUrl origin, String subject) {
      this.origin = origin;
      this.subject = subject;
    }
  }

  /** The guard refused a hop; the message says why. Never retried. */
  private static final class RefusedHop extends IOException {
    private static final long serialVersionUID = 1L;

    RefusedHop(String message) {
      super(message);
    }
  }

  /** A non-2xx status from the image host. */
  private static final class StatusException extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient Headers headers;

    StatusException(int status, Headers headers) {
      super(null, null, false, false);
      this.status = status;
      this.headers = headers;
    }
  }

  /**
   * Downloads image {@code index} from {@code url} and hands the checked body to {@code transfer}.
   * Connection failures and retryable statuses are retried; so is a body cut short when {@code
   * restartable} says the transfer can start over (it wrote nowhere the caller can see).
   */
  <T> T fetch(String url, int index, boolean restartable, Transfer<T> transfer) {
    HttpUrl start = HttpUrl.parse(url);
    String subject = "image " + index;
    if (start == null) {
      throw malformed(subject + " has a url that is not http or https: " + shown(url), 0, null);
    }
    if (!start.isHttps() && !Addresses.isLoopback(start.host())) {
      throw malformed(
          subject
              + " has a plain http url ("
              + shown(start)
              + "): images are"
              + " downloaded over https only, plain http only from loopback hosts",
          0,
          null);
    }
    return retrier.run(
        attempt -> {
          Download download = null;
          try {
            download = open(start, subject, attempt);
            try (Download d = download) {
              return Outcome.success(transfer.apply(d));
            }
          } catch (StatusException e) {
            return Outcome.failure(
                failed(subject, start, e.status, e.headers, e, attempt),
                RetryPolicy.isRetryableStatus(e.status),
                e.headers);
          } catch (LimitedSource.TooLargeException e) {
            throw malformed(
                subject
                    + " from "
                    + shown(start)
                    + " is larger than the limit of "
                    + maxBytes
                    + " bytes (TogetherImages.Builder.maxDownloadBytes)",
                attempt,
                e);
          } catch (IOException e) {
            // A transfer that wrote where the caller can see is not started over.
            return Outcome.failure(
                failed(subject, start, 0, null, e, attempt),
                (download == null || restartable) && ErrorMapper.isRetryable(e),
                null);
          }
        },
        attempts ->
            failed(
                subject,
                start,
                0,
                null,
                new InterruptedIOException("interrupted while waiting to retry"),
                attempts));
  }

  /** Sends the GET (OkHttp follows redirects, {@link #guard} vets each hop) and checks the body. */
  private Download open(HttpUrl url, String subject, int attempt)
      throws IOException, StatusException {
    Request request =
        new Request.Builder()
            .url(url)
            .header("User-Agent", userAgent)
            .header("Accept", "image/*")
            .tag(Hops.class, new Hops(url, subject))
            .build();
    Response response;
    try {
      response = http.newCall(request).execute();
    } catch (RefusedHop e) {
      throw malformed(e.getMessage(), attempt, null);
    }
    HttpUrl current = response.request().url();
    if (response.isRedirect()) {
      // One OkHttp does not follow: no Location, or one that is not http or https.
      String location = response.header("Location");
      response.close();
      throw malformed(
          subject
              + " redirected from "
              + shown(current)
              + " to "
              + (location == null ? "nowhere (no Location header)" : shown(location))
              + ": only http and https redirects are followed",
          attempt,
          null);
    }
    if (!response.isSuccessful()) {
      response.close();
      throw new StatusException(response.code(), response.headers());
    }
    return check(response, current, subject, attempt);
  }

  /**
   * The network interceptor every download hop passes, on the connection it will be sent on:
   * refuses a sixth redirect, a redirect to plain http (but between loopback hosts), and a redirect
   * from a remote host whose connection reached an internal address.
   */
  private Response guard(Interceptor.Chain chain) throws IOException {
    Request request = chain.request();
    Hops hops = request.tag(Hops.class);
    if (hops == null) {
      return chain.proceed(request);
    }
    HttpUrl url = request.url();
    HttpUrl from = hops.last;
    if (from != null) {
      String redirect = hops.subject + " redirected from " + shown(from) + " to ";
      if (hops.sent > MAX_REDIRECTS) {
        throw new RefusedHop(
            hops.subject
                + " redirected more than "
                + MAX_REDIRECTS
                + " times, last to "
                + shown(url));
      }
      if (!url.isHttps() && (from.isHttps() || !Addresses.isLoopback(url.host()))) {
        throw new RefusedHop(
            redirect
                + "plain http ("
                + shown(url)
                + "): only https is followed"
                + " (plain http only between loopback hosts)");
      }
      Route route = chain.connection() == null ? null : chain.connection().route();
      if (!Addresses.isLoopback(hops.origin.host())
          && route != null
          && route.proxy().type() == Proxy.Type.DIRECT
          && Addresses.isInternal(route.socketAddress().getAddress())) {
        throw new RefusedHop(
            redirect
                + shown(url)
                + ", an internal address (loopback, link-local"
                + " or private): refused, so a storage host cannot point the client into your network");
      }
    }
    hops.sent++;
    hops.last = url;
    ApiInterceptor.LOG.log(Level.DEBUG, "--> GET {0} ({1})", shown(url), hops.subject);
    long start = System.nanoTime();
    Response response = chain.proceed(request);
    ApiInterceptor.LOG.log(
        Level.DEBUG,
        "<-- {0} {1} ({2} ms)",
        response.code(),
        shown(url),
        (System.nanoTime() - start) / 1_000_000);
    return response;
  }

  private Download check(Response response, HttpUrl url, String subject, int attempt)
      throws IOException {
    try {
      ResponseBody body = response.body();
      long length = body.contentLength();
      if (length > maxBytes) {
        throw new LimitedSource.TooLargeException("Content-Length " + length);
      }
      BufferedSource source = body.source();
      source.request(ImageFormat.HEADER_LENGTH);
      Buffer buffered = source.getBuffer();
      int available = (int) Math.min(buffered.size(), ImageFormat.HEADER_LENGTH);
      byte[] header = buffered.snapshot(available).toByteArray();
      ImageFormat format = ImageFormat.detect(header);
      if (format == ImageFormat.UNKNOWN) {
        throw new MalformedResponseException(
            subject
                + " from "
                + shown(url)
                + " is not a PNG, JPEG, WebP or GIF image (Content-Type: "
                + response.header("Content-Type", "none")
                + ", "
                + describeStart(header)
                + ")",
            new Failure(
                response.code(),
                null,
                null,
                null,
                null,
                ErrorMapper.requestId(response.headers(), secret),
                attempt),
            null);
      }
      InputStream stream =
          Okio.buffer(new LimitedSource(source, maxBytes, subject, "maxDownloadBytes"))
              .inputStream();
      return new Download(response, header, url, stream);
    } catch (IOException | RuntimeException e) {
      response.close();
      throw e;
    }
  }

  private TogetherException failed(
      String subject,
      HttpUrl url,
      int status,
      @Nullable Headers headers,
      Throwable failure,
      int attempts) {
    String what = "downloading " + subject + " from " + shown(url) + " failed";
    String after = attempts > 1 ? "; after " + attempts + " attempts" : "";
    if (failure instanceof StatusException && headers != null) {
      String requestId = ErrorMapper.requestId(headers, secret);
      Failure info = new Failure(status, null, null, null, null, requestId, attempts);
      String message =
          what
              + ": HTTP "
              + status
              + (status == 403 ? " (a url result expires: download it soon after generating)" : "")
              + (requestId != null ? "; request-id: " + requestId : "")
              + after;
      return ErrorMapper.ofStatus(status, message, info);
    }
    Failure info = Failure.noResponse(attempts);
    if (failure instanceof SocketTimeoutException
        || (failure instanceof InterruptedIOException && "timeout".equals(failure.getMessage()))) {
      return new ApiTimeoutException(
          what + ": timed out" + after, info, ErrorMapper.redactCause(failure, secret));
    }
    return new ApiConnectionException(
        what + ": " + ErrorMapper.redact(String.valueOf(failure), secret) + after,
        info,
        ErrorMapper.redactCause(failure, secret));
  }

  private static MalformedResponseException malformed(
      String message, int attempts, @Nullable Throwable cause) {
    return new MalformedResponseException(message, Failure.noResponse(attempts), cause);
  }

  /** {@link #describe(HttpUrl)} (or of a String), cut to 200 characters, without the API key. */
  private String shown(HttpUrl url) {
    return ErrorMapper.clip(ErrorMapper.redact(describe(url), secret));
  }

  String shown(String url) {
    return ErrorMapper.clip(ErrorMapper.redact(describe(url), secret));
  }

  /** {@code text} without the API key. */
  String redacted(String text) {
    return String.valueOf(ErrorMapper.redact(text, secret));
  }

  /**
   * Names a URL without its query, fragment or user info: a storage URL's query is usually a
   * signature that grants access, so it stays out of messages and logs.
   */
  static String describe(HttpUrl url) {
    String host = url.host();
    StringBuilder out =
        new StringBuilder(url.scheme())
            .append("://")
            .append(host.indexOf(':') >= 0 ? "[" + host + "]" : host);
    if (url.port() != HttpUrl.defaultPort(url.scheme())) {
      out.append(':').append(url.port());
    }
    out.append(url.encodedPath());
    if (url.encodedQuery() != null) {
      out.append("?…");
    }
    return out.toString();
  }

  /** Names a URL string; one that does not parse is shown by its scheme alone. */
  static String describe(String url) {
    HttpUrl parsed = HttpUrl.parse(url);
    if (parsed != null) {
      return describe(parsed);
    }
    int colon = url.indexOf(':');
    boolean scheme = colon > 0 && url.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*");
    return scheme
        ? url.substring(0, colon) + ":… (" + url.length() + " characters)"
        : "a value of " + url.length() + " characters";
  }

  static String describeStart(byte[] header) {
    if (header.length == 0) {
      return "empty";
    }
    return "starts with " + HexFormat.ofDelimiter(" ").formatHex(header);
  }
}
