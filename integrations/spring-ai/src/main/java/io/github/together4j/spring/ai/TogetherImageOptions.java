package io.github.together4j.spring.ai;

import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.image.ImageOptions;

/**
 * Options of one Together image generation: the portable {@link ImageOptions} (model, n, width,
 * height, response format) plus Together's own (steps, seed, negative prompt, guidance scale,
 * output format, safety checker).
 *
 * <p>Immutable. Every option is nullable: unset means "the model's default option, else the API's
 * default". A {@link TogetherImageModel} merges the options of each {@code ImagePrompt} over its
 * default options as Spring AI's own providers do: {@code
 * builder().from(defaults).merge(promptOptions).build()}, where a non-null value wins.
 *
 * <pre>{@code
 * TogetherImageOptions options =
 *     TogetherImageOptions.builder().model("black-forest-labs/FLUX.1-schnell").steps(4).seed(42).build();
 * }</pre>
 *
 * <p>Bounds (n, width, height, steps …) are checked by {@link
 * io.github.together4j.images.ImageGenerationRequest} when the request is built, with a message
 * naming the field and the allowed range.
 */
public final class TogetherImageOptions implements ImageOptions {
  /** The {@link #getResponseFormat()} value for URL results (Spring AI's and OpenAI's name). */
  public static final String RESPONSE_FORMAT_URL = "url";

  /** The {@link #getResponseFormat()} value for base64 results (Spring AI's and OpenAI's name). */
  public static final String RESPONSE_FORMAT_B64_JSON = "b64_json";

  private final @Nullable String model;
  private final @Nullable Integer n;
  private final @Nullable Integer width;
  private final @Nullable Integer height;
  private final @Nullable ResponseFormat responseFormat;
  private final @Nullable Integer steps;
  private final @Nullable Integer seed;
  private final @Nullable String negativePrompt;
  private final @Nullable Double guidanceScale;
  private final @Nullable OutputFormat outputFormat;
  private final @Nullable Boolean disableSafetyChecker;

  private TogetherImageOptions(Builder builder) {
    model = builder.model;
    n = builder.n;
    width = builder.width;
    height = builder.height;
    responseFormat = builder.responseFormat;
    steps = builder.steps;
    seed = builder.seed;
    negativePrompt = builder.negativePrompt;
    guidanceScale = builder.guidanceScale;
    outputFormat = builder.outputFormat;
    disableSafetyChecker = builder.disableSafetyChecker;
  }

  /**
   * Returns a builder with no option set.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding these options.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder().from(this);
  }

  /** {@return the model, e.g. {@code black-forest-labs/FLUX.1-schnell}; null for the client's} */
  @Override
  public @Nullable String getModel() {
    return model;
  }

  /** {@return how many images to generate; null for one} */
  @Override
  public @Nullable Integer getN() {
    return n;
  }

  /** {@return the width in pixels; null for 1024} */
  @Override
  public @Nullable Integer getWidth() {
    return width;
  }

  /** {@return the height in pixels; null for 1024} */
  @Override
  public @Nullable Integer getHeight() {
    return height;
  }

  /**
   * {@return {@value #RESPONSE_FORMAT_URL} or {@value #RESPONSE_FORMAT_B64_JSON}; null for the
   * API's default (a URL on the live API)}
   */
  @Override
  public @Nullable String getResponseFormat() {
    if (responseFormat == null) {
      return null;
    }
    return responseFormat == ResponseFormat.URL ? RESPONSE_FORMAT_URL : RESPONSE_FORMAT_B64_JSON;
  }

  /**
   * {@return the response format as together4j's enum; null for the API's default (a URL on the
   * live API)}
   */
  public @Nullable ResponseFormat getTogetherResponseFormat() {
    return responseFormat;
  }

  /** {@return null: Together's image API has no style option} */
  @Override
  public @Nullable String getStyle() {
    return null;
  }

  /** {@return the number of diffusion steps; null for the model's default} */
  public @Nullable Integer getSteps() {
    return steps;
  }

  /** {@return the seed; null for a random one} */
  public @Nullable Integer getSeed() {
    return seed;
  }

  /** {@return what the image should not show; null for nothing} */
  public @Nullable String getNegativePrompt() {
    return negativePrompt;
  }

