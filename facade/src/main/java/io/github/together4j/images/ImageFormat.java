package io.github.together4j.images;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * The file format of an image, as its first bytes say.
 *
 * <p>together4j never takes the format from the request's {@code output_format}: models ignore it
 * at times, and a storage host may send something else entirely. The magic bytes decide.
 */
public enum ImageFormat {
  /** Portable Network Graphics, {@code image/png}. */
  PNG("png", "image/png"),
  /** JPEG, {@code image/jpeg}; files are named {@code .jpg}, and {@code .jpeg} is accepted. */
  JPEG("jpg", "image/jpeg"),
  /** WebP, {@code image/webp}. */
  WEBP("webp", "image/webp"),
  /** GIF, {@code image/gif}. */
  GIF("gif", "image/gif"),
  /** None of the above: the bytes are not an image together4j recognizes. */
  UNKNOWN("bin", "application/octet-stream");

  /** How many leading bytes {@link #detect(byte[])} needs to tell every format apart. */
  static final int HEADER_LENGTH = 12;

  private final String extension;
  private final String mimeType;

  ImageFormat(String extension, String mimeType) {
    this.extension = extension;
    this.mimeType = mimeType;
  }

  /**
   * Returns the file extension used when saving, without the dot: {@code png}, {@code jpg}, {@code
   * webp}, {@code gif}, or {@code bin} for {@link #UNKNOWN}.
   *
   * @return the extension
   */
  public String extension() {
    return extension;
  }

  /**
   * Returns the media type, e.g. {@code image/png}.
   *
   * @return the media type
   */
  public String mimeType() {
    return mimeType;
  }

  /**
   * Returns whether {@code extension} (without the dot, any case) is a usual one for this format.
   *
   * @param extension e.g. {@code "JPEG"}
   * @return true for the format's own extension and, for JPEG, {@code jpeg} and {@code jpe}
   */
  public boolean matchesExtension(String extension) {
    requireNonNull(extension, "extension == null");
    String lower = extension.toLowerCase(Locale.ROOT);
    if (this == JPEG) {
      return lower.equals("jpg") || lower.equals("jpeg") || lower.equals("jpe");
    }
    return this != UNKNOWN && lower.equals(this.extension);
  }

  /**
   * Returns the format whose magic bytes start {@code bytes}.
   *
   * @param bytes the whole image or at least its first 12 bytes
   * @return the format, or {@link #UNKNOWN}
   */
  public static ImageFormat detect(byte[] bytes) {
    requireNonNull(bytes, "bytes == null");
    return detect(bytes, bytes.length);
  }

  /** Detects the format from the first {@code length} bytes of {@code bytes}. */
  static ImageFormat detect(byte[] bytes, int length) {
    if (startsWith(bytes, length, 0, 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n')) {
      return PNG;
    }
    if (startsWith(bytes, length, 0, 0xff, 0xd8, 0xff)) {
      return JPEG;
    }
    if (startsWith(bytes, length, 0, 'R', 'I', 'F', 'F')
        && startsWith(bytes, length, 8, 'W', 'E', 'B', 'P')) {
      return WEBP;
    }
    if (startsWith(bytes, length, 0, 'G', 'I', 'F', '8')
        && (startsWith(bytes, length, 4, '7', 'a') || startsWith(bytes, length, 4, '9', 'a'))) {
      return GIF;
    }
    return UNKNOWN;
  }

  private static boolean startsWith(byte[] bytes, int length, int offset, int... magic) {
    if (length < offset + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((bytes[offset + i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
