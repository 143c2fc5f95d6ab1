package io.github.together4j.images;

import io.github.together4j.images.generated.model.ImageChoicesData;
import org.jspecify.annotations.Nullable;

/**
 * One generated image, as base64 text or as a URL to download it from.
 *
 * <p>Together sends one or the other, depending on the request's {@code response_format}. Older
 * responses carry no {@code type} field; which of the two is present decides.
 */
public final class GeneratedImage {
  private final ImageChoicesData data;

  GeneratedImage(ImageChoicesData data) {
    this.data = data;
  }

  /**
   * Returns the position of this image among the generated ones, from 0.
   *
   * @return the index
   */
  public int index() {
    return data.index();
  }

  /**
   * Returns the base64 text as sent, or null for a URL result.
   *
   * @return the base64 text, or null
   */
  public @Nullable String b64Json() {
    return data.b64Json();
  }

  /**
   * Returns the URL as sent, or null for a base64 result.
   *
   * @return the URL, or null
   */
  public @Nullable String url() {
    return data.url();
  }

  /**
   * Returns whether the image came as base64 text.
   *
   * @return true if {@link #b64Json()} is not null
   */
  public boolean isBase64() {
    return data.b64Json() != null;
  }

  /**
   * Returns whether the image came as a URL.
   *
   * @return true if this is not a base64 result and {@link #url()} is not null
   */
  public boolean isUrl() {
    return !isBase64() && data.url() != null;
  }

  @Override
  public String toString() {
    String b64 = data.b64Json();
    return "GeneratedImage{index=" + index()
        + (b64 != null ? ", base64 (" + b64.length() + " chars)" : ", url=" + data.url()) + "}";
  }
}
