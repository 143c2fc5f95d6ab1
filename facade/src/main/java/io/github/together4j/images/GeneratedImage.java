package io.github.together4j.images;

import static java.util.Objects.requireNonNull;

import io.github.together4j.images.TogetherException.Failure;
import io.github.together4j.images.generated.model.ImageChoicesData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.jspecify.annotations.Nullable;

/**
 * One generated image, as base64 text or as a URL to download it from, with the ways to get at its
 * bytes.
 *
 * <pre>{@code
 * GeneratedImage image = result.images().get(0);
 * Path file = image.saveTo(Path.of("sunflower"));   // sunflower.png, or .jpg: the bytes decide
 * byte[] bytes = image.bytes();
 * }</pre>
 *
 * <p>Together sends one or the other, depending on the request's {@code response_format}. Older
 * responses carry no {@code type} field; which of the two is present decides. Every method works
 * for both: a URL result is downloaded through the client that generated it, with its timeouts and
 * retries, a size limit ({@link TogetherImages.Builder#maxDownloadBytes(long)}) and never the API
 * key. URL results expire: save them soon after generating. A result stays usable after its client
 * is closed.
 *
 * <p>{@link #format()} comes from the image's first bytes, never from the request's {@code
 * output_format}. Failures are a {@link TogetherException} for what Together sent (invalid base64
 * is a {@link MalformedResponseException} naming the image and the offset; a failed download says
 * why), an {@link UncheckedIOException} for the local file system.
 */
public final class GeneratedImage {
  private final ImageChoicesData data;

  /**
   * The base64 text: the record's String, or the bytes it arrived as when the response was read
   * without building one ({@link JsonBody#readGeneration}); null for a URL result.
   */
  private final @Nullable CharSequence base64;

  private final Downloader downloader;
  private volatile @Nullable ImageFormat format;

  /** The String {@link #b64Json()} built from {@link #base64}'s bytes, once asked for. */
  private volatile @Nullable String b64Json;

  GeneratedImage(ImageChoicesData data, Downloader downloader) {
    this(data, null, downloader);
  }

  /** An image whose base64 text is {@code ascii} if not null, else the record's. */
  GeneratedImage(ImageChoicesData data, Base64Stream.@Nullable Ascii ascii, Downloader downloader) {
    this.data = data;
    this.base64 = ascii != null ? ascii : data.b64Json();
    this.b64Json = data.b64Json();
    this.downloader = downloader;
  }

  /** The record as read, whose base64 text may be held here instead. */
  ImageChoicesData rawData() {
    return data;
  }

  /** The record as the generated client would have read it: with its base64 text as a String. */
  ImageChoicesData data() {
    return data.b64Json() != null || base64 == null
        ? data
        : data.toBuilder().b64Json(b64Json()).build();
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
    String text = b64Json;
    if (text == null && base64 != null) {
      // Built on the first call only: generate() keeps the bytes it read, not a String.
      text = base64.toString();
      b64Json = text;
    }
    return text;
  }

  /**
   * Returns the URL as sent, or null for a base64 result. It usually carries a signature that
   * grants access, so treat it as a secret until it expires.
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
    return base64 != null;
  }

  /**
   * Returns whether the image came as a URL.
   *
   * @return true if this is not a base64 result and {@link #url()} is not null
   */
  public boolean isUrl() {
    return !isBase64() && data.url() != null;
  }

  /**
   * Returns the image's format, from its magic bytes. For base64 only the first 16 characters are
   * decoded; a URL result is fetched up to its first bytes, unless a download already told, and the
   * answer remembered.
   *
   * @return the format; {@link ImageFormat#UNKNOWN} for base64 of bytes that are no known image
   * @throws MalformedResponseException if the base64 text starts with invalid characters, or the
   *     URL serves something that is not a PNG, JPEG, WebP or GIF image (an HTML error page, say)
   * @throws TogetherException if the download fails
   */
  public ImageFormat format() {
    ImageFormat known = format;
    if (known == null) {
      known =
          isBase64()
              ? base64(() -> Base64Stream.detect(b64(), subject()))
              : downloader.fetch(requiredUrl(), index(), false, download -> download.format);
      format = known;
    }
    return known;
  }

