package io.github.together4j.spring.ai;

import io.github.together4j.images.ApiConnectionException;
import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageFormat;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.RateLimitException;
import io.github.together4j.images.ServerException;
import io.github.together4j.images.TogetherException;
import io.github.together4j.images.TogetherImages;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.image.Image;
import org.springframework.ai.image.ImageGeneration;
import org.springframework.ai.image.ImageMessage;
import org.springframework.ai.image.ImageModel;
import org.springframework.ai.image.ImagePrompt;
import org.springframework.ai.image.ImageResponse;
import org.springframework.ai.image.observation.DefaultImageModelObservationConvention;
import org.springframework.ai.image.observation.ImageModelObservationContext;
import org.springframework.ai.image.observation.ImageModelObservationConvention;
import org.springframework.ai.image.observation.ImageModelObservationDocumentation;
import org.springframework.ai.retry.NonTransientAiException;
import org.springframework.ai.retry.TransientAiException;

/**
 * A Spring AI {@link ImageModel} that generates images with Together AI through a {@link
 * TogetherImages} client.
 *
 * <pre>{@code
 * ImageModel model = TogetherImageModel.builder()
 *     .togetherImages(TogetherImages.fromEnv())
 *     .defaultOptions(TogetherImageOptions.builder().model("black-forest-labs/FLUX.1-schnell").build())
 *     .build();
 * ImageResponse response = model.call(new ImagePrompt("A watercolor sunflower field"));
 * }</pre>
 *
 * <p><b>Prompt.</b> The texts of the prompt's messages, joined with line breaks, are the prompt. A
 * message with a negative weight is a negative prompt, as in Spring AI's Stability AI model: the
 * texts of those are joined into Together's {@code negative_prompt}, after the options' own
 * negative prompt. Other weights are not sent (Together has none).
 *
 * <p><b>Options.</b> The prompt's options are merged over {@link #getDefaultOptions()}: a value set
 * in the prompt wins. Portable {@code ImageOptions} (model, n, width, height, response format) are
 * honoured from any provider's options; a style is refused, since Together has none.
 *
 * <p><b>Results.</b> Each image becomes an {@link ImageGeneration} whose {@link Image} has a URL or
 * base64 text, as the response format says, and whose metadata is a {@link
 * TogetherImageGenerationMetadata}; the response metadata is a {@link
 * TogetherImageResponseMetadata} (Together's id and model).
 *
 * <p><b>Errors.</b> Each call is sent once, with the client's retries (every image is billed). A
 * failed call throws Spring AI's {@link TransientAiException} (rate limit, server error, network
 * failure or timeout: worth trying later) or {@link NonTransientAiException} (anything else), with
 * the {@link TogetherException} as its cause; invalid options throw {@link
 * IllegalArgumentException} naming the option, before anything is sent.
 *
 * <p>Thread-safe; share one, as the client it wraps. Closing is the client's business.
 */
public final class TogetherImageModel implements ImageModel {
  /** The provider name in observations ({@code gen_ai.system}). */
  public static final String PROVIDER = "together";

  private static final ImageModelObservationConvention DEFAULT_CONVENTION =
      new DefaultImageModelObservationConvention();

  private final TogetherImages client;
  private final TogetherImageOptions defaultOptions;
  private final ObservationRegistry observationRegistry;
  private final @Nullable ImageModelObservationConvention observationConvention;

  private TogetherImageModel(Builder builder) {
    this.client = Objects.requireNonNull(builder.client, "togetherImages == null");
    this.defaultOptions = builder.defaultOptions;
    this.observationRegistry = builder.observationRegistry;
    this.observationConvention = builder.observationConvention;
    // Fails now, not at the first call, on default options no request could be built from.
    toRequest(defaultOptions, "options check", null);
  }

  /**
   * Returns a builder; {@link Builder#togetherImages} is required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the options each call starts from.
   *
   * @return the default options
   */
  public TogetherImageOptions getDefaultOptions() {
    return defaultOptions;
  }

  /**
   * Generates the images the prompt asks for, in one call to Together.
   *
   * @param imagePrompt the messages and options
   * @return one generation per image, in order
   * @throws IllegalArgumentException if the prompt has no text, or an option is out of range
   * @throws TransientAiException if Together rate-limited the call, failed, or could not be reached
   * @throws NonTransientAiException if Together refused the call for any other reason
   */
  @Override
  public ImageResponse call(ImagePrompt imagePrompt) {
    Objects.requireNonNull(imagePrompt, "imagePrompt == null");
    TogetherImageOptions options =
        TogetherImageOptions.builder().from(defaultOptions).merge(imagePrompt.getOptions()).build();
    if (options.getModel() == null) {
      options = options.toBuilder().model(client.defaultModel()).build();
    }
    List<String> positive = new ArrayList<>();
    List<String> negative = new ArrayList<>();
    for (ImageMessage message : imagePrompt.getInstructions()) {
      String text = message.getText();
      if (text == null || text.isBlank()) {
        continue;
      }
      Float weight = message.getWeight();
      (weight != null && weight < 0 ? negative : positive).add(text.strip());
    }
    if (positive.isEmpty()) {
      throw new IllegalArgumentException(
          "imagePrompt has no text: give at least one message with non-blank text and a weight"
              + " that is not negative (negative weights are negative prompts)");
    }
    ImageGenerationRequest request =
        toRequest(options, String.join("\n", positive), String.join("\n", negative));

    ImagePrompt observed = new ImagePrompt(imagePrompt.getInstructions(), options);
    ImageModelObservationContext context =
        ImageModelObservationContext.builder().imagePrompt(observed).provider(PROVIDER).build();
    return Objects.requireNonNull(
        ImageModelObservationDocumentation.IMAGE_MODEL_OPERATION
            .observation(
                observationConvention, DEFAULT_CONVENTION, () -> context, observationRegistry)
            .observe(
                () -> {
                  ImageResponse response = toResponse(send(request));
                  context.setResponse(response);
                  return response;
                }));
  }

