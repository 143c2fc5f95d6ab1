package io.github.together4j.images;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Decodes, inspects and saves base64 image text you hold yourself: a {@code b64_json} from {@link
 * ImageGenerationResult#raw()}, a stored response, another client's output.
 *
 * <pre>{@code
 * String b64 = response.data().get(0).b64Json();
 * ImageFormat format = Base64Images.detectFormat(b64);   // PNG, JPEG, WEBP, GIF or UNKNOWN
 * Path file = Base64Images.save(b64, Path.of("out/sunflower"));
 * }</pre>
 *
 * <p>Decoding is strict: the standard alphabet ({@code A–Z a–z 0–9 + /}), with or without {@code =}
 * padding, with or without line breaks (CR, LF). Anything else, such as spaces, the URL-safe {@code
 * -} and {@code _}, a {@code data:} prefix or a truncated quantum, is rejected with an error that
 * says at which offset; the text itself never appears in messages or logs.
 *
 * <p>{@link #save} and {@link #openStream} decode as they write or are read, through a fixed
 * buffer, so the decoded image is never held in memory next to its text.
 */
public final class Base64Images {
  private static final String SUBJECT = "base64 text";

  private Base64Images() {}

  /**
   * Returns the bytes {@code base64} encodes.
   *
   * @param base64 standard base64, padding and line breaks optional
   * @return a new array
   * @throws IllegalArgumentException if the text is empty or not strict base64; the message gives
   *     the offset of the problem
   */
  public static byte[] decode(CharSequence base64) {
    requireNonNull(base64, "base64 == null");
    try {
      return Base64Stream.decode(base64, SUBJECT);
    } catch (InvalidImageDataException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Returns a stream that decodes {@code base64} as it is read. Invalid text found while reading is
   * an {@link IOException} that gives the offset.
   *
   * @param base64 standard base64, padding and line breaks optional
   * @return a new stream; closing it is optional
   */
  public static InputStream openStream(CharSequence base64) {
    requireNonNull(base64, "base64 == null");
    return new Base64Stream(base64, SUBJECT);
  }

  /**
   * Returns the format of the image {@code base64} encodes, decoding only its first 16 characters.
   *
   * @param base64 standard base64
   * @return the format, or {@link ImageFormat#UNKNOWN}
   * @throws IllegalArgumentException if the text is empty or its start is not base64
   */
  public static ImageFormat detectFormat(CharSequence base64) {
    requireNonNull(base64, "base64 == null");
    try {
      return Base64Stream.detect(base64, SUBJECT);
    } catch (InvalidImageDataException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Saves the image {@code base64} encodes, as {@link GeneratedImage#saveTo} does: extension from
   * the bytes when {@code target} has none, {@code image_0.<ext>} inside an existing directory,
   * written atomically, never replacing a file unless {@link SaveOption#OVERWRITE} is given.
   *
   * @param base64 standard base64 of a PNG, JPEG, WebP or GIF image
   * @param target a file name or an existing directory
   * @param options {@link SaveOption#OVERWRITE}, {@link SaveOption#KEEP_EXTENSION}
   * @return the file written
   * @throws IllegalArgumentException if the text is not strict base64, does not encode a known
   *     image format, or the target's extension does not match the image
   * @throws UncheckedIOException if the file cannot be written
   */
  public static Path save(CharSequence base64, Path target, SaveOption... options) {
    requireNonNull(base64, "base64 == null");
    requireNonNull(target, "target == null");
    try {
      return ImageFiles.saveBase64(base64, SUBJECT, "image", 0, target, options, null);
    } catch (InvalidImageDataException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Returns {@code base64} as a {@code data:} URI with the media type of the image it encodes, line
   * breaks removed.
   *
   * @param base64 standard base64
   * @return e.g. {@code data:image/png;base64,iVBORw0KGgo…}
   * @throws IllegalArgumentException if the text's start is not base64
   */
  public static String dataUri(CharSequence base64) {
    return "data:" + detectFormat(base64).mimeType() + ";base64," + withoutLineBreaks(base64);
  }

  static String withoutLineBreaks(CharSequence base64) {
    String text = base64.toString();
    if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      text = text.replace("\r", "").replace("\n", "");
    }
    return text;
  }
}
