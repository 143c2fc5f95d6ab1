package io.github.together4j.images;

import java.nio.file.Path;
import java.util.List;

/**
 * The images {@link TogetherImages#generateAndSave} wrote, with the response's metadata.
 *
 * <pre>{@code
 * SavedImages saved = client.generateAndSave(request, Path.of("out"));
 * for (SavedImages.Image image : saved.images()) {
 *   System.out.println(image.path() + ": " + image.format() + ", " + image.size() + " bytes");
 * }
 * }</pre>
 */
public final class SavedImages {
  /**
   * One image as written.
   *
   * @param index the image's {@code index} in the response
   * @param path the file written
   * @param format the format its bytes start with
   * @param size the file's size in bytes
   */
  public record Image(int index, Path path, ImageFormat format, long size) {}

  private final String id;
  private final String model;
  private final String object;
  private final List<Image> images;
  private final Downloader downloader;

  SavedImages(String id, String model, String object, List<Image> images, Downloader downloader) {
    this.id = id;
    this.model = model;
    this.object = object;
    this.images = List.copyOf(images);
    this.downloader = downloader;
  }

  /**
   * Returns the id Together gave this generation.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Returns the model that generated the images.
   *
   * @return the model
   */
  public String model() {
    return model;
  }

  /**
   * Returns the object type as sent, {@code "list"}.
   *
   * @return the object type
   */
  public String object() {
    return object;
  }

  /**
   * Returns the images written, in {@code index} order.
   *
   * @return an unmodifiable, non-empty list
   */
  public List<Image> images() {
    return images;
  }

  /**
   * Returns the files written, in {@code index} order.
   *
   * @return an unmodifiable, non-empty list
   */
  public List<Path> paths() {
    return images.stream().map(Image::path).toList();
  }

  @Override
  public String toString() {
    // The server's words, redacted as ImageGenerationResult's are.
    return downloader.redacted(
        "SavedImages{id=" + id + ", model=" + model + ", images=" + images + "}");
  }
}
