package io.github.together4j.images;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.Base64;

/**
 * {@link ImageFormat#detect(byte[])} on arbitrary bytes: it never throws, agrees with the magic
 * bytes written out independently below, needs no more than {@link ImageFormat#HEADER_LENGTH}
 * bytes, does not change its mind when bytes are appended, and gives the same answer as {@link
 * Base64Images#detectFormat} on the bytes' base64.
 */
class ImageFormatFuzzTest {
  private static final int[] PNG = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final int[] JPEG = {0xff, 0xd8, 0xff};
  private static final int[] RIFF = {'R', 'I', 'F', 'F'};
  private static final int[] WEBP = {'W', 'E', 'B', 'P'};
  private static final int[] GIF87 = {'G', 'I', 'F', '8', '7', 'a'};
  private static final int[] GIF89 = {'G', 'I', 'F', '8', '9', 'a'};

  @DictionaryFile(resourcePath = "ImageFormatFuzzTest.dict")
  @FuzzTest(maxDuration = "60s")
  void detect(byte[] bytes) {
    ImageFormat format = ImageFormat.detect(bytes);
    ImageFormat expected = magic(bytes);
    if (format != expected) {
      throw new AssertionError("detect() says " + format + ", the magic bytes say " + expected);
    }
    byte[] header = Arrays.copyOf(bytes, Math.min(bytes.length, ImageFormat.HEADER_LENGTH));
    if (ImageFormat.detect(header) != format) {
      throw new AssertionError("the first " + ImageFormat.HEADER_LENGTH + " bytes do not suffice");
    }
    // A prefix tells the same format, or none yet; appending never changes a detected format.
    for (int length = 0;
        length <= bytes.length && length <= ImageFormat.HEADER_LENGTH + 2;
        length++) {
      ImageFormat prefix = ImageFormat.detect(bytes, length);
      if (prefix != ImageFormat.detect(Arrays.copyOf(bytes, length))) {
        throw new AssertionError("detect(bytes, " + length + ") looks past the length");
      }
      if (prefix != ImageFormat.UNKNOWN && prefix != format) {
        throw new AssertionError(
            "a prefix of " + length + " bytes is " + prefix + ", the whole " + format);
      }
    }
    if (format != ImageFormat.UNKNOWN) {
      byte[] longer = Arrays.copyOf(bytes, bytes.length + 7);
      Arrays.fill(longer, bytes.length, longer.length, (byte) 0xa5);
      if (ImageFormat.detect(longer) != format) {
        throw new AssertionError(
            "appending bytes changed " + format + " to " + ImageFormat.detect(longer));
      }
    }
    if (!format
        .mimeType()
        .equals(
            format == ImageFormat.UNKNOWN
                ? "application/octet-stream"
                : "image/" + (format == ImageFormat.JPEG ? "jpeg" : format.extension()))) {
      throw new AssertionError("mime type " + format.mimeType() + " for " + format);
    }
    if (format.matchesExtension(format.extension()) == (format == ImageFormat.UNKNOWN)) {
      throw new AssertionError(format + " and its own extension " + format.extension());
    }
    if (bytes.length > 0) {
      String base64 = Base64.getEncoder().encodeToString(bytes);
      if (Base64Images.detectFormat(base64) != format) {
        throw new AssertionError(
            "detectFormat() on the base64 says " + Base64Images.detectFormat(base64));
      }
    }
  }

  /** The format the magic bytes define, written without looking at {@link ImageFormat}. */
  private static ImageFormat magic(byte[] bytes) {
    if (at(bytes, 0, PNG)) {
      return ImageFormat.PNG;
    }
    if (at(bytes, 0, JPEG)) {
      return ImageFormat.JPEG;
    }
    if (at(bytes, 0, RIFF) && at(bytes, 8, WEBP)) {
      return ImageFormat.WEBP;
    }
    if (at(bytes, 0, GIF87) || at(bytes, 0, GIF89)) {
      return ImageFormat.GIF;
    }
    return ImageFormat.UNKNOWN;
  }

  private static boolean at(byte[] bytes, int offset, int[] magic) {
    if (bytes.length < offset + magic.length) {
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
