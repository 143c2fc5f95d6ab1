package io.github.together4j.images;

import com.squareup.moshi.JsonDataException;
import java.util.List;

/**
 * What a 2xx answer of {@code POST /images/generations} must hold beyond its JSON schema, checked
 * in this one place for the typed path ({@link ImageGenerationResult}) and the streaming one
 * ({@link StreamingSave}): at least one image, each with {@code b64_json} or {@code url}, no index
 * twice. A broken rule is a {@link JsonDataException}: the body arrived whole and is not the
 * contract, so it is never retried.
 */
final class ResponseContract {
  private ResponseContract() {}

  /** One image as the contract sees it. */
  record Image(int index, boolean base64, boolean url) {}

  /**
   * Checks the images of response {@code id}, given in index order.
   *
   * @throws JsonDataException naming the first rule broken
   */
  static void check(String id, List<Image> images) {
    if (images.isEmpty()) {
      throw new JsonDataException("response " + id + " has no images: data is empty");
    }
    for (int i = 0; i < images.size(); i++) {
      Image image = images.get(i);
      if (!image.base64() && !image.url()) {
        throw new JsonDataException(
            "response " + id + ": image " + image.index() + " has neither b64_json nor url");
      }
      if (i > 0 && images.get(i - 1).index() == image.index()) {
        throw new JsonDataException(
            "response " + id + " has two images with index " + image.index());
      }
    }
  }
}
