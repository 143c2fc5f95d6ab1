package io.github.together4j.images;

import static java.util.Objects.requireNonNull;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonReader;
import io.github.together4j.images.generated.JSON;
import io.github.together4j.images.generated.api.ImagesApi;
import io.github.together4j.images.generated.model.ImageRequest;
import io.github.together4j.images.generated.model.ImageResponse;
import io.github.together4j.images.internal.RuntimeDependencies;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okio.BufferedSource;
import okio.ByteString;
import org.jspecify.annotations.Nullable;
import retrofit2.Retrofit;
import retrofit2.converter.moshi.MoshiConverterFactory;

/**
 * A client for Together AI's image generation API.
 *
 * <pre>{@code
 * TogetherImages client = TogetherImages.fromEnv();               // TOGETHER_API_KEY
 * ImageGenerationResult result = client.generate("A watercolor sunflower field");
 * result.images().get(0).saveTo(Path.of("sunflower"));          // sunflower.jpg, or .png
 * }</pre>
 *
 * <p>Create one client and share it: it is immutable and thread-safe, and each client holds its own
 * connection pool and threads. {@link #close()} releases them; a client built on a caller-supplied
 * {@link OkHttpClient} leaves that client's resources to its owner.
 *
 * <p><b>Retries.</b> Connection failures, timeouts and HTTP 408, 409, 429 and 5xx are retried up to
 * {@link Builder#maxRetries(int)} times (default 2), waiting 0.5 s, 1 s, 2 s … (at most 8 s, less
 * up to 25% jitter), or what the server asks for with {@code retry-after-ms} or {@code Retry-After}
 * (seconds or an HTTP date) when that is at most 60 s. Other 4xx and bodies that are not the
 * contract are never retried. The exception thrown at the end says how many attempts were made.
 * Async calls wait between attempts without blocking a thread. Nothing else repeats a generation,
 * which is billed each time: OkHttp's own silent retries of a sent request are off for API calls,
 * so {@code maxRetries(0)} sends exactly one request.
 */
public final class TogetherImages implements AutoCloseable {
  /** The API's base URL, from the spec's {@code servers}. */
  public static final String DEFAULT_BASE_URL = "https://api.together.ai/v1/";

  /** The model used when neither the request nor the builder names one. */
  public static final String DEFAULT_MODEL = "black-forest-labs/FLUX.1-schnell-Free";

  /** The environment variable {@link #fromEnv()} reads the API key from. */
  public static final String API_KEY_ENV = "TOGETHER_API_KEY";

  /** The environment variable {@link #fromEnv()} reads an optional base URL from. */
  public static final String BASE_URL_ENV = "TOGETHER_BASE_URL";

  static final String VERSION = readVersion();

  /** The default of {@link Builder#maxResponseBytes(long)}. */
  static final long DEFAULT_MAX_RESPONSE_BYTES = 256L * 1024 * 1024;

  private static final ByteString UTF8_BOM = ByteString.decodeHex("efbbbf");
  private static final JsonAdapter<ImageResponse> RESPONSE_JSON =
      JSON.moshi().adapter(ImageResponse.class);

  private final HttpUrl baseUrl;
  private final String defaultModel;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Duration callTimeout;
  private final Headers defaultHeaders;
  private final String apiKey;
  private final @Nullable OkHttpClient callerClient;

  /**
   * The client before our interceptor and timeouts: the pools and threads derived clients share.
   */
  private final OkHttpClient base;

