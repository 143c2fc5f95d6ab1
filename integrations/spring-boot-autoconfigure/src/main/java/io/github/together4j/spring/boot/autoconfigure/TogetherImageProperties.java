package io.github.together4j.spring.boot.autoconfigure;

import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.spring.ai.TogetherImageOptions;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code spring.ai.together.image.*} properties: the default options of the auto-configured
 * {@link io.github.together4j.spring.ai.TogetherImageModel}. Each call's {@code ImagePrompt}
 * options win over them.
 *
 * <p>An unknown property under the prefix stops startup instead of being ignored: Spring AI 2.0's
 * own providers take {@code spring.ai.<provider>.image.model}, without {@code .options}, and a
 * default that silently does nothing would be billed for.
 */
@ConfigurationProperties(prefix = TogetherImageProperties.PREFIX, ignoreUnknownFields = false)
public class TogetherImageProperties {
  /** The prefix of these properties. */
  public static final String PREFIX = "spring.ai.together.image";

  /** Default options of every image generation. */
  private final Options options = new Options();

  /** {@return the default options} */
  public Options getOptions() {
    return options;
  }

  /** Default options of the image model; unset ones are left to the client and the API. */
  public static class Options {
    /** Model, e.g. black-forest-labs/FLUX.1-schnell (default: together.default-model). */
    private @Nullable String model;

    /** Number of images per call; each is billed (default 1). */
    private @Nullable Integer n;

    /** Width in pixels (default 1024). */
    private @Nullable Integer width;

    /** Height in pixels (default 1024). */
    private @Nullable Integer height;

    /** Response format: url or b64_json (default: the API's, url). */
    private @Nullable String responseFormat;

    /** Number of diffusion steps (default: the model's). */
    private @Nullable Integer steps;

    /** Seed, for repeatable images (default: random). */
    private @Nullable Integer seed;

    /** What the images should not show. */
    private @Nullable String negativePrompt;

    /** How closely the images follow the prompt (default: the model's). */
    private @Nullable Double guidanceScale;

    /** Image encoding: jpeg or png (default: the API's, jpeg). */
    private @Nullable OutputFormat outputFormat;

    /** Whether to turn the safety checker off (default: the API's, on). */
    private @Nullable Boolean disableSafetyChecker;

    /** Creates empty options; Spring binds them. */
    public Options() {}

    /** {@return the model, or null} */
    public @Nullable String getModel() {
      return model;
    }

    /**
     * Sets the model.
     *
     * @param model the model, or null
     */
    public void setModel(@Nullable String model) {
      this.model = model;
    }

    /** {@return the image count, or null} */
    public @Nullable Integer getN() {
      return n;
    }

    /**
     * Sets the image count.
     *
     * @param n the count, or null
     */
    public void setN(@Nullable Integer n) {
      this.n = n;
    }

    /** {@return the width, or null} */
    public @Nullable Integer getWidth() {
      return width;
    }

    /**
     * Sets the width.
     *
     * @param width the width, or null
     */
    public void setWidth(@Nullable Integer width) {
      this.width = width;
    }

    /** {@return the height, or null} */
    public @Nullable Integer getHeight() {
      return height;
    }

    /**
     * Sets the height.
     *
     * @param height the height, or null
     */
    public void setHeight(@Nullable Integer height) {
      this.height = height;
    }

    /** {@return the response format, or null} */
    public @Nullable String getResponseFormat() {
      return responseFormat;
    }

    /**
     * Sets the response format.
     *
     * @param responseFormat url or b64_json, or null
     */
    public void setResponseFormat(@Nullable String responseFormat) {
      this.responseFormat = responseFormat;
    }

    /** {@return the steps, or null} */
    public @Nullable Integer getSteps() {
      return steps;
    }

    /**
     * Sets the steps.
     *
     * @param steps the steps, or null
     */
    public void setSteps(@Nullable Integer steps) {
      this.steps = steps;
    }

    /** {@return the seed, or null} */
    public @Nullable Integer getSeed() {
      return seed;
    }

    /**
     * Sets the seed.
     *
     * @param seed the seed, or null
     */
    public void setSeed(@Nullable Integer seed) {
      this.seed = seed;
    }

    /** {@return the negative prompt, or null} */
    public @Nullable String getNegativePrompt() {
      return negativePrompt;
    }

    /**
     * Sets the negative prompt.
     *
     * @param negativePrompt the negative prompt, or null
     */
    public void setNegativePrompt(@Nullable String negativePrompt) {
      this.negativePrompt = negativePrompt;
    }

    /** {@return the guidance scale, or null} */
    public @Nullable Double getGuidanceScale() {
      return guidanceScale;
    }

    /**
     * Sets the guidance scale.
     *
     * @param guidanceScale the scale, or null
     */
    public void setGuidanceScale(@Nullable Double guidanceScale) {
      this.guidanceScale = guidanceScale;
    }

    /** {@return the output format, or null} */
    public @Nullable OutputFormat getOutputFormat() {
      return outputFormat;
    }

    /**
     * Sets the output format.
     *
     * @param outputFormat jpeg or png, or null
     */
    public void setOutputFormat(@Nullable OutputFormat outputFormat) {
      this.outputFormat = outputFormat;
    }

    /** {@return whether the safety checker is off, or null} */
    public @Nullable Boolean getDisableSafetyChecker() {
      return disableSafetyChecker;
    }

    /**
     * Sets whether the safety checker is off.
     *
     * @param disableSafetyChecker true to turn it off, or null
     */
    public void setDisableSafetyChecker(@Nullable Boolean disableSafetyChecker) {
      this.disableSafetyChecker = disableSafetyChecker;
    }

    /**
     * Returns these options as the model's.
     *
     * @return the options
     * @throws IllegalArgumentException if the response format is not url or b64_json
     */
    public TogetherImageOptions toOptions() {
      return TogetherImageOptions.builder()
          .model(model)
          .n(n)
          .width(width)
          .height(height)
          .responseFormat(responseFormat)
          .steps(steps)
          .seed(seed)
          .negativePrompt(negativePrompt)
          .guidanceScale(guidanceScale)
          .outputFormat(outputFormat)
          .disableSafetyChecker(disableSafetyChecker)
          .build();
    }
  }
}