  private ImageGenerationResult send(ImageGenerationRequest request) {
    try {
      return client.generate(request);
    } catch (TogetherException e) {
      throw toAiException(e);
    }
  }

  /** Spring AI's exception for ours: transient if trying later may work; ours as its cause. */
  private static RuntimeException toAiException(TogetherException e) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof RateLimitException
        || e instanceof ServerException
        || e instanceof ApiConnectionException) {
      return new TransientAiException(message, e);
    }
    return new NonTransientAiException(message, e);
  }

  /** The facade request: its builder checks every bound and names the field that is out. */
  private static ImageGenerationRequest toRequest(
      TogetherImageOptions options, String prompt, @Nullable String extraNegative) {
    ImageGenerationRequest.Builder builder =
        ImageGenerationRequest.builder(prompt)
            .model(options.getModel())
            .responseFormat(options.getTogetherResponseFormat())
            .steps(options.getSteps())
            .seed(options.getSeed())
            .guidanceScale(options.getGuidanceScale())
            .outputFormat(options.getOutputFormat())
            .disableSafetyChecker(options.getDisableSafetyChecker());
    if (options.getN() != null) {
      builder.n(options.getN());
    }
    if (options.getWidth() != null) {
      builder.width(options.getWidth());
    }
    if (options.getHeight() != null) {
      builder.height(options.getHeight());
    }
    String negative = options.getNegativePrompt();
    if (extraNegative != null && !extraNegative.isEmpty()) {
      negative =
          negative == null || negative.isBlank() ? extraNegative : negative + "\n" + extraNegative;
    }
    builder.negativePrompt(negative);
    return builder.build();
  }

  private static ImageResponse toResponse(ImageGenerationResult result) {
    List<ImageGeneration> generations = new ArrayList<>();
    for (GeneratedImage image : result.images()) {
      // From the base64 text's first bytes, no network; invalid ones there fail the call.
      @Nullable ImageFormat format;
      try {
        format = image.isBase64() ? image.format() : null;
      } catch (TogetherException e) {
        throw toAiException(e);
      }
      generations.add(
          new ImageGeneration(
              new Image(image.url(), image.b64Json()),
              new TogetherImageGenerationMetadata(image, result.id(), result.model(), format)));
    }
    return new ImageResponse(generations, new TogetherImageResponseMetadata(result));
  }

  @Override
  public String toString() {
    return "TogetherImageModel{client=" + client + ", defaultOptions=" + defaultOptions + "}";
  }

  /** Builds {@link TogetherImageModel}s. */
  public static final class Builder {
    private @Nullable TogetherImages client;
    private TogetherImageOptions defaultOptions = TogetherImageOptions.builder().build();
    private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;
    private @Nullable ImageModelObservationConvention observationConvention;

    private Builder() {}

    /**
     * Sets the client that sends the requests. Required; the model does not close it.
     *
     * @param client the client
     * @return this builder
     */
    public Builder togetherImages(TogetherImages client) {
      this.client = Objects.requireNonNull(client, "togetherImages == null");
      return this;
    }

    /**
     * Sets the options every call starts from (default: none set, so the client's model and the
     * API's defaults).
     *
     * @param defaultOptions the options
     * @return this builder
     */
    public Builder defaultOptions(TogetherImageOptions defaultOptions) {
      this.defaultOptions = Objects.requireNonNull(defaultOptions, "defaultOptions == null");
      return this;
    }

    /**
     * Sets where observations of each call go (default: nowhere).
     *
     * @param observationRegistry the registry
     * @return this builder
     */
    public Builder observationRegistry(ObservationRegistry observationRegistry) {
      this.observationRegistry =
          Objects.requireNonNull(observationRegistry, "observationRegistry == null");
      return this;
    }

    /**
     * Sets the convention naming observations (default: Spring AI's).
     *
     * @param observationConvention the convention, or null for the default
     * @return this builder
     */
    public Builder observationConvention(
        @Nullable ImageModelObservationConvention observationConvention) {
      this.observationConvention = observationConvention;
      return this;
    }

    /**
     * Returns the model.
     *
     * @return a new model
     * @throws NullPointerException if no client was set
     * @throws IllegalArgumentException if the default options are out of range (the message names
     *     the option)
     */
    public TogetherImageModel build() {
      return new TogetherImageModel(this);
    }
  }
}
