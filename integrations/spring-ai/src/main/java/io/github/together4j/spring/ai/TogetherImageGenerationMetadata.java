package io.github.together4j.spring.ai;

import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageFormat;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.image.ImageGenerationMetadata;

/**
 * What Together said about one generated image: its index, the response's id and model, and the
 * image's format read from its bytes. The getters are plain values (no network), so the metadata
 * can be logged or written as JSON; {@link #generatedImage()} gives together4j's image for more.
 */
public final class TogetherImageGenerationMetadata implements ImageGenerationMetadata {
  private final GeneratedImage image;
  private final String id;
  private final String model;
  private final @Nullable ImageFormat format;

  TogetherImageGenerationMetadata(
      GeneratedImage image, String id, String model, @Nullable ImageFormat format) {
    this.image = image;
    this.id = id;
    this.model = model;
    this.format = format;
  }

  /** {@return the image's position in the response, from 0} */
  public int getIndex() {
    return image.index();
  }

  /** {@return Together's id of the generation this image belongs to} */
  public String getId() {
    return id;
  }

  /** {@return the model that generated the image, as Together reported it} */
  public String getModel() {
    return model;
  }

  /**
   * Returns the image's format, detected from its first bytes when the response carried them
   * (base64). For a URL result it is null: the bytes are not in the response, and this getter does
   * not fetch them; {@code generatedImage().format()} does.
   *
   * @return the format ({@link ImageFormat#UNKNOWN} for bytes that are no known image), or null for
   *     a URL result
   */
  public @Nullable ImageFormat getFormat() {
    return format;
  }

  /**
   * Returns together4j's image: {@code bytes()}, {@code saveTo(…)}, {@code format()} (which fetches
   * a URL result), {@code toBufferedImage()}.
   *
   * @return the image
   */
  public GeneratedImage generatedImage() {
    return image;
  }

  @Override
  public String toString() {
    return "TogetherImageGenerationMetadata{index="
        + image.index()
        + ", id="
        + id
        + ", model="
        + model
        + ", format="
        + format
        + "}";
  }
}