  /** {@return how closely the image follows the prompt; null for the model's default} */
  public @Nullable Double getGuidanceScale() {
    return guidanceScale;
  }

  /** {@return the image encoding (JPEG or PNG); null for the API's default (JPEG)} */
  public @Nullable OutputFormat getOutputFormat() {
    return outputFormat;
  }

  /** {@return whether the safety checker is off; null for the API's default (on)} */
  public @Nullable Boolean getDisableSafetyChecker() {
    return disableSafetyChecker;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TogetherImageOptions that
        && Objects.equals(model, that.model)
        && Objects.equals(n, that.n)
        && Objects.equals(width, that.width)
        && Objects.equals(height, that.height)
        && responseFormat == that.responseFormat
        && Objects.equals(steps, that.steps)
        && Objects.equals(seed, that.seed)
        && Objects.equals(negativePrompt, that.negativePrompt)
        && Objects.equals(guidanceScale, that.guidanceScale)
        && outputFormat == that.outputFormat
        && Objects.equals(disableSafetyChecker, that.disableSafetyChecker);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        model,
        n,
        width,
        height,
        responseFormat,
        steps,
        seed,
        negativePrompt,
        guidanceScale,
        outputFormat,
        disableSafetyChecker);
  }

  @Override
  public String toString() {
    return "TogetherImageOptions{model="
        + model
        + ", n="
        + n
        + ", width="
        + width
        + ", height="
        + height
        + ", responseFormat="
        + getResponseFormat()
        + ", steps="
        + steps
        + ", seed="
        + seed
        + ", negativePrompt="
        + negativePrompt
        + ", guidanceScale="
        + guidanceScale
        + ", outputFormat="
        + outputFormat
        + ", disableSafetyChecker="
        + disableSafetyChecker
        + "}";
  }

  /**
   * Parses a Spring AI response format: {@code url}, {@code b64_json} (or {@code base64}), any
   * case.
   */
  static @Nullable ResponseFormat parseResponseFormat(@Nullable String value) {
    if (value == null) {
      return null;
    }
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case RESPONSE_FORMAT_URL:
        return ResponseFormat.URL;
      case RESPONSE_FORMAT_B64_JSON:
      case "base64":
        return ResponseFormat.BASE64;
      default:
        throw new IllegalArgumentException(
            "responseFormat = '"
                + value
                + "' is not supported: allowed are "
                + RESPONSE_FORMAT_URL
                + " and "
                + RESPONSE_FORMAT_B64_JSON);
    }
  }

  /** The first if it is set, else the second. */
  private static <T> @Nullable T or(@Nullable T first, @Nullable T second) {
    return first != null ? first : second;
  }

  /** Builds {@link TogetherImageOptions}; every setter accepts null for "unset". */
  public static final class Builder {
    private @Nullable String model;
    private @Nullable Integer n;
    private @Nullable Integer width;
    private @Nullable Integer height;
    private @Nullable ResponseFormat responseFormat;
    private @Nullable Integer steps;
    private @Nullable Integer seed;
    private @Nullable String negativePrompt;
    private @Nullable Double guidanceScale;
    private @Nullable OutputFormat outputFormat;
    private @Nullable Boolean disableSafetyChecker;

    private Builder() {}

    /**
     * Sets every option to {@code options}' value, unset ones included.
     *
     * @param options the options to copy
     * @return this builder
     */
    public Builder from(TogetherImageOptions options) {
      Objects.requireNonNull(options, "options == null");
      model = options.model;
      n = options.n;
      width = options.width;
      height = options.height;
      responseFormat = options.responseFormat;
      steps = options.steps;
      seed = options.seed;
      negativePrompt = options.negativePrompt;
      guidanceScale = options.guidanceScale;
      outputFormat = options.outputFormat;
      disableSafetyChecker = options.disableSafetyChecker;
      return this;
    }

    /**
     * Overrides this builder's options with those {@code options} sets (non-null); the portable
     * ones from any {@link ImageOptions}, Together's own from a {@link TogetherImageOptions}.
     *
     * @param options the options that win, or null for none
     * @return this builder
     * @throws IllegalArgumentException if {@code options} sets a style (Together has none) or a
     *     response format other than {@code url} and {@code b64_json}
     */
    public Builder merge(@Nullable ImageOptions options) {
      if (options == null) {
        return this;
      }
      if (options.getStyle() != null) {
        throw new IllegalArgumentException(
            "style = '"
                + options.getStyle()
                + "' is not supported: Together's image API has no style option; leave it unset");
      }
      model = or(options.getModel(), model);
      n = or(options.getN(), n);
      width = or(options.getWidth(), width);
      height = or(options.getHeight(), height);
      if (options instanceof TogetherImageOptions together) {
        responseFormat = or(together.responseFormat, responseFormat);
        steps = or(together.steps, steps);
        seed = or(together.seed, seed);
        negativePrompt = or(together.negativePrompt, negativePrompt);
        guidanceScale = or(together.guidanceScale, guidanceScale);
        outputFormat = or(together.outputFormat, outputFormat);
        disableSafetyChecker = or(together.disableSafetyChecker, disableSafetyChecker);
      } else {
        responseFormat = or(parseResponseFormat(options.getResponseFormat()), responseFormat);
      }
      return this;
    }

    /**
     * Sets the model.
     *
     * @param model e.g. {@code black-forest-labs/FLUX.1-schnell}, or null for the client's
     * @return this builder
     */
    public Builder model(@Nullable String model) {
      this.model = model;
      return this;
    }

    /**
     * Sets how many images to generate (each is billed).
     *
     * @param n 1 or more, or null
     * @return this builder
     */
    public Builder n(@Nullable Integer n) {
      this.n = n;
      return this;
    }

    /**
     * Sets the width in pixels.
     *
     * @param width the width, or null
     * @return this builder
     */
    public Builder width(@Nullable Integer width) {
      this.width = width;
      return this;
    }

    /**
     * Sets the height in pixels.
     *
     * @param height the height, or null
     * @return this builder
     */
    public Builder height(@Nullable Integer height) {
      this.height = height;
      return this;
    }

    /**
     * Sets the response format by its Spring AI name.
     *
     * @param responseFormat {@value #RESPONSE_FORMAT_URL} or {@value #RESPONSE_FORMAT_B64_JSON}
     *     (also {@code base64}), any case; or null
     * @return this builder
     * @throws IllegalArgumentException for any other value
     */
    public Builder responseFormat(@Nullable String responseFormat) {
      this.responseFormat = parseResponseFormat(responseFormat);
      return this;
    }

    /**
     * Sets the response format.
     *
     * @param responseFormat the format, or null
     * @return this builder
     */
    public Builder responseFormat(@Nullable ResponseFormat responseFormat) {
      this.responseFormat = responseFormat;
      return this;
    }

    /**
     * Sets the number of diffusion steps.
     *
     * @param steps the steps, or null
     * @return this builder
     */
    public Builder steps(@Nullable Integer steps) {
      this.steps = steps;
      return this;
    }

    /**
     * Sets the seed, for repeatable images.
     *
     * @param seed the seed, or null
     * @return this builder
     */
    public Builder seed(@Nullable Integer seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Sets what the image should not show.
     *
     * @param negativePrompt the negative prompt, or null
     * @return this builder
     */
    public Builder negativePrompt(@Nullable String negativePrompt) {
      this.negativePrompt = negativePrompt;
      return this;
    }

    /**
     * Sets how closely the image follows the prompt.
     *
     * @param guidanceScale the scale, or null
     * @return this builder
     */
    public Builder guidanceScale(@Nullable Double guidanceScale) {
      this.guidanceScale = guidanceScale;
      return this;
    }

    /**
     * Sets the image encoding.
     *
     * @param outputFormat JPEG or PNG, or null
     * @return this builder
     */
    public Builder outputFormat(@Nullable OutputFormat outputFormat) {
      this.outputFormat = outputFormat;
      return this;
    }

    /**
     * Sets whether to turn the safety checker off.
     *
     * @param disableSafetyChecker true to turn it off, or null
     * @return this builder
     */
    public Builder disableSafetyChecker(@Nullable Boolean disableSafetyChecker) {
      this.disableSafetyChecker = disableSafetyChecker;
      return this;
    }

    /**
     * Returns the options.
     *
     * @return new immutable options
     */
    public TogetherImageOptions build() {
      return new TogetherImageOptions(this);
    }
  }
}
