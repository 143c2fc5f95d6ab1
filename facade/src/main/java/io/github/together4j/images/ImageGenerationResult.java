package io.github.together4j.images;

import io.github.together4j.images.generated.model.ImageChoicesData;
import io.github.together4j.images.generated.model.ImageResponse;
import java.util.Comparator;
import java.util.List;

/**
 * The images Together generated for one request, with the response's metadata.
 *
 * <pre>{@code
 * ImageGenerationResult result = client.generate("a lighthouse at dusk");
 * System.out.println(result.id() + " by " + result.model());
 * for (GeneratedImage image : result.images()) {
 *   System.out.println(image.index() + ": " + (image.isBase64() ? "base64" : image.url()));
 * }
 * }</pre>
 */
public final class ImageGenerationResult {
  private final ImageResponse raw;
  private final List<GeneratedImage> images;

  private ImageGenerationResult(ImageResponse raw, List<GeneratedImage> images) {
    this.raw = raw;
    this.images = images;
  }

  /** Wraps a parsed response; fails if it carries no image. */
  static ImageGenerationResult of(ImageResponse raw) {
    if (raw.data().isEmpty()) {
      throw new IllegalStateException("response " + raw.id() + " has no images: data is empty");
    }
    List<GeneratedImage> images =
        raw.data().stream()
            .sorted(Comparator.comparingInt(ImageChoicesData::index))
            .map(GeneratedImage::new)
            .toList();
    return new ImageGenerationResult(raw, images);
  }

  /**
   * Returns the id Together gave this generation.
   *
   * @return the id
   */
  public String id() {
    return raw.id();
  }

  /**
   * Returns the model that generated the images.
   *
   * @return the model
   */
  public String model() {
    return raw.model();
  }

  /**
   * Returns the object type as sent, {@code "list"}.
   *
   * @return the object type
   */
  public String object() {
    return raw.object().value();
  }

  /**
   * Returns the images, in {@code index} order.
   *
   * @return an unmodifiable, non-empty list
   */
  public List<GeneratedImage> images() {
    return images;
  }

  /**
   * Returns the response as parsed by the generated client, for properties this class does not
   * expose.
   *
   * @return the generated response
   */
  public ImageResponse raw() {
    return raw;
  }

  @Override
  public String toString() {
    return "ImageGenerationResult{id=" + id() + ", model=" + model() + ", images=" + images + "}";
  }
}
