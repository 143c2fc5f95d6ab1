package io.github.together4j.images;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageFormatTest {
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** "RIFF", the 4 size bytes, then the form type and whatever follows it. */
  private static byte[] riff(byte[] size, String formTypeAndMore) {
    return concat(concat("RIFF".getBytes(US_ASCII), size), formTypeAndMore.getBytes(US_ASCII));
  }

  @Test
  void detectsPngFromItsEightByteSignature() {
    assertThat(ImageFormat.detect(PNG_MAGIC)).isEqualTo(ImageFormat.PNG);
    assertThat(ImageFormat.detect(TestImages.png(3, 2))).isEqualTo(ImageFormat.PNG);
    byte[] almost = PNG_MAGIC.clone();
    almost[7] = '\r';
    assertThat(ImageFormat.detect(almost)).isEqualTo(ImageFormat.UNKNOWN);
    assertThat(ImageFormat.detect("PNG image".getBytes(US_ASCII))).isEqualTo(ImageFormat.UNKNOWN);
  }

  @Test
  void detectsJpegFromFfD8Ff() {
    assertThat(ImageFormat.detect(bytes(0xff, 0xd8, 0xff))).isEqualTo(ImageFormat.JPEG);
    assertThat(ImageFormat.detect(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F')))
        .isEqualTo(ImageFormat.JPEG);
    assertThat(ImageFormat.detect(TestImages.jpeg(4, 4))).isEqualTo(ImageFormat.JPEG);
    assertThat(ImageFormat.detect(bytes(0xff, 0xd8, 0xfe, 0xe0))).isEqualTo(ImageFormat.UNKNOWN);
    assertThat(ImageFormat.detect(bytes(0xd8, 0xff, 0xff))).isEqualTo(ImageFormat.UNKNOWN);
  }

  @Test
  void detectsGif87aAndGif89a() {
    assertThat(ImageFormat.detect("GIF87a".getBytes(US_ASCII))).isEqualTo(ImageFormat.GIF);
    assertThat(ImageFormat.detect(concat("GIF89a".getBytes(US_ASCII), bytes(1, 0, 1, 0))))
        .isEqualTo(ImageFormat.GIF);
    assertThat(ImageFormat.detect(TestImages.gif(5, 3))).isEqualTo(ImageFormat.GIF);
    assertThat(ImageFormat.detect("GIF88a".getBytes(US_ASCII))).isEqualTo(ImageFormat.UNKNOWN);
    assertThat(ImageFormat.detect("GIF89b".getBytes(US_ASCII))).isEqualTo(ImageFormat.UNKNOWN);
    assertThat(ImageFormat.detect("gif89a".getBytes(US_ASCII))).isEqualTo(ImageFormat.UNKNOWN);
  }

  @Test
  void detectsWebpFromRiffContainerWithWebpFormType() {
    assertThat(ImageFormat.detect(TestImages.webp())).isEqualTo(ImageFormat.WEBP);
    // The RIFF size field (bytes 4..7) is not looked at.
    assertThat(ImageFormat.detect(riff(bytes(0xff, 0xff, 0xff, 0xff), "WEBP")))
        .isEqualTo(ImageFormat.WEBP);
  }

  @Test
  void riffWithAnotherFormTypeIsUnknown() {
    byte[] size = bytes(0x24, 0, 0, 0);
    assertThat(ImageFormat.detect(riff(size, "WAVEfmt "))).isEqualTo(ImageFormat.UNKNOWN);
    assertThat(ImageFormat.detect(riff(size, "AVI LIST"))).isEqualTo(ImageFormat.UNKNOWN);
    assertThat(ImageFormat.detect(riff(size, "WEBp"))).isEqualTo(ImageFormat.UNKNOWN);
    // WEBP at the right place but not inside a RIFF container.
    assertThat(
            ImageFormat.detect(
                concat("RIFX".getBytes(US_ASCII), concat(size, "WEBP".getBytes(US_ASCII)))))
        .isEqualTo(ImageFormat.UNKNOWN);
    // WEBP at the wrong offset.
    assertThat(ImageFormat.detect(concat("RIFFWEBP".getBytes(US_ASCII), size)))
        .isEqualTo(ImageFormat.UNKNOWN);
  }

  @Test
  void emptyInputIsUnknown() {
    assertThat(ImageFormat.detect(new byte[0])).isEqualTo(ImageFormat.UNKNOWN);
  }

  @Test
  void inputShorterThanTheMagicIsUnknown() {
    for (int length = 0; length < PNG_MAGIC.length; length++) {
      assertThat(ImageFormat.detect(Arrays.copyOf(PNG_MAGIC, length)))
          .as("first %d bytes of the PNG signature", length)
          .isEqualTo(ImageFormat.UNKNOWN);
    }
    assertThat(ImageFormat.detect(bytes(0xff, 0xd8))).isEqualTo(ImageFormat.UNKNOWN);
    assertThat(ImageFormat.detect(bytes(0xff))).isEqualTo(ImageFormat.UNKNOWN);
    assertThat(ImageFormat.detect("GIF89".getBytes(US_ASCII))).isEqualTo(ImageFormat.UNKNOWN);
    assertThat(ImageFormat.detect("GIF8".getBytes(US_ASCII))).isEqualTo(ImageFormat.UNKNOWN);
    byte[] webp = TestImages.webp();
    for (int length = 0; length < 12; length++) {
      assertThat(ImageFormat.detect(Arrays.copyOf(webp, length)))
          .as("first %d bytes of a WebP", length)
          .isEqualTo(ImageFormat.UNKNOWN);
    }
    assertThat(ImageFormat.detect(Arrays.copyOf(webp, 12))).isEqualTo(ImageFormat.WEBP);
    assertThat(ImageFormat.detect(Arrays.copyOf(PNG_MAGIC, 8))).isEqualTo(ImageFormat.PNG);
  }

  @Test
  void randomBytesAreUnknown() {
    Random random = new Random(20240611);
    int checked = 0;
    while (checked < 1000) {
      byte[] data = new byte[random.nextInt(64)];
      random.nextBytes(data);
      // Skip arrays whose first byte could start a magic, so the expectation is certain.
      if (data.length >= 1
          && (data[0] == (byte) 0xff
              || data[0] == (byte) 0x89
              || data[0] == 'R'
              || data[0] == 'G')) {
        continue;
      }
      assertThat(ImageFormat.detect(data)).as(Arrays.toString(data)).isEqualTo(ImageFormat.UNKNOWN);
      checked++;
    }
  }

  @Test
  void htmlAndTextAreUnknown() {
    assertThat(
            ImageFormat.detect(
                "<!DOCTYPE html><html><body>503 Service Unavailable</body></html>"
                    .getBytes(US_ASCII)))
        .isEqualTo(ImageFormat.UNKNOWN);
    assertThat(ImageFormat.detect("{\"error\":{\"message\":\"nope\"}}".getBytes(US_ASCII)))
        .isEqualTo(ImageFormat.UNKNOWN);
    // The base64 text of a PNG is not itself a PNG.
    assertThat(ImageFormat.detect(TestImages.base64(TestImages.png(2, 2)).getBytes(US_ASCII)))
        .isEqualTo(ImageFormat.UNKNOWN);
  }

  @Test
  void leadingBytesBeforeTheMagicMakeItUnknown() {
    assertThat(ImageFormat.detect(concat(bytes(0), PNG_MAGIC))).isEqualTo(ImageFormat.UNKNOWN);
    assertThat(ImageFormat.detect(concat(bytes(0xef, 0xbb, 0xbf), TestImages.jpeg(2, 2))))
        .isEqualTo(ImageFormat.UNKNOWN);
  }

  @Test
  void detectsFilesWrittenByImageIo(@TempDir Path dir) throws Exception {
    BufferedImage rgb = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
    rgb.setRGB(3, 2, 0xff8800);
    String[][] cases = {{"png", "PNG"}, {"jpeg", "JPEG"}, {"gif", "GIF"}, {"bmp", "UNKNOWN"}};
    for (String[] c : cases) {
      Path file = dir.resolve("picture." + c[0]);
      assertThat(ImageIO.write(rgb, c[0], file.toFile())).as("ImageIO writes %s", c[0]).isTrue();
      assertThat(ImageFormat.detect(Files.readAllBytes(file)))
          .as("format of an ImageIO %s", c[0])
          .isEqualTo(ImageFormat.valueOf(c[1]));
    }
  }

  @Test
  void detectRejectsNull() {
    assertThatThrownBy(() -> ImageFormat.detect(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("bytes == null");
  }

  @Test
  void packagePrivateDetectLooksOnlyAtTheGivenLength() {
    byte[] png = TestImages.png(2, 2);
    assertThat(ImageFormat.detect(png, 8)).isEqualTo(ImageFormat.PNG);
    assertThat(ImageFormat.detect(png, 7)).isEqualTo(ImageFormat.UNKNOWN);
    assertThat(ImageFormat.detect(TestImages.webp(), 11)).isEqualTo(ImageFormat.UNKNOWN);
    assertThat(ImageFormat.HEADER_LENGTH).isEqualTo(12);
  }

  @Test
  void extensionsAndMimeTypes() {
    assertThat(ImageFormat.PNG.extension()).isEqualTo("png");
    assertThat(ImageFormat.PNG.mimeType()).isEqualTo("image/png");
    assertThat(ImageFormat.JPEG.extension()).isEqualTo("jpg");
    assertThat(ImageFormat.JPEG.mimeType()).isEqualTo("image/jpeg");
    assertThat(ImageFormat.WEBP.extension()).isEqualTo("webp");
    assertThat(ImageFormat.WEBP.mimeType()).isEqualTo("image/webp");
    assertThat(ImageFormat.GIF.extension()).isEqualTo("gif");
    assertThat(ImageFormat.GIF.mimeType()).isEqualTo("image/gif");
    assertThat(ImageFormat.UNKNOWN.extension()).isEqualTo("bin");
    assertThat(ImageFormat.UNKNOWN.mimeType()).isEqualTo("application/octet-stream");
    assertThat(ImageFormat.values())
        .containsExactly(
            ImageFormat.PNG,
            ImageFormat.JPEG,
            ImageFormat.WEBP,
            ImageFormat.GIF,
            ImageFormat.UNKNOWN);
  }

  @Test
  void everyFormatMatchesItsOwnExtensionExceptUnknown() {
    for (ImageFormat format : ImageFormat.values()) {
      assertThat(format.matchesExtension(format.extension()))
          .as("%s matches .%s", format, format.extension())
          .isEqualTo(format != ImageFormat.UNKNOWN);
    }
  }

  @Test
  void matchesExtensionIgnoresCase() {
    assertThat(ImageFormat.PNG.matchesExtension("PNG")).isTrue();
    assertThat(ImageFormat.PNG.matchesExtension("Png")).isTrue();
    assertThat(ImageFormat.WEBP.matchesExtension("WebP")).isTrue();
    assertThat(ImageFormat.GIF.matchesExtension("GIF")).isTrue();
    assertThat(ImageFormat.JPEG.matchesExtension("JPG")).isTrue();
    assertThat(ImageFormat.JPEG.matchesExtension("JpEg")).isTrue();
    assertThat(ImageFormat.JPEG.matchesExtension("JPE")).isTrue();
  }

  @Test
  void matchesExtensionIgnoresTheDefaultLocale() {
    Locale saved = Locale.getDefault();
    Locale.setDefault(Locale.forLanguageTag("tr-TR"));
    try {
      // In Turkish, "I".toLowerCase() is a dotless ı, which would make "GIF" not match "gif".
      assertThat(ImageFormat.GIF.matchesExtension("GIF")).isTrue();
      assertThat(ImageFormat.JPEG.matchesExtension("JPEG")).isTrue();
    } finally {
      Locale.setDefault(saved);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jpg", "jpeg", "jpe", "JPG", "JPEG", "JPE"})
  void jpegMatchesJpgJpegAndJpe(String extension) {
    assertThat(ImageFormat.JPEG.matchesExtension(extension)).isTrue();
    assertThat(ImageFormat.PNG.matchesExtension(extension)).isFalse();
    assertThat(ImageFormat.WEBP.matchesExtension(extension)).isFalse();
    assertThat(ImageFormat.GIF.matchesExtension(extension)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "jfif", "jp", "jpgg", ".jpg", "jpg ", "tiff", "bmp"})
  void jpegDoesNotMatchOtherExtensions(String extension) {
    assertThat(ImageFormat.JPEG.matchesExtension(extension)).isFalse();
  }

  @Test
  void formatsDoNotMatchEachOthersExtensions() {
    assertThat(ImageFormat.PNG.matchesExtension("webp")).isFalse();
    assertThat(ImageFormat.PNG.matchesExtension(".png")).isFalse();
    assertThat(ImageFormat.PNG.matchesExtension("png8")).isFalse();
    assertThat(ImageFormat.WEBP.matchesExtension("png")).isFalse();
    assertThat(ImageFormat.GIF.matchesExtension("jpg")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"bin", "BIN", "png", "jpg", "jpeg", "webp", "gif", "", "octet-stream"})
  void unknownMatchesNoExtension(String extension) {
    assertThat(ImageFormat.UNKNOWN.matchesExtension(extension)).isFalse();
  }

  @Test
  void matchesExtensionRejectsNull() {
    assertThatThrownBy(() -> ImageFormat.PNG.matchesExtension(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("extension == null");
  }
}
