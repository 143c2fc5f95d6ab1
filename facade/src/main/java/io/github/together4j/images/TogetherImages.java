package io.github.together4j.images;

import static java.util.Objects.requireNonNull;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Types;
import io.github.together4j.images.generated.JSON;
import io.github.together4j.images.generated.api.ImagesApi;
import io.github.together4j.images.generated.api.ModelsApi;
import io.github.together4j.images.generated.model.ImageRequest;
import io.github.together4j.images.generated.model.ModelInfo;
import io.github.together4j.images.internal.RuntimeDependencies;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okhttp3.Request;
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

  /** The schemas a 2xx answer must match, named in the message when it does not. */
  private static final String GENERATION = "ImageResponse";

  private static final String MODEL_LIST = "ModelInfoList";

  private static final JsonAdapter<List<@Nullable ModelInfo>> MODELS_JSON =
      JSON.moshi().adapter(Types.newParameterizedType(List.class, ModelInfo.class));

  private final ClientSettings settings;
  private final Transport transport;
  private final ImagesApi images;
  private final ModelsApi models;
  private final ApiCall calls;
  private final Downloader downloader;
  private final ModelSuggestions suggestions = new ModelSuggestions();
  private final ApiCall.BodyReader<ImageGenerationResult> results;
  private final ApiCall.BodyReader<List<ImageModelInfo>> modelList;

  private TogetherImages(ClientSettings settings) {
    this.settings = settings;
    this.transport = new Transport(settings);
    RetryPolicy retries = settings.retries();
    this.calls = new ApiCall(transport, new Retrier(retries), settings.apiKey(), suggestions);
    this.downloader =
        new Downloader(
            transport.downloads,
            retries,
            settings.maxDownloadBytes(),
            Transport.USER_AGENT,
            settings.apiKey());
    this.results =
        response -> {
          JsonBody.Generation read = JsonBody.readGeneration(response);
          return ImageGenerationResult.of(read.response(), read.base64(), downloader);
        };
    this.modelList =
        response -> {
          List<ImageModelInfo> all =
              ImageModelInfo.sortedById(JsonBody.read(response, MODELS_JSON), downloader::redacted);
          suggestions.remember(all);
          return all;
        };
    // Retrofit describes each call (method, path, query, JSON body); ApiCall sends it.
    Retrofit retrofit =
        new Retrofit.Builder()
            .baseUrl(settings.baseUrl())
            .client(transport.api)
            .addConverterFactory(MoshiConverterFactory.create(JSON.moshi()))
            .build();
    this.images = retrofit.create(ImagesApi.class);
    this.models = retrofit.create(ModelsApi.class);
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

  /** {@return a new builder}; {@link Builder#apiKey(String)} must be called. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return a builder holding this client's configuration} A client built from it shares this
   * client's connection pool and threads, like {@link OkHttpClient#newBuilder()}; they stay owned
   * by this client, so close the derived client's parent last.
   */
  public Builder newBuilder() {
    return new Builder(settings, transport.shared);
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
    return calls.run(newRequest(request.toWire(settings.defaultModel())), GENERATION, results);
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
    return calls.runAsync(newRequest(request.toWire(settings.defaultModel())), GENERATION, results);
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
    return calls.run(
        newRequest(StreamingSave.request(request.toWire(settings.defaultModel()))),
        GENERATION,
        response ->
            new StreamingSave(directory, namePattern, options, downloader)
                .save(response.body().source()));
  }

  /**
   * One attempt of {@link #generateAndSave(ImageGenerationRequest, Path, String, SaveOption...)}
   * with {@link SaveOption#OVERWRITE}, never retried: {@link ImageBatch} runs its own retries, so
   * that a 429 slows the whole batch down instead of being retried blindly.
   */
  Retrier.Outcome<BatchRunner.Saved> saveOnce(
      ImageGenerationRequest request, Path directory, String namePattern, int attempt) {
    return calls.once(
        newRequest(StreamingSave.request(request.toWire(settings.defaultModel()))),
        GENERATION,
        response ->
            new BatchRunner.Saved(
                new StreamingSave(
                        directory, namePattern, new SaveOption[] {SaveOption.OVERWRITE}, downloader)
                    .save(response.body().source()),
                ErrorMapper.requestId(response.headers(), settings.apiKey())),
        attempt);
  }

  /** The retry policy of this client: its backoff and its budget of retries per call. */
  RetryPolicy retryPolicy() {
    return settings.retries();
  }

  /**
   * Lists Together's image models ({@code GET /models}, those of type {@value
   * ImageModelInfo#IMAGE}), sorted by id. Retries, errors and timeouts are as for {@link
   * #generate(ImageGenerationRequest)}. Once a list has been fetched, an exception refusing a
   * generation's unknown model names the closest image models in its message.
   *
   * @return the image models, unmodifiable
   * @throws TogetherException if the call fails; the subclass says why
   * @throws IllegalStateException if the client is closed
   */
  public List<ImageModelInfo> imageModels() {
    return onlyImages(models());
  }

  /**
   * Lists every model Together serves ({@code GET /models}), sorted by id, whatever its {@link
   * ImageModelInfo#type()}: a type this library does not know is passed through.
   *
   * @return the models, unmodifiable
   * @throws TogetherException if the call fails; the subclass says why
   * @throws IllegalStateException if the client is closed
   */
  public List<ImageModelInfo> models() {
    return calls.run(modelsRequest(), MODEL_LIST, modelList);
  }

  /**
   * Lists Together's image models, as {@link #imageModels()} does, without blocking the calling
   * thread.
   *
   * @return a future of the image models; cancelling it cancels the HTTP call
   * @throws IllegalStateException if the client is closed (thrown, not through the future)
   */
  public CompletableFuture<List<ImageModelInfo>> imageModelsAsync() {
    return modelsAsync().thenApply(TogetherImages::onlyImages);
  }

  /**
   * Lists every model, as {@link #models()} does, without blocking the calling thread.
   *
   * @return a future of the models; cancelling it cancels the HTTP call
   * @throws IllegalStateException if the client is closed (thrown, not through the future)
   */
  public CompletableFuture<List<ImageModelInfo>> modelsAsync() {
    return calls.runAsync(modelsRequest(), MODEL_LIST, modelList);
  }

  /** {@return the base URL calls go to, ending in {@code /}} */
  public String baseUrl() {
    return settings.baseUrl().toString();
  }

  /** {@return the model used when a request names none} */
  public String defaultModel() {
    return settings.defaultModel();
  }

  /** Returns the OkHttp client this client sends with (its auth interceptor included). */
  OkHttpClient httpClient() {
    return transport.api;
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
    transport.close();
  }

  @Override
  public String toString() {
    return "TogetherImages" + settings;
  }

  /**
   * The HTTP request for {@code wire}, as the generated {@link ImagesApi} describes it (path,
   * method, JSON body); {@link ApiCall} sends it.
   */
  private Request newRequest(ImageRequest wire) {
    transport.checkOpen();
    return images.generateImages(wire).request();
  }

  private Request modelsRequest() {
    transport.checkOpen();
    return models.models(null).request();
  }

  private static List<ImageModelInfo> onlyImages(List<ImageModelInfo> models) {
    return models.stream().filter(ImageModelInfo::isImage).toList();
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
    private long maxResponseBytes = ApiInterceptor.DEFAULT_MAX_RESPONSE_BYTES;
    private boolean logRequests;
    private boolean logResponses;

    private Builder() {}

    /** Starts from {@code settings}, sending through {@code shared}'s pools and threads. */
    private Builder(ClientSettings settings, OkHttpClient shared) {
      apiKey = settings.apiKey();
      baseUrl = settings.baseUrl().toString();
      defaultModel = settings.defaultModel();
      maxRetries = settings.retries().maxRetries;
      connectTimeout = settings.connectTimeout();
      readTimeout = settings.readTimeout();
      callTimeout = settings.callTimeout();
      okHttpClient = shared;
      headers.addAll(settings.headers());
      maxDownloadBytes = settings.maxDownloadBytes();
      maxResponseBytes = settings.maxResponseBytes();
      logRequests = settings.logRequests();
      logResponses = settings.logResponses();
    }

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
      Validation.checkMinimum("maxRetries", maxRetries, 0);
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
      this.connectTimeout = Validation.checkPositive("connectTimeout", timeout);
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
      this.readTimeout = Validation.checkPositive("readTimeout", timeout);
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
      this.callTimeout = Validation.checkPositive("callTimeout", timeout);
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
      Validation.checkMinimum("maxDownloadBytes", maxBytes, 1);
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
      Validation.checkMinimum("maxResponseBytes", maxBytes, 1);
      this.maxResponseBytes = maxBytes;
      return this;
    }

    /**
     * Logs every API request at INFO (default off): method, URL, headers with the {@code
     * Authorization} value redacted, and the JSON body with any occurrence of the key redacted.
     * Without it, the same lines minus the body are logged at DEBUG. The logger is {@code
     * io.github.together4j.images} ({@link System.Logger}).
     *
     * @param logRequests true to log requests at INFO
     * @return this builder
     */
    public Builder logRequests(boolean logRequests) {
      this.logRequests = logRequests;
      return this;
    }

    /**
     * Logs every API response at INFO (default off): status, URL, time taken, headers with secrets
     * redacted, and the start of the body (at most {@value ApiInterceptor#MAX_LOGGED_BODY} bytes,
     * so a response carrying base64 images is not copied into the log whole). Downloads of url
     * results are logged at DEBUG only, as without this option.
     *
     * @param logResponses true to log responses at INFO
     * @return this builder
     */
    public Builder logResponses(boolean logResponses) {
      this.logResponses = logResponses;
      return this;
    }

    Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = retryPolicy;
      return this;
    }

    /**
     * {@return a new client}
     *
     * @throws IllegalStateException if no API key was set, or the classpath holds an OkHttp other
     *     than 5.x or an Okio too old for it (the message names the jars and the fix)
     * @throws IllegalArgumentException if the base URL is invalid, or plain http to a host that is
     *     not loopback
     */
    public TogetherImages build() {
      RuntimeDependencies.verify();
      Validation.checkApiKey(apiKey);
      return new TogetherImages(
          new ClientSettings(
              apiKey,
              Validation.baseUrl(baseUrl),
              defaultModel,
              maxRetries,
              retryPolicy,
              connectTimeout,
              readTimeout,
              callTimeout,
              okHttpClient,
              headers.build(),
              maxDownloadBytes,
              maxResponseBytes,
              logRequests,
              logResponses));
    }
  }
}
