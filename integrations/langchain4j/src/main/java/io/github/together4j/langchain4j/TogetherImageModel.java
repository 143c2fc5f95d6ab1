package io.github.together4j.langchain4j;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.data.image.Image;
import dev.langchain4j.model.image.ImageModel;
import dev.langchain4j.model.output.Response;
import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageFormat;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.TogetherException;
import io.github.together4j.images.TogetherImages;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Together AI's image models (FLUX and others) as a LangChain4j {@link ImageModel}, on the
 * together4j client.
 *
 * <pre>{@code
 * ImageModel model = TogetherImageModel.builder()
 *     .apiKey(System.getenv("TOGETHER_API_KEY"))
 *     .modelName("black-forest-labs/FLUX.1-schnell")
 *     .build();
 * Response<List<Image>> response = model.generate("a red fox in the snow", 2);
 * }</pre>
 *
 * <p>{@link #generate(String, int)} asks for {@code n} images in one call (one request, billed once
 * per image), not {@code n} calls. {@link #edit(Image, String)} sends the image's URL as {@code
 * image_url}, which models such as {@code black-forest-labs/FLUX.1-kontext-pro} edit from. Each
 * returned {@link Image} has either a {@linkplain Image#url() URL} (URL results, Together's
 * default) or, with {@code responseFormat("base64")}, {@linkplain Image#base64Data() base64 data},
 * checked whole, with the {@linkplain Image#mimeType() MIME type} its bytes' magic number says
 * (null for bytes that are no PNG, JPEG, WebP or GIF); {@link Image#revisedPrompt()} is always
 * null. The {@link Response}'s metadata holds Together's response id ({@value #METADATA_ID}) and
 * the model that answered ({@value #METADATA_MODEL}).
 *
 * <p><b>Errors.</b> Failures are LangChain4j's exception types, with together4j's {@link
 * TogetherException} (status, request id, Together's error code) as the cause:
 *
 * <table>
 *   <caption>Exception mapping</caption>
 *   <tr><th>Together</th><th>LangChain4j</th></tr>
 *   <tr><td>400, 422 and other 4xx</td><td>{@code InvalidRequestException}</td></tr>
 *   <tr><td>401, 403</td><td>{@code AuthenticationException}</td></tr>
 *   <tr><td>404 (e.g. an unknown model)</td><td>{@code ModelNotFoundException}</td></tr>
 *   <tr><td>408, or a timeout</td><td>{@code TimeoutException}</td></tr>
 *   <tr><td>429</td><td>{@code RateLimitException}</td></tr>
 *   <tr><td>5xx</td><td>{@code InternalServerException}</td></tr>
 *   <tr><td>unknown host</td><td>{@code UnresolvedModelServerException}</td></tr>
 *   <tr><td>other connection failures</td><td>{@code RetriableException}</td></tr>
 *   <tr><td>a response that is not Together's contract</td><td>{@code LangChain4jException}</td></tr>
 * </table>
 *
 * <p>Bad arguments (a blank prompt, {@code n} out of range, an unsupported operation) are {@link
 * IllegalArgumentException}s, as LangChain4j's own models throw. No message contains the API key.
 *
 * <p><b>Retries</b> are together4j's: connection failures, timeouts, 408, 409, 429 and 5xx are
 * retried up to {@link Builder#maxRetries(Integer)} times (default 2) with backoff, honouring
 * {@code Retry-After}. Nothing else repeats a generation, which Together bills each time, so do not
 * wrap this model in another retry loop that retries the exceptions above.
 *
 * <p>The model is thread-safe. Build one and share it; {@link #close()} releases the client it
 * created, and leaves a client passed to {@link Builder#client(TogetherImages)} to its owner.
 */
public final class TogetherImageModel implements ImageModel, AutoCloseable {
  /** The {@link Response#metadata()} key of Together's id for the generation. */
  public static final String METADATA_ID = "id";

  /** The {@link Response#metadata()} key of the model that generated the images. */
  public static final String METADATA_MODEL = "model";

  private final TogetherImages client;
  private final boolean ownsClient;
  private final String modelName;

  /** Every option but prompt and n; copied for each call. */
  private final ImageGenerationRequest template;

  private TogetherImageModel(
      TogetherImages client,
      boolean ownsClient,
      String modelName,
      ImageGenerationRequest template) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.modelName = modelName;
    this.template = template;
  }

  /**
   * {@return a new builder}; {@link Builder#apiKey(String)} or {@link Builder#client} is needed.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the model images are generated with} */
  public String modelName() {
    return modelName;
  }

  /**
   * Generates one image of {@code prompt}.
   *
   * @param prompt what the image should show
   * @return the image, with Together's id and model in the metadata
   * @throws IllegalArgumentException if the prompt is null or blank
   * @throws dev.langchain4j.exception.LangChain4jException if the call fails (see the class
   *     documentation for which subclass)
   */
  @Override
  public Response<Image> generate(String prompt) {
    ImageGenerationResult result = call(request(prompt, 1, null));
    return new Response<>(toImages(result, 1).get(0), null, null, metadata(result));
  }

  /**
   * Generates {@code n} images of {@code prompt} in one call.
   *
   * @param prompt what the images should show
   * @param n how many images, 1 to the model's limit (4 for most FLUX models)
   * @return the images in Together's order, with Together's id and model in the metadata
   * @throws IllegalArgumentException if the prompt is blank or {@code n} is less than 1
   * @throws dev.langchain4j.exception.LangChain4jException if the call fails
   */
  @Override
  public Response<List<Image>> generate(String prompt, int n) {
    ImageGenerationResult result = call(request(prompt, n, null));
    return new Response<>(toImages(result, n), null, null, metadata(result));
  }

  /**
   * Edits {@code image} as {@code prompt} says, with a model that takes an input image (such as
   * {@code black-forest-labs/FLUX.1-kontext-pro}): the image's URL is sent as {@code image_url},
   * and Together fetches it from there.
   *
   * @param image an image with an http(s) {@link Image#url() URL} Together can fetch
   * @param prompt the change to make
   * @return the edited image
   * @throws IllegalArgumentException "Operation is not supported" if the image has only base64 data
   *     or a URL that is not http(s): Together's API takes the input image by URL only
   * @throws dev.langchain4j.exception.LangChain4jException if the call fails
   */
  @Override
  public Response<Image> edit(@Nullable Image image, String prompt) {
    if (image == null) {
      throw new IllegalArgumentException("image cannot be null");
    }
    ImageGenerationResult result = call(request(prompt, 1, imageUrl(image)));
    return new Response<>(toImages(result, 1).get(0), null, null, metadata(result));
  }

  /**
   * Not supported: Together's image API takes no mask. Always throws, sending nothing.
   *
   * @throws IllegalArgumentException "Operation is not supported", saying why
   */
  @Override
  public Response<Image> edit(Image image, Image mask, String prompt) {
    throw new IllegalArgumentException(
        "Operation is not supported: Together's image API has no mask parameter; describe the"
            + " area to change in the prompt and call edit(image, prompt) with a model that"
            + " edits from image_url, such as black-forest-labs/FLUX.1-kontext-pro");
  }

  /**
   * Closes the client this model created. A client passed to {@link Builder#client(TogetherImages)}
   * is left open: it belongs to the caller.
   */
  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "TogetherImageModel{modelName=" + modelName + ", client=" + client + "}";
  }

  private ImageGenerationRequest request(
      @Nullable String prompt, int n, @Nullable String imageUrl) {
    if (prompt == null) {
      // IllegalArgumentException, as LangChain4j's own models answer a null prompt.
      throw new IllegalArgumentException("prompt cannot be null or blank");
    }
    return template.toBuilder().prompt(prompt).n(n).imageUrl(imageUrl).build();
  }

  private ImageGenerationResult call(ImageGenerationRequest request) {
    try {
      return client.generate(request);
    } catch (TogetherException e) {
      throw Exceptions.toLangChain4j(e);
    }
  }

  private static String imageUrl(Image image) {
    URI url = image.url();
    if (url == null) {
      throw new IllegalArgumentException(
          "Operation is not supported: "
              + (image.base64Data() != null
                  ? "this Image has only base64 data, and Together's API takes the image to edit"
                      + " as image_url, a URL it fetches; upload the image and pass"
                      + " Image.builder().url(...).build(), or generate it with"
                      + " responseFormat(URL)"
                  : "this Image has neither a URL nor base64 data"));
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new IllegalArgumentException(
          "Operation is not supported: Together fetches the image to edit from image_url, which"
              + " must be an http or https URL; this Image's URL has the scheme '"
              + scheme
              + "'");
    }
    return url.toString();
  }

  private static List<Image> toImages(ImageGenerationResult result, int expected) {
    List<GeneratedImage> images = result.images();
    if (images.size() != expected) {
      throw Exceptions.unexpected(
          "Together returned "
              + images.size()
              + " images for n="
              + expected
              + " (id "
              + result.id()
              + ")");
    }
    List<Image> out = new ArrayList<>(images.size());
    for (GeneratedImage image : images) {
      out.add(toImage(image));
    }
    return List.copyOf(out);
  }

  private static Image toImage(GeneratedImage image) {
    if (image.isBase64()) {
      byte[] bytes;
      try {
        // Decoded whole, so invalid base64 anywhere fails here, not in the caller's hands later.
        bytes = image.bytes();
      } catch (TogetherException e) {
        throw Exceptions.toLangChain4j(e);
      }
      ImageFormat format = ImageFormat.detect(bytes);
      return Image.builder()
          .base64Data(image.b64Json())
          .mimeType(format == ImageFormat.UNKNOWN ? null : format.mimeType())
          .build();
    }
    String url = requireNonNull(image.url(), "url");
    try {
      return Image.builder().url(URI.create(url)).build();
    } catch (IllegalArgumentException e) {
      throw Exceptions.unexpected(
          "Together returned image " + image.index() + " with a URL that is not a valid URI", e);
    }
  }

  private static Map<String, Object> metadata(ImageGenerationResult result) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put(METADATA_ID, result.id());
    metadata.put(METADATA_MODEL, result.model());
    return metadata;
  }

  /**
   * Builds {@link TogetherImageModel}s, in LangChain4j's style: every setter takes null for "not
   * set", and an option left unset is not sent, so Together's default applies (width and height
   * default to 1024, as in together4j).
   */
  public static final class Builder {
    private @Nullable TogetherImages client;
    private @Nullable String apiKey;
    private @Nullable String baseUrl;
    private @Nullable String modelName;
    private @Nullable Integer width;
    private @Nullable Integer height;
    private @Nullable Integer steps;
    private @Nullable Integer seed;
    private @Nullable String negativePrompt;
    private @Nullable Double guidanceScale;
    private @Nullable ResponseFormat responseFormat;
    private @Nullable OutputFormat outputFormat;
    private @Nullable Duration timeout;
    private @Nullable Integer maxRetries;
    private @Nullable Boolean logRequests;
    private @Nullable Boolean logResponses;
    private @Nullable Map<String, String> customHeaders;

    private Builder() {}

    /**
     * Generates through {@code client}, sharing its connection pool, threads and settings. Options
     * set here as well (API key, base URL, timeout, retries, logging, headers) apply to a client
     * derived from it with {@link TogetherImages#newBuilder()}, which still shares its pool. {@link
     * TogetherImageModel#close()} leaves {@code client} open.
     *
     * @param client the client, or null to create one from this builder's options
     * @return this builder
     */
    public Builder client(@Nullable TogetherImages client) {
      this.client = client;
      return this;
    }

    /**
     * Sets the Together API key. Required unless {@link #client(TogetherImages)} is set.
     *
     * @param apiKey the key, e.g. {@code System.getenv("TOGETHER_API_KEY")}
     * @return this builder
     */
    public Builder apiKey(@Nullable String apiKey) {
      this.apiKey = apiKey;
      return this;
    }

    /**
     * Sets the API's base URL (default {@value TogetherImages#DEFAULT_BASE_URL}).
     *
     * @param baseUrl the base URL, or null for the default
     * @return this builder
     */
    public Builder baseUrl(@Nullable String baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * Sets the model, e.g. {@code black-forest-labs/FLUX.1-schnell} (default: the client's default
     * model, {@value TogetherImages#DEFAULT_MODEL} unless the client says otherwise).
     *
     * @param modelName the model, or null for the default
     * @return this builder
     */
    public Builder modelName(@Nullable String modelName) {
      this.modelName = modelName;
      return this;
    }

    /**
     * Sets the width of the images in pixels (default 1024).
     *
     * @param width at least 1, or null for the default
     * @return this builder
     */
    public Builder width(@Nullable Integer width) {
      this.width = width;
      return this;
    }

    /**
     * Sets the height of the images in pixels (default 1024).
     *
     * @param height at least 1, or null for the default
     * @return this builder
     */
    public Builder height(@Nullable Integer height) {
      this.height = height;
      return this;
    }

    /**
     * Sets width and height from {@code WIDTHxHEIGHT}, as LangChain4j's OpenAI model takes it.
     *
     * @param size e.g. {@code "1024x768"}, or null for the defaults
     * @return this builder
     * @throws IllegalArgumentException if {@code size} is not two positive integers joined by
     *     {@code x}
     */
    public Builder size(@Nullable String size) {
      if (size == null) {
        this.width = null;
        this.height = null;
        return this;
      }
      String[] parts = size.strip().split("[xX×]", -1);
      if (parts.length != 2 || !isDigits(parts[0]) || !isDigits(parts[1])) {
        throw new IllegalArgumentException(
            "size must be WIDTHxHEIGHT in pixels, e.g. \"1024x768\": was \"" + size + "\"");
      }
      try {
        this.width = Integer.valueOf(parts[0]);
        this.height = Integer.valueOf(parts[1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "size must be WIDTHxHEIGHT in pixels, e.g. \"1024x768\": was \"" + size + "\"", e);
      }
      return this;
    }

    /**
     * Sets the number of generation steps (default: the model's).
     *
     * @param steps at least 1, or null for the model's default
     * @return this builder
     */
    public Builder steps(@Nullable Integer steps) {
      this.steps = steps;
      return this;
    }

    /**
     * Sets the seed; the same seed and prompt give the same image on most models.
     *
     * @param seed the seed, or null for a random one
     * @return this builder
     */
    public Builder seed(@Nullable Integer seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Sets what the images should not show.
     *
     * @param negativePrompt the negative prompt, or null
     * @return this builder
     */
    public Builder negativePrompt(@Nullable String negativePrompt) {
      this.negativePrompt = negativePrompt;
      return this;
    }

    /**
     * Sets how closely the images follow the prompt (default: the model's).
     *
     * @param guidanceScale a finite number, or null
     * @return this builder
     */
    public Builder guidanceScale(@Nullable Double guidanceScale) {
      this.guidanceScale = guidanceScale;
      return this;
    }

    /**
     * Sets whether images come back as URLs ({@link Image#url()}) or inside the response ({@link
     * Image#base64Data()}).
     *
     * @param responseFormat the format, or null for Together's default
     * @return this builder
     */
    public Builder responseFormat(@Nullable ResponseFormat responseFormat) {
      this.responseFormat = responseFormat;
      return this;
    }

    /**
     * Sets the response format by name: {@code "url"}, or {@code "base64"} (also {@code
     * "b64_json"}, LangChain4j's OpenAI name), in any case.
     *
     * @param responseFormat the name, or null for Together's default
     * @return this builder
     * @throws IllegalArgumentException for any other name, listing the allowed ones
     */
    public Builder responseFormat(@Nullable String responseFormat) {
      this.responseFormat =
          responseFormat == null
              ? null
              : switch (responseFormat.strip().toLowerCase(Locale.ROOT)) {
                case "url" -> ResponseFormat.URL;
                case "base64", "b64_json" -> ResponseFormat.BASE64;
                default ->
                    throw new IllegalArgumentException(
                        "responseFormat must be one of [url, base64, b64_json]: was \""
                            + responseFormat
                            + "\"");
              };
      return this;
    }

    /**
     * Sets the encoding Together should produce. The returned {@link Image#mimeType()} still comes
     * from the bytes, since models ignore this at times.
     *
     * @param outputFormat the format, or null for Together's default (JPEG)
     * @return this builder
     */
    public Builder outputFormat(@Nullable OutputFormat outputFormat) {
      this.outputFormat = outputFormat;
      return this;
    }

    /**
     * Sets the output format by name: {@code "jpeg"} (also {@code "jpg"}) or {@code "png"}, in any
     * case.
     *
     * @param outputFormat the name, or null for Together's default
     * @return this builder
     * @throws IllegalArgumentException for any other name, listing the allowed ones
     */
    public Builder outputFormat(@Nullable String outputFormat) {
      this.outputFormat =
          outputFormat == null
              ? null
              : switch (outputFormat.strip().toLowerCase(Locale.ROOT)) {
                case "jpeg", "jpg" -> OutputFormat.JPEG;
                case "png" -> OutputFormat.PNG;
                default ->
                    throw new IllegalArgumentException(
                        "outputFormat must be one of [jpeg, jpg, png]: was \""
                            + outputFormat
                            + "\"");
              };
      return this;
    }

    /**
     * Sets the longest one HTTP attempt may take, from connecting to the last byte (default 5
     * minutes; each retry gets its own). It also caps the connect timeout (default 10 s) and the
     * read timeout (default 2 minutes).
     *
     * @param timeout a positive duration, or null for the defaults
     * @return this builder
     */
    public Builder timeout(@Nullable Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets how many times a failed call is retried (default 2; 0 sends exactly one request).
     *
     * @param maxRetries 0 or more, or null for the default
     * @return this builder
     */
    public Builder maxRetries(@Nullable Integer maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Logs each request at INFO through {@code System.Logger} {@code io.github.together4j.images}:
     * method, URL, headers and JSON body, the key redacted.
     *
     * @param logRequests true to log, null or false not to
     * @return this builder
     */
    public Builder logRequests(@Nullable Boolean logRequests) {
      this.logRequests = logRequests;
      return this;
    }

    /**
     * Logs each response at INFO through {@code System.Logger} {@code io.github.together4j.images}:
     * status, headers and the first 4 KiB of the body, secrets redacted.
     *
     * @param logResponses true to log, null or false not to
     * @return this builder
     */
    public Builder logResponses(@Nullable Boolean logResponses) {
      this.logResponses = logResponses;
      return this;
    }

    /**
     * Sets headers sent with every API call, e.g. for a proxy, in addition to those of a {@link
     * #client(TogetherImages) shared client}. {@code Authorization} comes from the API key and is
     * refused here.
     *
     * @param customHeaders the headers, or null for none
     * @return this builder
     */
    public Builder customHeaders(@Nullable Map<String, String> customHeaders) {
      this.customHeaders = customHeaders == null ? null : Map.copyOf(customHeaders);
      return this;
    }

    /**
     * {@return a new model} Every option is checked here, so a bad one fails now rather than at the
     * first generation.
     *
     * @throws IllegalStateException if neither an API key nor a client was set
     * @throws IllegalArgumentException if an option is out of range, naming it and the allowed
     *     values
     */
    public TogetherImageModel build() {
      TogetherImages shared = client;
      boolean derive =
          apiKey != null
              || baseUrl != null
              || timeout != null
              || maxRetries != null
              || logRequests != null
              || logResponses != null
              || (customHeaders != null && !customHeaders.isEmpty());
      // A key must come from somewhere; one passed in blank (an empty variable) is not a key.
      if ((shared == null && apiKey == null) || (apiKey != null && apiKey.isBlank())) {
        throw new IllegalStateException(
            "apiKey is not set: create an API key at https://api.together.ai/settings/api-keys,"
                + " export "
                + TogetherImages.API_KEY_ENV
                + "=<your key> and pass apiKey(System.getenv(\""
                + TogetherImages.API_KEY_ENV
                + "\")), or pass client(TogetherImages.fromEnv())");
      }
      TogetherImages.Builder options =
          shared != null ? shared.newBuilder() : TogetherImages.builder();
      if (apiKey != null) {
        options.apiKey(apiKey);
      }
      if (baseUrl != null) {
        options.baseUrl(baseUrl);
      }
      if (timeout != null) {
        if (timeout.isNegative() || timeout.isZero()) {
          throw new IllegalArgumentException("timeout must be positive: was " + timeout);
        }
        options
            .callTimeout(timeout)
            .readTimeout(min(timeout, Duration.ofMinutes(2)))
            .connectTimeout(min(timeout, Duration.ofSeconds(10)));
      }
      if (maxRetries != null) {
        options.maxRetries(maxRetries);
      }
      if (logRequests != null) {
        options.logRequests(logRequests);
      }
      if (logResponses != null) {
        options.logResponses(logResponses);
      }
      if (customHeaders != null) {
        customHeaders.forEach(options::addHeader);
      }
      ImageGenerationRequest.Builder request =
          ImageGenerationRequest.builder("template")
              .model(modelName)
              .steps(steps)
              .seed(seed)
              .negativePrompt(negativePrompt)
              .guidanceScale(guidanceScale)
              .responseFormat(responseFormat)
              .outputFormat(outputFormat);
      if (width != null) {
        request.width(width);
      }
      if (height != null) {
        request.height(height);
      }
      // Checks every option against the contract's bounds now, as the first generation would.
      ImageGenerationRequest template = request.build();
      boolean owns = shared == null || derive;
      TogetherImages built = owns ? options.build() : shared;
      return new TogetherImageModel(
          built, owns, modelName != null ? modelName : built.defaultModel(), template);
    }

    private static Duration min(Duration a, Duration b) {
      return a.compareTo(b) <= 0 ? a : b;
    }

    private static boolean isDigits(String text) {
      return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }
  }
}
