package io.github.together4j.images;

import io.github.together4j.images.generated.model.ImageChoicesData;
import io.github.together4j.images.generated.model.ImageResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

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

  /** {@link #raw} with its base64 texts as Strings, built when {@link #raw()} is first called. */
  private volatile @Nullable ImageResponse withText;

  /** Knows the API key, to keep it out of {@link #toString()} should the server echo it. */
  private final Downloader downloader;

  private ImageGenerationResult(
      ImageResponse raw, List<GeneratedImage> images, Downloader downloader) {
    this.raw = raw;
    this.images = images;
    this.downloader = downloader;
  }

  /**
   * Wraps a parsed response.
   *
   * @throws com.squareup.moshi.JsonDataException if it breaks the {@link ResponseContract}
   */
  static ImageGenerationResult of(ImageResponse raw, Downloader downloader) {
    return of(raw, Map.of(), downloader);
  }

  /**
   * Wraps a response read by {@link JsonBody#readGeneration}: each record in {@code base64} has its
   * text there, as bytes.
   *
   * @throws com.squareup.moshi.JsonDataException if it breaks the {@link ResponseContract}
   */
  static ImageGenerationResult of(
      ImageResponse raw, Map<ImageChoicesData, Base64Stream.Ascii> base64, Downloader downloader) {
    List<GeneratedImage> images =
        raw.data().stream()
            .sorted(Comparator.comparingInt(ImageChoicesData::index))
            .map(data -> new GeneratedImage(data, base64.get(data), downloader))
            .toList();
    ResponseContract.check(
        raw.id(),
        images.stream()
            .map(
                image -> new ResponseContract.Image(image.index(), image.isBase64(), image.isUrl()))
            .toList());
    return new ImageGenerationResult(raw, images, downloader);
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
   * Saves every image into {@code directory} as {@code image_<index>.<ext>} and returns the files
   * in index order. See {@link #saveAll(Path, String, SaveOption...)}.
   *
   * @param directory the directory, created if missing
   * @param options {@link SaveOption#OVERWRITE}, {@link SaveOption#KEEP_EXTENSION}
   * @return the files written, in index order
   */
  public List<Path> saveAll(Path directory, SaveOption... options) {
    return saveAll(directory, ImageFiles.DEFAULT_PATTERN, options);
  }

  /**
   * Saves every image into {@code directory}, named by {@code namePattern} with {@code {index}}
   * replaced, and returns the files in index order.
   *
   * <pre>{@code
   * result.saveAll(Path.of("out"), "sunflower_{index}");  // out/sunflower_0.png, out/sunflower_1.png
   * }</pre>
   *
   * <p>Each image is saved as {@link GeneratedImage#saveTo} saves one: extension from the bytes,
   * atomic, never replacing a file unless {@link SaveOption#OVERWRITE} is given. For base64 results
   * every target name is checked before the first file is written, so a name conflict writes
   * nothing. If an image fails later, the images before it stay saved, complete.
   *
   * <p><b>Memory.</b> The images are written one at a time, each decoded from its base64 text
   * straight to its file through one 64 KiB buffer (URL results are streamed the same way). The
   * peak is therefore the result itself, which holds the response's base64 text (1 byte per
   * character, about 4/3 of the image bytes), plus 64 KiB: never a decoded copy of an image, let
   * alone of all {@code n}.
   *
   * @param directory the directory, created if missing
   * @param namePattern a file name, without directories, containing {@code {index}} when there is
   *     more than one image; an extension is optional and checked like {@link
   *     GeneratedImage#saveTo}'s
   * @param options {@link SaveOption#OVERWRITE}, {@link SaveOption#KEEP_EXTENSION}
   * @return the files written, in index order
   * @throws IllegalArgumentException if the pattern is empty, names a directory, has a control
   *     character, gives names longer than 255 bytes, or would give two images the same name
   */
  public List<Path> saveAll(Path directory, String namePattern, SaveOption... options) {
    java.util.Objects.requireNonNull(directory, "directory == null");
    java.util.Objects.requireNonNull(namePattern, "namePattern == null");
    boolean overwrite = ImageFiles.has(options, SaveOption.OVERWRITE);
    boolean keepExtension = ImageFiles.has(options, SaveOption.KEEP_EXTENSION);
    ImageFiles.checkPattern(namePattern, images.size());
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create directory " + directory + ": " + e, e);
    }
    List<Path> targets = new ArrayList<>(images.size());
    for (GeneratedImage image : images) {
      Path target = directory.resolve(ImageFiles.name(namePattern, image.index()));
      targets.add(target);
      if (image.isBase64() && image.format() != ImageFormat.UNKNOWN) {
        Path file = ImageFiles.resolve(target, image.index(), image.format(), keepExtension);
        try {
          ImageFiles.checkWritable(file, overwrite);
        } catch (IOException e) {
          throw new UncheckedIOException(
              "cannot save image " + image.index() + " to " + file + ": " + e, e);
        }
      }
    }
    List<Path> written = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      written.add(images.get(i).saveTo(targets.get(i), options));
    }
    return List.copyOf(written);
  }

  /**
   * Returns the response as parsed by the generated client, for properties this class does not
   * expose.
   *
   * @return the generated response
   */
  public ImageResponse raw() {
    ImageResponse full = withText;
    if (full == null) {
      full = raw;
      if (images.stream().anyMatch(image -> image.data() != image.rawData())) {
        // In the response's own order, each image's record with its text as a String.
        java.util.Map<ImageChoicesData, GeneratedImage> byRecord =
            new java.util.IdentityHashMap<>();
        images.forEach(image -> byRecord.put(image.rawData(), image));
        full =
            raw.toBuilder()
                .data(raw.data().stream().map(data -> byRecord.get(data).data()).toList())
                .build();
      }
      withText = full;
    }
    return full;
  }

  @Override
  public String toString() {
    return downloader.redacted(
        "ImageGenerationResult{id=" + id() + ", model=" + model() + ", images=" + images + "}");
  }
}