  private final OkHttpClient http;
  private final ImagesApi api;
  private final RetryPolicy retries;
  private final Retrier retrier;
  private final ApiCall calls;
  private final Downloader downloader;
  private final long maxResponseBytes;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TogetherImages(Builder builder, String apiKey, HttpUrl baseUrl) {
    this.apiKey = apiKey;
    this.baseUrl = baseUrl;
    this.defaultModel = builder.defaultModel;
    this.connectTimeout = builder.connectTimeout;
    this.readTimeout = builder.readTimeout;
    this.callTimeout = builder.callTimeout;
    this.defaultHeaders = builder.headers.build();
    this.callerClient = builder.okHttpClient;
    this.maxResponseBytes = builder.maxResponseBytes;
    this.retries =
        builder.retryPolicy != null
            ? builder.retryPolicy
            : RetryPolicy.standard(builder.maxRetries);
    this.base = callerClient != null ? callerClient : new OkHttpClient();
    this.http =
        base.newBuilder()
            .connectTimeout(connectTimeout)
            .readTimeout(readTimeout)
            .writeTimeout(readTimeout)
            .callTimeout(callTimeout)
            // Only RetryPolicy repeats a generation (each one is billed): left on, OkHttp sends a
            // request again by itself after a 408, or when a pooled connection fails once the
            // request is sent, which neither maxRetries nor attempts() would count. Failing to
            // connect to one of a host's addresses still falls back to the next.
            .retryOnConnectionFailure(false)
            .addInterceptor(
                new ApiInterceptor(
                    baseUrl, apiKey, userAgent(), defaultHeaders, builder.maxResponseBytes))
            .addNetworkInterceptor(ApiInterceptor.NO_SILENT_RETRY_ON_503)
            .build();
    // Downloads of url results share the pools but never see the API interceptor: no key leaves.
    this.downloader =
        new Downloader(
            base.newBuilder()
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .callTimeout(callTimeout)
                .build(),
            retries,
            builder.maxDownloadBytes,
            userAgent(),
            apiKey);
    this.retrier = new Retrier(retries);
    this.calls = new ApiCall(http, apiKey);
    this.api =
        new Retrofit.Builder()
            .baseUrl(baseUrl)
            .client(http)
            .addConverterFactory(MoshiConverterFactory.create(JSON.moshi()))
            .build()
            .create(ImagesApi.class);
  }

  /**
   * Returns a client configured from the environment: {@code TOGETHER_API_KEY} (required) and
   * {@code TOGETHER_BASE_URL} (optional).
   *
   * @return a new client
   * @throws IllegalStateException if {@code TOGETHER_API_KEY} is unset or blank
   */
  public static TogetherImages fromEnv() {
    return fromEnv(System::getenv);
  }

  static TogetherImages fromEnv(Function<String, @Nullable String> env) {
    String key = env.apply(API_KEY_ENV);
    if (key == null || key.isBlank()) {
      throw new IllegalStateException(
          API_KEY_ENV
              + " is not set: create an API key at https://api.together.ai/settings/api-keys"
              + " and export "
              + API_KEY_ENV
              + "=<your key>");
    }
    Builder builder = builder().apiKey(key.strip());
    String baseUrl = env.apply(BASE_URL_ENV);
    if (baseUrl != null && !baseUrl.isBlank()) {
      builder.baseUrl(baseUrl.strip());
    }
    return builder.build();
  }

  /**
   * Returns a new builder; {@link Builder#apiKey(String)} must be called.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this client's configuration. A client built from it shares this
   * client's connection pool and threads, like {@link OkHttpClient#newBuilder()}; they stay owned
   * by this client, so close the derived client's parent last.
   *
   * @return a new builder
   */
  public Builder newBuilder() {
    Builder builder = new Builder();
    builder.apiKey = apiKey;
    builder.baseUrl = baseUrl.toString();
    builder.defaultModel = defaultModel;
    builder.maxRetries = retries.maxRetries;
    builder.connectTimeout = connectTimeout;
    builder.readTimeout = readTimeout;
    builder.callTimeout = callTimeout;
    builder.okHttpClient = base;
    builder.headers.addAll(defaultHeaders);
    builder.maxDownloadBytes = downloader.maxBytes();
    builder.maxResponseBytes = maxResponseBytes;
    return builder;
  }

  /**
   * Generates one 1024×1024 image of {@code prompt} with the default model.
   *
   * @param prompt what the image should show
   * @return the result
   * @throws IllegalArgumentException if the prompt is blank
   * @throws TogetherException if the call fails
   */
  public ImageGenerationResult generate(String prompt) {
    return generate(ImageGenerationRequest.of(prompt));
  }

  /**
   * Generates the images {@code request} describes, retrying as the class documentation says.
   *
   * @param request the request
   * @return the result
   * @throws TogetherException if the call fails; the subclass says why
   * @throws IllegalStateException if the client is closed
   */
  public ImageGenerationResult generate(ImageGenerationRequest request) {
    requireNonNull(request, "request == null");
    Request call = newRequest(request.toWire(defaultModel));
    try {
      return retrier.run(attempt -> calls.execute(call, this::readResult, attempt));
    } finally {
      releaseIfClosed();
    }
  }

  /**
   * Generates one 1024×1024 image of {@code prompt} without blocking the calling thread.
   *
   * @param prompt what the image should show
   * @return a future of the result; cancelling it cancels the HTTP call
   * @throws IllegalArgumentException if the prompt is blank
   */
  public CompletableFuture<ImageGenerationResult> generateAsync(String prompt) {
    return generateAsync(ImageGenerationRequest.of(prompt));
  }

