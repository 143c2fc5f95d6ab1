package io.github.together4j.spring.ai;

import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageFormat;
import org.springframework.ai.image.ImageGenerationMetadata;

/**
 * What Together said about one generated image: its index, the response's id and model, and the
 * image's format read from its bytes.
 */
public final class TogetherImageGenerationMetadata implements ImageGenerationMetadata {
  private final GeneratedImage image;
  private final String id;
  private final String model;

  TogetherImageGenerationMetadata(GeneratedImage image, String id, String model) {
    this.image = image;
    this.id = id;
    this.model = model;
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
   * Returns the image's format, detected from its first bytes: decoded from base64, or, for a URL
   * result, fetched from the URL on the first call (then remembered).
   *
   * @return the format; {@link ImageFormat#UNKNOWN} for bytes that are no known image
   * @throws io.github.together4j.images.TogetherException if the URL cannot be fetched
   */
  public ImageFormat getFormat() {
    return image.format();
  }

  /** {@return together4j's image, with {@code bytes()}, {@code saveTo(…)} and the rest} */
  public GeneratedImage getImage() {
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
        + "}";
  }
}
