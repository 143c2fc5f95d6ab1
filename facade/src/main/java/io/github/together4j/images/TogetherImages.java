package io.github.together4j.images;

import static java.util.Objects.requireNonNull;

import io.github.together4j.images.generated.JSON;
import io.github.together4j.images.generated.api.ImagesApi;
import io.github.together4j.images.generated.model.ImageRequest;
import io.github.together4j.images.generated.model.ImageResponse;
import io.github.together4j.images.internal.RuntimeDependencies;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.jspecify.annotations.Nullable;
import retrofit2.Call;
import retrofit2.Callback;
import retrofit2.Response;
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

  private static final com.squareup.moshi.JsonAdapter<ImageRequest> REQUEST_JSON =
      JSON.moshi().adapter(ImageRequest.class);
  private static final MediaType JSON_UTF8 = MediaType.get("application/json; charset=UTF-8");

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
    Call<ImageResponse> call = newCall(request);
    try {
      return execute(call);
    } finally {
      releaseIfClosed();
    }
  }

  private ImageGenerationResult execute(Call<ImageResponse> first) {
    Call<ImageResponse> call = first;
    for (int attempt = 1; ; attempt++) {
      Attempt outcome;
      try {
        outcome = Attempt.of(call.execute(), downloader);
      } catch (IOException | RuntimeException e) {
        outcome = Attempt.failed(e);
      }
      if (outcome.result != null) {
        return outcome.result;
      }
      if (!outcome.retryable || !retries.mayRetry(attempt)) {
        throw outcome.exception(attempt, apiKey);
      }
      outcome.discard();
      try {
        retries.sleeper.sleep(retries.delay(attempt, outcome.headers));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ErrorMapper.fromThrowable(
            new InterruptedIOException("interrupted while waiting to retry"), 0, null, attempt);
      }
      call = call.clone();
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
    AsyncAttempts attempts = new AsyncAttempts(newCall(request));
    attempts.start();
    return attempts.future;
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
    if (closed.get()) {
      throw new IllegalStateException("client is closed");
    }
    ImageRequest wire = request.toWire(defaultModel);
    if (wire.responseFormat() == null) {
      wire = wire.toBuilder().responseFormat(ImageRequest.ResponseFormatEnum.BASE64).build();
    }
    Request call =
        new Request.Builder()
            .url(baseUrl.resolve("images/generations"))
            .post(
                RequestBody.create(
                    REQUEST_JSON.toJson(wire).getBytes(StandardCharsets.UTF_8), JSON_UTF8))
            .build();
    try {
      return stream(call, directory, namePattern, options);
    } finally {
      releaseIfClosed();
    }
  }

  private SavedImages stream(
      Request call, Path directory, String namePattern, SaveOption[] options) {
    for (int attempt = 1; ; attempt++) {
      Headers headers = null;
      try (okhttp3.Response response = http.newCall(call).execute()) {
        headers = response.headers();
        if (!response.isSuccessful()) {
          if (!RetryPolicy.isRetryableStatus(response.code()) || !retries.mayRetry(attempt)) {
            throw ErrorMapper.fromStatus(
                response.code(), headers, response.body(), attempt, apiKey);
          }
        } else {
          try {
            return new StreamingSave(directory, namePattern, options, downloader)
                .save(response.body().source());
          } catch (InvalidImageDataException e) {
            throw new MalformedResponseException(
                ErrorMapper.redact(e.getMessage(), apiKey),
                new TogetherException.Failure(
                    response.code(),
                    null,
                    null,
                    null,
                    null,
                    ErrorMapper.requestId(headers, apiKey),
                    attempt),
                ErrorMapper.redactCause(e, apiKey));
          }
        }
      } catch (IOException e) {
        if (!ErrorMapper.isRetryable(e) || !retries.mayRetry(attempt)) {
          throw ErrorMapper.fromThrowable(e, headers == null ? 0 : 200, headers, attempt, apiKey);
        }
      } catch (com.squareup.moshi.JsonDataException e) {
        throw ErrorMapper.fromThrowable(e, 200, headers, attempt, apiKey);
      }
      try {
        retries.sleeper.sleep(retries.delay(attempt, headers));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ErrorMapper.fromThrowable(
            new InterruptedIOException("interrupted while waiting to retry"), 0, null, attempt);
      }
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

  private Call<ImageResponse> newCall(ImageGenerationRequest request) {
    requireNonNull(request, "request == null");
    if (closed.get()) {
      throw new IllegalStateException("client is closed");
    }
    return api.generateImages(request.toWire(defaultModel));
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

  /** The outcome of one HTTP attempt: a result, or what to throw and whether to retry. */
  private static final class Attempt {
    final @Nullable ImageGenerationResult result;
    final int status;
    final @Nullable Headers headers;
    final @Nullable Response<ImageResponse> response;
    final @Nullable Throwable error;
    final boolean retryable;

    private Attempt(
        @Nullable ImageGenerationResult result,
        int status,
        @Nullable Headers headers,
        @Nullable Response<ImageResponse> response,
        @Nullable Throwable error,
        boolean retryable) {
      this.result = result;
      this.status = status;
      this.headers = headers;
      this.response = response;
      this.error = error;
      this.retryable = retryable;
    }

    static Attempt of(Response<ImageResponse> response, Downloader downloader) {
      if (!response.isSuccessful()) {
        return new Attempt(
            null,
            response.code(),
            response.headers(),
            response,
            null,
            RetryPolicy.isRetryableStatus(response.code()));
      }
      ImageResponse body = response.body();
      if (body == null) {
        return new Attempt(
            null,
            response.code(),
            response.headers(),
            null,
            new com.squareup.moshi.JsonDataException("HTTP " + response.code() + " without a body"),
            false);
      }
      try {
        return new Attempt(
            ImageGenerationResult.of(body, downloader),
            response.code(),
            response.headers(),
            null,
            null,
            false);
      } catch (IllegalStateException e) {
        return new Attempt(
            null,
            response.code(),
            response.headers(),
            null,
            new com.squareup.moshi.JsonDataException(e.getMessage()),
            false);
      }
    }

    /** An attempt that threw; a body that failed to parse keeps the status it came with. */
    static Attempt failed(Throwable error) {
      ApiInterceptor.Seen seen = ApiInterceptor.takeLastSeen();
      if (seen != null && ErrorMapper.isMalformed(error)) {
        return new Attempt(null, seen.status(), seen.headers(), null, error, false);
      }
      return new Attempt(null, 0, null, null, error, ErrorMapper.isRetryable(error));
    }

    /** Releases the connection of an error response that will not be reported. */
    void discard() {
      if (response != null && response.errorBody() != null) {
        response.errorBody().close();
      }
    }

    TogetherException exception(int attempts, String secret) {
      if (response != null) {
        return ErrorMapper.fromStatus(
            response.code(), response.headers(), response.errorBody(), attempts, secret);
      }
      return ErrorMapper.fromThrowable(requireNonNull(error), status, headers, attempts, secret);
    }
  }

  /** Drives the attempts of one async call; each runs on OkHttp's dispatcher. */
  private final class AsyncAttempts implements Callback<ImageResponse> {
    final CompletableFuture<ImageGenerationResult> future =
        new CompletableFuture<>() {
          @Override
          public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
              current.cancel();
            }
            return cancelled;
          }
        };
    private volatile Call<ImageResponse> current;
    private int attempt = 1;

    AsyncAttempts(Call<ImageResponse> first) {
      this.current = first;
    }

    void start() {
      // However the future completes (orTimeout and completeOnTimeout do it without cancel()),
      // the call in flight ends with it; after a completion of our own it has ended already.
      future.whenComplete((result, error) -> current.cancel());
      current.enqueue(this);
    }

    @Override
    public void onResponse(Call<ImageResponse> call, Response<ImageResponse> response) {
      handle(Attempt.of(response, downloader));
    }

    @Override
    public void onFailure(Call<ImageResponse> call, Throwable t) {
      handle(Attempt.failed(t));
    }

    private void handle(Attempt outcome) {
      try {
        complete(outcome);
      } finally {
        if (future.isDone()) {
          releaseIfClosed();
        }
      }
    }

    private void complete(Attempt outcome) {
      if (future.isDone()) {
        outcome.discard();
        return;
      }
      if (outcome.result == null && closed.get() && callerClient == null) {
        // The dispatcher's executor is shut down: a retry could never start.
        boolean neverStarted =
            outcome.error instanceof InterruptedIOException
                && "executor rejected".equals(outcome.error.getMessage());
        future.completeExceptionally(
            neverStarted ? closedBeforeStart() : outcome.exception(attempt, apiKey));
        return;
      }
      if (outcome.result != null) {
        future.complete(outcome.result);
        return;
      }
      if (!outcome.retryable || !retries.mayRetry(attempt)) {
        future.completeExceptionally(outcome.exception(attempt, apiKey));
        return;
      }
      outcome.discard();
      retries.scheduler.schedule(retries.delay(attempt, outcome.headers), this::retry);
    }

    private void retry() {
      if (future.isDone()) {
        return;
      }
      if (closed.get() && callerClient == null) {
        future.completeExceptionally(closedBeforeStart());
        return;
      }
      attempt++;
      Call<ImageResponse> next = current.clone();
      current = next;
      if (future.isCancelled()) {
        next.cancel();
        return;
      }
      next.enqueue(this);
    }

    private TogetherException closedBeforeStart() {
      return ErrorMapper.fromThrowable(
          new java.io.IOException("client is closed: the call had not started, and is not retried"),
          0,
          null,
          attempt);
    }
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