  /**
   * Generates the images {@code request} describes without blocking the calling thread.
   *
   * <p>The call runs on OkHttp's dispatcher; retries are scheduled without blocking a thread. The
   * future completes exceptionally with a {@link TogetherException} on failure. Cancelling the
   * future cancels the HTTP call in flight and any retry not yet sent.
   *
   * @param request the request
   * @return a future of the result; cancelling or completing it (e.g. by {@code orTimeout} or
   *     {@code completeOnTimeout}) cancels the HTTP call
   * @throws IllegalStateException if the client is closed (thrown, not through the future)
   */
  public CompletableFuture<ImageGenerationResult> generateAsync(ImageGenerationRequest request) {
    requireNonNull(request, "request == null");
    Request call = newRequest(request.toWire(defaultModel));
    CompletableFuture<ImageGenerationResult> future =
        retrier.runAsync(
            (attempt, done) -> calls.enqueue(call, this::readResult, attempt, done),
            () -> !(closed.get() && callerClient == null),
            ApiCall::notStarted);
    future.whenComplete((result, error) -> releaseIfClosed());
    return future;
  }

  /**
   * Generates the images {@code request} describes and saves them into {@code directory} as {@code
   * image_<index>.<ext>}. See {@link #generateAndSave(ImageGenerationRequest, Path, String,
   * SaveOption...)}.
   *
   * @param request the request
   * @param directory the directory, created if missing
   * @param options {@link SaveOption#OVERWRITE}, {@link SaveOption#KEEP_EXTENSION}
   * @return what was written, with the response's metadata
   */
  public SavedImages generateAndSave(
      ImageGenerationRequest request, Path directory, SaveOption... options) {
    return generateAndSave(request, directory, ImageFiles.DEFAULT_PATTERN, options);
  }

  /**
   * Generates the images {@code request} describes and streams them from the response straight into
   * files in {@code directory}, named by {@code namePattern} with {@code {index}} replaced and the
   * extension their bytes call for.
   *
   * <p>This is the fast path for large images. Each {@code b64_json} is decoded while it is read
   * from the network into a hidden temporary file, so neither the base64 text nor the decoded image
   * is ever whole in memory: a call needs about 200 KiB of buffers, whatever {@code n} and the
   * image size. The files are moved to their names only once the whole response has been read, so a
   * failure, retried or not, leaves no file behind. A request that names no {@code response_format}
   * asks for base64; {@code url} results are downloaded as {@link GeneratedImage#saveTo} does.
   * Naming, {@link SaveOption#OVERWRITE} and {@link SaveOption#KEEP_EXTENSION} work as in {@link
   * ImageGenerationResult#saveAll(Path, String, SaveOption...)}. Retries are as for {@link
   * #generate(ImageGenerationRequest)}, and a body cut off midway is retried too, since nothing of
   * it was kept.
   *
   * @param request the request
   * @param directory the directory, created if missing
   * @param namePattern a file name containing {@code {index}} when {@code n > 1}
   * @param options {@link SaveOption#OVERWRITE}, {@link SaveOption#KEEP_EXTENSION}
   * @return what was written, with the response's metadata
   * @throws TogetherException if the call fails; {@link MalformedResponseException} for a body that
   *     is not the contract, invalid base64 or bytes that are no image
   * @throws UncheckedIOException if a file cannot be written
   */
  public SavedImages generateAndSave(
      ImageGenerationRequest request, Path directory, String namePattern, SaveOption... options) {
    requireNonNull(request, "request == null");
    requireNonNull(directory, "directory == null");
    requireNonNull(namePattern, "namePattern == null");
    ImageFiles.checkPattern(namePattern, request.n());
    ImageFiles.has(options, SaveOption.OVERWRITE);
    ImageRequest wire = request.toWire(defaultModel);
    if (wire.responseFormat() == null) {
      wire = wire.toBuilder().responseFormat(ImageRequest.ResponseFormatEnum.BASE64).build();
    }
    Request call = newRequest(wire);
    ApiCall.BodyReader<SavedImages> save =
        response ->
            new StreamingSave(directory, namePattern, options, downloader)
                .save(response.body().source());
    try {
      return retrier.run(attempt -> calls.execute(call, save, attempt));
    } finally {
      releaseIfClosed();
    }
  }

  /**
   * Returns the base URL calls go to.
   *
   * @return the base URL, ending in {@code /}
   */
  public String baseUrl() {
    return baseUrl.toString();
  }

  /**
   * Returns the model used when a request names none.
   *
   * @return the default model
   */
  public String defaultModel() {
    return defaultModel;
  }