  /**
   * Returns the image's bytes: the base64 text decoded, or the URL downloaded. Each call decodes or
   * downloads again; to write the image somewhere, {@link #saveTo} and {@link #writeTo} do it
   * without holding it all in memory.
   *
   * @return a new array
   * @throws MalformedResponseException if the base64 text is invalid, or the download is not an
   *     image or is larger than the limit
   * @throws TogetherException if the download fails
   */
  public byte[] bytes() {
    if (isBase64()) {
      return base64(() -> Base64Stream.decode(b64(), subject()));
    }
    return downloader.fetch(
        requiredUrl(),
        index(),
        true,
        download -> {
          format = download.format;
          int expected = (int) Math.max(0, Math.min(download.contentLength, 1 << 24));
          ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(expected, 8192));
          download.stream.transferTo(out);
          return out.toByteArray();
        });
  }

  /**
   * Opens a stream of the image's bytes, decoded from base64 as it is read or streamed from the
   * download. The caller closes it. Invalid base64 found while reading is an {@link IOException}
   * whose message names the image and the offset. A download stream is bound by the client's call
   * timeout (5 minutes by default) and its size limit, and is not retried once open.
   *
   * @return a new stream
   * @throws TogetherException if the download cannot be started
   */
  public InputStream openStream() {
    if (isBase64()) {
      return new Base64Stream(b64(), subject());
    }
    return downloader.fetch(requiredUrl(), index(), false, Downloader.Download::handOff);
  }

  /**
   * Writes the image's bytes to {@code out}, through a fixed-size buffer, and leaves it open.
   *
   * @param out where to write
   * @return the number of bytes written
   * @throws IOException if {@code out} fails
   * @throws MalformedResponseException if the base64 text is invalid; part of the image may have
   *     been written by then
   * @throws TogetherException if the download fails
   */
  public long writeTo(OutputStream out) throws IOException {
    requireNonNull(out, "out == null");
    try {
      if (isBase64()) {
        try (InputStream in = new Base64Stream(b64(), subject())) {
          // Straight from the stream's decode buffer to out: no second buffer, no second copy.
          return in.transferTo(out);
        } catch (InvalidImageDataException e) {
          throw malformed(e);
        }
      }
      return downloader.fetch(
          requiredUrl(), index(), false, download -> copy(download.stream, out, false));
    } catch (WriteFailure e) {
      throw e.getCause();
    }
  }

  /**
   * Saves the image to a file and returns the file written.
   *
   * <ul>
   *   <li>An existing directory gets {@code image_<index>.<ext>}, e.g. {@code out/image_0.png}.
   *   <li>A name without extension gets the detected one: {@code sunflower} → {@code sunflower.png}
   *       (or {@code .jpg}, {@code .webp}, {@code .gif}).
   *   <li>A name whose extension does not match the image is refused, unless {@link
   *       SaveOption#KEEP_EXTENSION} is given.
   *   <li>An existing file is never replaced, unless {@link SaveOption#OVERWRITE} is given.
   *   <li>Missing parent directories are created.
   * </ul>
   *
   * <p>The bytes go to a hidden temporary file in the same directory ({@code
   * .<name>.<random>.part}), flushed to disk and then moved into place atomically: a failure, even
   * a crash, never leaves a truncated image under the final name. Base64 is decoded straight to the
   * file through a 64 KiB buffer; a URL is streamed to it, and retried from the start if the
   * connection breaks.
   *
   * @param target a file name or an existing directory
   * @param options {@link SaveOption#OVERWRITE}, {@link SaveOption#KEEP_EXTENSION}
   * @return the file written
   * @throws IllegalArgumentException if the extension does not match the image
   * @throws MalformedResponseException if the data is invalid base64, or not a PNG, JPEG, WebP or
   *     GIF image
   * @throws TogetherException if the download fails
   * @throws UncheckedIOException if the file cannot be written, e.g. {@link
   *     java.nio.file.FileAlreadyExistsException} or {@link java.nio.file.AccessDeniedException}
   */
  public Path saveTo(Path target, SaveOption... options) {
    requireNonNull(target, "target == null");
    if (isBase64()) {
      return base64(
          () ->
              ImageFiles.saveBase64(
                  b64(),
                  subject(),
                  "image " + index(),
                  index(),
                  target,
                  options,
                  "use bytes() or writeTo() to keep it anyway"));
    }
    boolean overwrite = ImageFiles.has(options, SaveOption.OVERWRITE);
    boolean keepExtension = ImageFiles.has(options, SaveOption.KEEP_EXTENSION);
    ImageFiles.checkEarly(target, overwrite);
    return downloader.fetch(
        requiredUrl(),
        index(),
        true,
        download -> {
          format = download.format;
          Path file = ImageFiles.resolve(target, index(), download.format, keepExtension);
          try {
            save(file, overwrite, out -> copy(download.stream, out, true));
          } catch (NetworkFailure e) {
            throw e.getCause();
          }
          return file;
        });
  }

  /**
   * Returns the image as a {@code data:} URI, e.g. for an HTML {@code <img src>}. Line breaks in
   * the base64 text are dropped; a URL result is downloaded and encoded.
   *
   * @return {@code data:image/png;base64,…} (or the detected format's media type)
   */
  public String dataUri() {
    if (isBase64()) {
      return "data:" + format().mimeType() + ";base64," + Base64Images.withoutLineBreaks(b64());
    }
    byte[] bytes = bytes();
    return "data:"
        + ImageFormat.detect(bytes).mimeType()
        + ";base64,"
        + Base64.getEncoder().encodeToString(bytes);
  }

  /**
   * Returns the image decoded into pixels with {@code javax.imageio}, which reads PNG, JPEG and
   * GIF. WebP needs an ImageIO plugin on the class path (e.g. TwelveMonkeys' {@code imageio-webp}).
   *
   * @return the image
   * @throws UnsupportedOperationException if no installed ImageIO reader handles the format
   * @throws MalformedResponseException if the bytes are not a readable image
   * @throws TogetherException if the download fails
   */
  public BufferedImage toBufferedImage() {
    byte[] bytes = bytes();
    ImageFormat detected = ImageFormat.detect(bytes);
    if (detected == ImageFormat.UNKNOWN
        || !ImageIO.getImageReadersByMIMEType(detected.mimeType()).hasNext()) {
      throw new UnsupportedOperationException(
          "image "
              + index()
              + " is "
              + (detected == ImageFormat.UNKNOWN
                  ? "not a known image format"
                  : detected
                      + ", which javax.imageio on this JVM cannot read; add an ImageIO plugin for"
                      + " it (e.g. TwelveMonkeys imageio-"
                      + detected.extension()
                      + ")")
              + ": use bytes(), writeTo() or saveTo() instead");
    }
    try {
      // ImageIO.read closes the stream when it returns an image; a memory cache, not a temp file.
      MemoryCacheImageInputStream in =
          new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
      BufferedImage image = ImageIO.read(in);
      if (image == null) {
        in.close();
        throw new UnsupportedOperationException(
            "image " + index() + " is " + detected + ", but no ImageIO reader accepted it");
      }
      return image;
    } catch (IOException e) {
      throw new MalformedResponseException(
          "image " + index() + " is not a readable " + detected + ": " + e.getMessage(),
          Failure.noResponse(0),
          e);
    }
  }

  @Override
  public String toString() {
    CharSequence b64 = base64;
    if (b64 != null) {
      return "GeneratedImage{index=" + index() + ", base64 (" + b64.length() + " chars)}";
    }
    return "GeneratedImage{index=" + index() + ", url=" + downloader.shown(requiredUrl()) + "}";
  }

  private CharSequence b64() {
    return requireNonNull(base64);
  }

  /** The URL of a URL result; results without either are refused when the response arrives. */
  private String requiredUrl() {
    return requireNonNull(data.url(), "url");
  }

  private String subject() {
    return "b64_json of image " + index();
  }

  /** Decoding work that may find the text invalid. */
  private interface Decoding<T> {
    T run() throws InvalidImageDataException;
  }

  private <T> T base64(Decoding<T> decoding) {
    try {
      return decoding.run();
    } catch (InvalidImageDataException e) {
      throw malformed(e);
    }
  }

  private void save(Path file, boolean overwrite, ImageFiles.Writer writer) {
    try {
      ImageFiles.writeAtomically(file, overwrite, writer);
    } catch (NetworkFailure e) {
      throw e;
    } catch (IOException e) {
      throw cannotSave(file, e);
    } catch (WriteFailure e) {
      throw cannotSave(file, e.getCause());
    }
  }

  private UncheckedIOException cannotSave(Path file, IOException e) {
    return new UncheckedIOException("cannot save image " + index() + " to " + file + ": " + e, e);
  }

  private static MalformedResponseException malformed(InvalidImageDataException e) {
    return new MalformedResponseException(e.getMessage(), Failure.noResponse(0), e);
  }

  /**
   * Copies {@code in} to {@code out} through a fixed buffer. A write failure comes out unchecked,
   * so a download's retry logic never mistakes the disk or the caller's stream for the network;
   * with {@code tagReads}, a read failure comes out as a {@link NetworkFailure}, to pass through
   * the file writer unchanged.
   */
  private static long copy(InputStream in, OutputStream out, boolean tagReads) throws IOException {
    byte[] buffer = new byte[Base64Stream.BUFFER_SIZE];
    long total = 0;
    while (true) {
      int n;
      try {
        n = in.read(buffer);
      } catch (IOException e) {
        if (tagReads) {
          throw new NetworkFailure(e);
        }
        throw e;
      }
      if (n == -1) {
        return total;
      }
      try {
        out.write(buffer, 0, n);
      } catch (IOException e) {
        throw new WriteFailure(e);
      }
      total += n;
    }
  }

  /** A failure writing, carried unchecked past a download's retry loop. */
  private static final class WriteFailure extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    WriteFailure(IOException cause) {
      super(cause);
    }
  }

  /** A failure reading the download, carried through the file writer to the retry loop. */
  private static final class NetworkFailure extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    NetworkFailure(IOException cause) {
      super(cause);
    }
  }
}
