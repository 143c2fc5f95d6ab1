package io.github.together4j.images;

import static java.util.Objects.requireNonNull;

import io.github.together4j.images.generated.model.ImageLora;
import io.github.together4j.images.generated.model.ImageRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An immutable request to generate images, with every property of Together's API.
 *
 * <pre>{@code
 * ImageGenerationRequest request = ImageGenerationRequest.builder("a lighthouse at dusk")
 *     .n(4)
 *     .size(768, 512)
 *     .seed(42)
 *     .outputFormat(ImageGenerationRequest.OutputFormat.PNG)
 *     .build();
 * }</pre>
 *
 * <p>Unset properties are not sent, so Together applies its per-model defaults, with three
 * exceptions: {@code n}, {@code width} and {@code height} default to 1, 1024 and 1024 here and are
 * always sent, so a request's cost and size never depend on a server-side default changing. The
 * model defaults to the client's {@linkplain TogetherImages.Builder#defaultModel default model}.
 *
 * <p>Bounds declared by the spec ({@code n}, {@code width}, {@code height}, {@code steps} at least
 * 1) are checked by {@link Builder#build()}, before anything reaches the network.
 */
public final class ImageGenerationRequest {
  /** The number of images generated when {@link Builder#n(int)} is not called. */
  public static final int DEFAULT_N = 1;

  /** The width, in pixels, used when {@link Builder#width(int)} is not called. */
  public static final int DEFAULT_WIDTH = 1024;

  /** The height, in pixels, used when {@link Builder#height(int)} is not called. */
  public static final int DEFAULT_HEIGHT = 1024;

  /** Whether images come back as base64 text in the response or as URLs to download. */
  public enum ResponseFormat {
    /** Images come back inside the response, base64-encoded. */
    BASE64(ImageRequest.ResponseFormatEnum.BASE64),
    /** Images come back as URLs to download them from. */
    URL(ImageRequest.ResponseFormatEnum.URL);

    final ImageRequest.ResponseFormatEnum wire;

    ResponseFormat(ImageRequest.ResponseFormatEnum wire) {
      this.wire = wire;
    }
  }

  /** The encoding Together should produce the images in. */
  public enum OutputFormat {
    /** JPEG, Together's default. */
    JPEG(ImageRequest.OutputFormatEnum.JPEG),
    /** PNG. */
    PNG(ImageRequest.OutputFormatEnum.PNG);

    final ImageRequest.OutputFormatEnum wire;

    OutputFormat(ImageRequest.OutputFormatEnum wire) {
      this.wire = wire;
    }
  }

  /**
   * A LoRA (Low-Rank Adaptation) to apply to the model.
   *
   * @param path the URL of the LoRA
   * @param scale the strength of its influence; most LoRAs recommend 1
   */
  public record Lora(String path, double scale) {
    /** Checks that {@code path} is not null. */
    public Lora {
      requireNonNull(path, "path == null");
    }
  }

  private final String prompt;
  private final @Nullable String model;
  private final int n;
  private final int width;
  private final int height;
  private final @Nullable Integer steps;
  private final @Nullable Integer seed;
  private final @Nullable String negativePrompt;
  private final @Nullable ResponseFormat responseFormat;
  private final @Nullable Double guidanceScale;
  private final @Nullable OutputFormat outputFormat;
  private final @Nullable String imageUrl;
  private final @Nullable List<Lora> imageLoras;
  private final @Nullable List<String> referenceImages;
  private final @Nullable Boolean disableSafetyChecker;
  private final Map<String, Object> extras;

  private ImageGenerationRequest(Builder builder) {
    this.prompt = builder.prompt;
    this.model = builder.model;
    this.n = builder.n;
    this.width = builder.width;
    this.height = builder.height;
    this.steps = builder.steps;
    this.seed = builder.seed;
    this.negativePrompt = builder.negativePrompt;
    this.responseFormat = builder.responseFormat;
    this.guidanceScale = builder.guidanceScale;
    this.outputFormat = builder.outputFormat;
    this.imageUrl = builder.imageUrl;
    this.imageLoras = builder.imageLoras == null ? null : List.copyOf(builder.imageLoras);
    this.referenceImages =
        builder.referenceImages == null ? null : List.copyOf(builder.referenceImages);
    this.disableSafetyChecker = builder.disableSafetyChecker;
    this.extras = Collections.unmodifiableMap(new LinkedHashMap<>(builder.extras));
  }

  /**
   * Returns a request for {@code prompt} with every other property at its default.
   *
   * @param prompt what the image should show
   * @return a new request
   * @throws IllegalArgumentException if the prompt is blank
   */
  public static ImageGenerationRequest of(String prompt) {
    return builder(prompt).build();
  }

  /**
   * Returns a new builder for a request with {@code prompt}.
   *
   * @param prompt what the image should show
   * @return a new builder
   */
  public static Builder builder(String prompt) {
    return new Builder().prompt(prompt);
  }

  /**
   * Returns a new builder with no property set; {@link Builder#prompt(String)} must be called.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this request's properties.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns what the image should show.
   *
   * @return the prompt
   */
  public String prompt() {
    return prompt;
  }

  /**
   * Returns the model, or null to use the client's default model.
   *
   * @return the model, or null
   */
  public @Nullable String model() {
    return model;
  }

  /**
   * Returns the number of images to generate.
   *
   * @return n, at least 1
   */
  public int n() {
    return n;
  }

  /**
   * Returns the width of the images, in pixels.
   *
   * @return the width
   */
  public int width() {
    return width;
  }

  /**
   * Returns the height of the images, in pixels.
   *
   * @return the height
   */
  public int height() {
    return height;
  }

  /**
   * Returns the number of generation steps, or null for the model's default.
   *
   * @return the steps, or null
   */
  public @Nullable Integer steps() {
    return steps;
  }

  /**
   * Returns the seed, or null for a random one.
   *
   * @return the seed, or null
   */
  public @Nullable Integer seed() {
    return seed;
  }

  /**
   * Returns what the image should not show, or null.
   *
   * @return the negative prompt, or null
   */
  public @Nullable String negativePrompt() {
    return negativePrompt;
  }

  /**
   * Returns the response format, or null for the server's default (URLs, in practice).
   *
   * @return the response format, or null
   */
  public @Nullable ResponseFormat responseFormat() {
    return responseFormat;
  }

  /**
   * Returns the guidance scale, or null for the model's default.
   *
   * @return the guidance scale, or null
   */
  public @Nullable Double guidanceScale() {
    return guidanceScale;
  }

  /**
   * Returns the output format, or null for the server's default (JPEG).
   *
   * @return the output format, or null
   */
  public @Nullable OutputFormat outputFormat() {
    return outputFormat;
  }

  /**
   * Returns the URL of an input image, or null.
   *
   * @return the image URL, or null
   */
  public @Nullable String imageUrl() {
    return imageUrl;
  }

  /**
   * Returns the LoRAs to apply, or null.
   *
   * @return an unmodifiable list, or null
   */
  public @Nullable List<Lora> imageLoras() {
    return imageLoras;
  }

  /**
   * Returns the URLs of reference images, or null.
   *
   * @return an unmodifiable list, or null
   */
  public @Nullable List<String> referenceImages() {
    return referenceImages;
  }

  /**
   * Returns whether the safety checker is disabled, or null for the server's default.
   *
   * @return the flag, or null
   */
  public @Nullable Boolean disableSafetyChecker() {
    return disableSafetyChecker;
  }

  /**
   * Returns the extra properties sent beside the known ones, in insertion order.
   *
   * @return an unmodifiable map from JSON name to value
   */
  public Map<String, Object> extras() {
    return extras;
  }

  /** Returns the generated request with {@code defaultModel} where no model was set. */
  ImageRequest toWire(String defaultModel) {
    return ImageRequest.builder()
        .prompt(prompt)
        .model(model != null ? model : defaultModel)
        .n(n)
        .width(width)
        .height(height)
        .steps(steps)
        .seed(seed)
        .negativePrompt(negativePrompt)
        .responseFormat(responseFormat == null ? null : responseFormat.wire)
        .guidanceScale(guidanceScale)
        .outputFormat(outputFormat == null ? null : outputFormat.wire)
        .imageUrl(imageUrl)
        .imageLoras(
            imageLoras == null
                ? null
                : imageLoras.stream().map(l -> new ImageLora(l.path(), l.scale())).toList())
        .referenceImages(referenceImages)
        .disableSafetyChecker(disableSafetyChecker)
        .additionalProperties(extras.isEmpty() ? null : extras)
        .build();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ImageGenerationRequest other
        && prompt.equals(other.prompt)
        && Objects.equals(model, other.model)
        && n == other.n
        && width == other.width
        && height == other.height
        && Objects.equals(steps, other.steps)
        && Objects.equals(seed, other.seed)
        && Objects.equals(negativePrompt, other.negativePrompt)
        && responseFormat == other.responseFormat
        && Objects.equals(guidanceScale, other.guidanceScale)
        && outputFormat == other.outputFormat
        && Objects.equals(imageUrl, other.imageUrl)
        && Objects.equals(imageLoras, other.imageLoras)
        && Objects.equals(referenceImages, other.referenceImages)
        && Objects.equals(disableSafetyChecker, other.disableSafetyChecker)
        && extras.equals(other.extras);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        prompt,
        model,
        n,
        width,
        height,
        steps,
        seed,
        negativePrompt,
        responseFormat,
        guidanceScale,
        outputFormat,
        imageUrl,
        imageLoras,
        referenceImages,
        disableSafetyChecker,
        extras);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("ImageGenerationRequest{prompt=").append(prompt);
    if (model != null) s.append(", model=").append(model);
    s.append(", n=").append(n).append(", size=").append(width).append('x').append(height);
    if (steps != null) s.append(", steps=").append(steps);
    if (seed != null) s.append(", seed=").append(seed);
    if (negativePrompt != null) s.append(", negativePrompt=").append(negativePrompt);
    if (responseFormat != null) s.append(", responseFormat=").append(responseFormat);
    if (guidanceScale != null) s.append(", guidanceScale=").append(guidanceScale);
    if (outputFormat != null) s.append(", outputFormat=").append(outputFormat);
    if (imageUrl != null) s.append(", imageUrl=").append(imageUrl);
    if (imageLoras != null) s.append(", imageLoras=").append(imageLoras);
    if (referenceImages != null) s.append(", referenceImages=").append(referenceImages);
    if (disableSafetyChecker != null) {
      s.append(", disableSafetyChecker=").append(disableSafetyChecker);
    }
    if (!extras.isEmpty()) s.append(", extras=").append(extras);
    return s.append('}').toString();
  }

  /** Builds {@link ImageGenerationRequest}s; {@link #build()} validates every property. */
  public static final class Builder {
    private @Nullable String prompt;
    private @Nullable String model;
    private int n = DEFAULT_N;
    private int width = DEFAULT_WIDTH;
    private int height = DEFAULT_HEIGHT;
    private @Nullable Integer steps;
    private @Nullable Integer seed;
    private @Nullable String negativePrompt;
    private @Nullable ResponseFormat responseFormat;
    private @Nullable Double guidanceScale;
    private @Nullable OutputFormat outputFormat;
    private @Nullable String imageUrl;
    private @Nullable List<Lora> imageLoras;
    private @Nullable List<String> referenceImages;
    private @Nullable Boolean disableSafetyChecker;
    private final Map<String, Object> extras = new LinkedHashMap<>();

    private Builder() {}

    private Builder(ImageGenerationRequest request) {
      prompt = request.prompt;
      model = request.model;
      n = request.n;
      width = request.width;
      height = request.height;
      steps = request.steps;
      seed = request.seed;
      negativePrompt = request.negativePrompt;
      responseFormat = request.responseFormat;
      guidanceScale = request.guidanceScale;
      outputFormat = request.outputFormat;
      imageUrl = request.imageUrl;
      imageLoras = request.imageLoras;
      referenceImages = request.referenceImages;
      disableSafetyChecker = request.disableSafetyChecker;
      extras.putAll(request.extras);
    }

    /** Returns a copy of this builder, for {@link ImageBatch}'s defaults. */
    Builder copy() {
      Builder copy = new Builder();
      copy.prompt = prompt;
      copy.model = model;
      copy.n = n;
      copy.width = width;
      copy.height = height;
      copy.steps = steps;
      copy.seed = seed;
      copy.negativePrompt = negativePrompt;
      copy.responseFormat = responseFormat;
      copy.guidanceScale = guidanceScale;
      copy.outputFormat = outputFormat;
      copy.imageUrl = imageUrl;
      copy.imageLoras = imageLoras;
      copy.referenceImages = referenceImages;
      copy.disableSafetyChecker = disableSafetyChecker;
      copy.extras.putAll(extras);
      return copy;
    }

    /**
     * Sets what the image should show. Required; its maximum length varies by model.
     *
     * @param prompt the prompt
     * @return this builder
     */
    public Builder prompt(String prompt) {
      this.prompt = requireNonNull(prompt, "prompt == null");
      return this;
    }

    /**
     * Sets the model, e.g. {@code black-forest-labs/FLUX.1-schnell}; null uses the client's default
     * model.
     *
     * @param model the model, or null
     * @return this builder
     */
    public Builder model(@Nullable String model) {
      this.model = model;
      return this;
    }

    /**
     * Sets the number of images to generate (default 1).
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder n(int n) {
      this.n = n;
      return this;
    }

    /**
     * Sets the width of the images in pixels (default 1024).
     *
     * @param width at least 1
     * @return this builder
     */
    public Builder width(int width) {
      this.width = width;
      return this;
    }

    /**
     * Sets the height of the images in pixels (default 1024).
     *
     * @param height at least 1
     * @return this builder
     */
    public Builder height(int height) {
      this.height = height;
      return this;
    }

    /**
     * Sets width and height in pixels.
     *
     * @param width at least 1
     * @param height at least 1
     * @return this builder
     */
    public Builder size(int width, int height) {
      return width(width).height(height);
    }

    /**
     * Sets the number of generation steps; null (the default) uses the model's own default, which
     * is also what Together bills against.
     *
     * @param steps at least 1, or null
     * @return this builder
     */
    public Builder steps(@Nullable Integer steps) {
      this.steps = steps;
      return this;
    }

    /**
     * Sets the seed; the same prompt and seed reproduce the same image.
     *
     * @param seed the seed, or null for a random one
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
     * Sets whether images come back as base64 or as URLs; null leaves it to the server, which
     * answers with URLs.
     *
     * @param responseFormat the format, or null
     * @return this builder
     */
    public Builder responseFormat(@Nullable ResponseFormat responseFormat) {
      this.responseFormat = responseFormat;
      return this;
    }

    /**
     * Sets how closely the image follows the prompt (8 to 10 faithful, 1 to 5 creative).
     *
     * @param guidanceScale the scale, or null for the model's default
     * @return this builder
     */
    public Builder guidanceScale(@Nullable Double guidanceScale) {
      this.guidanceScale = guidanceScale;
      return this;
    }

    /**
     * Sets the encoding of the images; null leaves it to the server, which produces JPEG.
     *
     * @param outputFormat the format, or null
     * @return this builder
     */
    public Builder outputFormat(@Nullable OutputFormat outputFormat) {
      this.outputFormat = outputFormat;
      return this;
    }

    /**
     * Sets the URL of an input image, for models that edit or condition on one.
     *
     * @param imageUrl the URL, or null
     * @return this builder
     */
    public Builder imageUrl(@Nullable String imageUrl) {
      this.imageUrl = imageUrl;
      return this;
    }

    /**
     * Sets the LoRAs to apply.
     *
     * @param imageLoras the LoRAs, or null
     * @return this builder
     */
    public Builder imageLoras(@Nullable List<Lora> imageLoras) {
      this.imageLoras = imageLoras == null ? null : List.copyOf(imageLoras);
      return this;
    }

    /**
     * Adds one LoRA to apply.
     *
     * @param path the URL of the LoRA
     * @param scale the strength of its influence
     * @return this builder
     */
    public Builder addImageLora(String path, double scale) {
      List<Lora> loras = imageLoras == null ? new ArrayList<>() : new ArrayList<>(imageLoras);
      loras.add(new Lora(path, scale));
      imageLoras = List.copyOf(loras);
      return this;
    }

    /**
     * Sets the URLs of images that guide the appearance and style of the result.
     *
     * @param referenceImages the URLs, or null
     * @return this builder
     */
    public Builder referenceImages(@Nullable List<String> referenceImages) {
      this.referenceImages = referenceImages == null ? null : List.copyOf(referenceImages);
      return this;
    }

    /**
     * Disables (or enables) the safety checker, for models and accounts that allow it.
     *
     * @param disableSafetyChecker the flag, or null for the server's default
     * @return this builder
     */
    public Builder disableSafetyChecker(@Nullable Boolean disableSafetyChecker) {
      this.disableSafetyChecker = disableSafetyChecker;
      return this;
    }

    /**
     * Adds a property the spec does not know yet, sent as is beside the known ones.
     *
     * <p>The value must be a {@link String}, {@link Boolean}, a finite {@link Integer}, {@link
     * Long} or {@link Double}, or a {@link List} or {@link Map} (with {@code String} keys) of
     * those; it is copied, so later changes to a list or map do not reach the request. A name the
     * request already has a setter for is refused, so a typo cannot silently override a typed
     * property.
     *
     * @param name the JSON name, e.g. {@code "aspect_ratio"}
     * @param value the JSON value
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or known, or the value is not JSON
     */
    public Builder putExtra(String name, Object value) {
      requireNonNull(name, "name == null");
      requireNonNull(value, "value == null");
      if (name.isBlank()) {
        throw new IllegalArgumentException("extra property name is blank");
      }
      if (Validation.KNOWN_PROPERTIES.contains(name)) {
        throw new IllegalArgumentException(
            "extra property \"" + name + "\" is a known property: use its typed setter");
      }
      extras.put(name, requireNonNull(Validation.copyJsonValue(name, value)));
      return this;
    }

    /**
     * Removes an extra property added with {@link #putExtra(String, Object)}.
     *
     * @param name the JSON name
     * @return this builder
     */
    public Builder removeExtra(String name) {
      extras.remove(name);
      return this;
    }

    /**
     * Returns a new request.
     *
     * @return the request
     * @throws IllegalStateException if no prompt was set
     * @throws IllegalArgumentException if a property is out of the bounds the spec declares, naming
     *     the property, its value and the allowed range, or if a text property is not valid Unicode
     *     (an unpaired surrogate, which UTF-8 cannot carry)
     */
    public ImageGenerationRequest build() {
      if (prompt == null) {
        throw new IllegalStateException("prompt is required: call prompt(String)");
      }
      Validation.checkPrompt(prompt);
      Validation.checkUnicode("negativePrompt", negativePrompt);
      Validation.checkUnicode("imageUrl", imageUrl);
      if (referenceImages != null) {
        for (String image : referenceImages) {
          Validation.checkUnicode("referenceImages", image);
        }
      }
      if (model != null) {
        Validation.checkModel(model);
      }
      Validation.checkBounds(n, width, height, steps);
      Validation.checkFinite("guidanceScale", guidanceScale);
      if (imageLoras != null) {
        for (Lora lora : imageLoras) {
          Validation.checkUnicode("imageLoras path", lora.path());
          Validation.checkFinite("imageLoras scale", lora.scale());
        }
      }
      return new ImageGenerationRequest(this);
    }
  }
}