  /** Returns the OkHttp client this client sends with (its auth interceptor included). */
  OkHttpClient httpClient() {
    return http;
  }

  /**
   * Releases the threads and pooled connections this client created. A caller-supplied {@link
   * OkHttpClient} is left to its owner.
   *
   * <p>Calls made after closing throw {@link IllegalStateException}. Calls already running
   * complete, and their connections are closed as each one ends; async calls still waiting for a
   * dispatcher thread fail at once with an {@link ApiConnectionException} saying the client is
   * closed, and are not retried.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && callerClient == null) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  /** After close(), a call that just ended hands back a connection nobody will use: close it. */
  private void releaseIfClosed() {
    if (closed.get() && callerClient == null) {
      http.connectionPool().evictAll();
    }
  }

  @Override
  public String toString() {
    return "TogetherImages{baseUrl="
        + baseUrl
        + ", defaultModel="
        + defaultModel
        + ", maxRetries="
        + retries.maxRetries
        + ", apiKey=██}";
  }

  /**
   * The HTTP request for {@code wire}, as the generated {@link ImagesApi} describes it (path,
   * method, JSON body); {@link ApiCall} sends it.
   */
  private Request newRequest(ImageRequest wire) {
    if (closed.get()) {
      throw new IllegalStateException("client is closed");
    }
    return api.generateImages(wire).request();
  }

  /** Reads a 2xx answer of {@code POST /images/generations} as Retrofit's Moshi converter would. */
  private ImageGenerationResult readResult(okhttp3.Response response) throws IOException {
    int status = response.code();
    if (status == 204 || status == 205) {
      throw new JsonDataException("HTTP " + status + " without a body");
    }
    BufferedSource source = response.body().source();
    if (source.rangeEquals(0, UTF8_BOM)) {
      source.skip(UTF8_BOM.size());
    }
    JsonReader reader = JsonReader.of(source);
    ImageResponse body = RESPONSE_JSON.fromJson(reader);
    if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
      throw new JsonDataException("JSON document was not fully consumed.");
    }
    if (body == null) {
      throw new JsonDataException("HTTP " + status + " with a null body");
    }
    return ImageGenerationResult.of(body, downloader);
  }

  private String userAgent() {
    return "together4j/" + VERSION + " Java/" + System.getProperty("java.version");
  }

  private static String readVersion() {
    Properties properties = new Properties();
    try (InputStream in = TogetherImages.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // Fall through to "unknown".
    }
    return properties.getProperty("version", "unknown");
  }

  /** Builds {@link TogetherImages} clients. */
  public static final class Builder {
    private @Nullable String apiKey;
    private String baseUrl = DEFAULT_BASE_URL;
    private String defaultModel = DEFAULT_MODEL;
    private int maxRetries = 2;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofMinutes(2);
    private Duration callTimeout = Duration.ofMinutes(5);
    private @Nullable OkHttpClient okHttpClient;
    private final Headers.Builder headers = new Headers.Builder();
    private @Nullable RetryPolicy retryPolicy;
    private long maxDownloadBytes = Downloader.DEFAULT_MAX_BYTES;
    private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;

    private Builder() {}

    /**
     * Sets the Together API key, sent as {@code Authorization: Bearer <key>}. Required.
     *
     * @param apiKey the key
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      this.apiKey = requireNonNull(apiKey, "apiKey == null");
      return this;
    }

    /**
     * Sets the API's base URL (default {@value #DEFAULT_BASE_URL}). Plain {@code http://} is
     * accepted only for loopback hosts, so the key never crosses a network unencrypted.
     *
     * @param baseUrl the base URL, e.g. {@code http://127.0.0.1:8080/v1}
     * @return this builder
     */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = requireNonNull(baseUrl, "baseUrl == null");
      return this;
    }

    /**
     * Sets the model used when a request names none (default {@value #DEFAULT_MODEL}).
     *
     * @param defaultModel the model
     * @return this builder
     */
    public Builder defaultModel(String defaultModel) {
      requireNonNull(defaultModel, "defaultModel == null");
      Validation.checkModel(defaultModel);
      this.defaultModel = defaultModel;
      return this;
    }

    /**
     * Sets how many times a failed call is retried (default 2; 0 disables retries).
     *
     * @param maxRetries 0 or more
     * @return this builder
     */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException(
            "maxRetries = " + maxRetries + " is out of range: allowed is 0 or more");
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Sets the timeout for opening a connection (default 10 s).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * Sets the longest silence allowed while waiting for or reading the response (default 2
     * minutes). Together sends nothing until the images are ready, which can take a minute for
     * large or slow models, so this is longer than a typical API's.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive("readTimeout", timeout);
      return this;
    }

    /**
     * Sets the limit on one whole HTTP attempt, from connecting to the last byte of the body
     * (default 5 minutes: a slow generation plus a body of tens of megabytes). Time an async call
     * spends queued behind others (OkHttp runs at most 5 at a time per host) is not counted; for a
     * deadline on the whole call, cancel its future or use {@code orTimeout}: either cancels the
     * HTTP call too.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = positive("callTimeout", timeout);
      return this;
    }

    /**
     * Sends through {@code client}, sharing its connection pool and threads; the timeouts and
     * headers of this builder still apply. {@link TogetherImages#close()} leaves it open.
     *
     * @param client the OkHttp client to share
     * @return this builder
     */
    public Builder okHttpClient(OkHttpClient client) {
      this.okHttpClient = requireNonNull(client, "client == null");
      return this;
    }

    /**
     * Adds a header sent with every API call, e.g. for a proxy. {@code Authorization} is set from
     * the API key and cannot be added here.
     *
     * @param name the header name
     * @param value the header value; CR and LF are refused
     * @return this builder
     */
    public Builder addHeader(String name, String value) {
      requireNonNull(name, "name == null");
      requireNonNull(value, "value == null");
      if (name.equalsIgnoreCase("Authorization")) {
        throw new IllegalArgumentException("Authorization is set from apiKey: call apiKey(String)");
      }
      Validation.checkHeaderName(name);
      headers.add(name, value);
      return this;
    }

    /**
     * Sets the largest image a {@code url} result may download (default 50 MiB), enforced while
     * streaming: a larger download is abandoned with a {@link MalformedResponseException}.
     *
     * @param maxBytes 1 or more
     * @return this builder
     */
    public Builder maxDownloadBytes(long maxBytes) {
      if (maxBytes < 1) {
        throw new IllegalArgumentException(
            "maxDownloadBytes = " + maxBytes + " is out of range: allowed is 1 or more");
      }
      this.maxDownloadBytes = maxBytes;
      return this;
    }

    /**
     * Sets the largest API response body read (default 256 MiB, room for four 4096×4096 PNGs as
     * base64), enforced while reading: a larger response fails with a {@link
     * MalformedResponseException} and is not retried, so a broken or hostile server cannot exhaust
     * memory.
     *
     * @param maxBytes 1 or more
     * @return this builder
     */
    public Builder maxResponseBytes(long maxBytes) {
      if (maxBytes < 1) {
        throw new IllegalArgumentException(
            "maxResponseBytes = " + maxBytes + " is out of range: allowed is 1 or more");
      }
      this.maxResponseBytes = maxBytes;
      return this;
    }

    Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = retryPolicy;
      return this;
    }

    /**
     * Returns a new client.
     *
     * @return the client
     * @throws IllegalStateException if no API key was set, or the classpath holds an OkHttp other
     *     than 5.x or an Okio too old for it (the message names the jars and the fix)
     * @throws IllegalArgumentException if the base URL is invalid, or plain http to a host that is
     *     not loopback
     */
    public TogetherImages build() {
      RuntimeDependencies.verify();
      if (apiKey == null || apiKey.isBlank()) {
        throw new IllegalStateException(
            "apiKey is required: call apiKey(String), or use TogetherImages.fromEnv() with "
                + API_KEY_ENV
                + " set");
      }
      for (int i = 0; i < apiKey.length(); i++) {
        char c = apiKey.charAt(i);
        if (c <= ' ' || c >= 0x7f) {
          // The key itself is never part of the message.
          throw new IllegalArgumentException(
              "apiKey has a character that cannot be sent in a header (code "
                  + (int) c
                  + " at position "
                  + i
                  + "): check for a line break or space copied with it");
        }
      }
      HttpUrl url = HttpUrl.parse(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
      if (url == null) {
        throw new IllegalArgumentException("baseUrl = " + baseUrl + " is not an http or https URL");
      }
      if (url.scheme().equals("http") && !Addresses.isLoopback(url.host())) {
        throw new IllegalArgumentException(
            "refusing to send the API key over plain http to "
                + url.host()
                + ": use https, or a loopback host (localhost, 127.0.0.1, ::1) for tests");
      }
      return new TogetherImages(this, apiKey, url);
    }

    private static Duration positive(String name, Duration timeout) {
      requireNonNull(timeout, name + " == null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(
            name + " = " + timeout + " is out of range: allowed is a positive duration");
      }
      return timeout;
    }
  }
}
