package io.github.together4j.images.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.testkit.internal.ImageRenderer.Format;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ImageRendererTest {

  private static final String PROMPT = "a lighthouse at dusk";

  @ParameterizedTest
  @EnumSource(Format.class)
  void sameArgumentsGiveIdenticalBytes(Format format) {
    byte[] first = ImageRenderer.render(PROMPT, 42, 320, 200, format);
    byte[] second = ImageRenderer.render(PROMPT, 42, 320, 200, format);

    assertThat(second).isEqualTo(first);
  }

  @Test
  void sameArgumentsGiveIdenticalPixels() {
    BufferedImage first = ImageRenderer.renderImage(PROMPT, 7, 97, 61);
    BufferedImage second = ImageRenderer.renderImage(PROMPT, 7, 97, 61);

    assertThat(pixels(second)).isEqualTo(pixels(first));
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void differentSeedGivesDifferentBytesAndPixels(Format format) throws IOException {
    byte[] a = ImageRenderer.render(PROMPT, 1, 256, 256, format);
    byte[] b = ImageRenderer.render(PROMPT, 2, 256, 256, format);

    assertThat(b).isNotEqualTo(a);
    assertThat(differingPixelShare(decode(a), decode(b))).isGreaterThan(0.25);
  }

  @Test
  void differentPromptGivesDifferentImage() {
    BufferedImage a = ImageRenderer.renderImage("a lighthouse at dusk", 42, 256, 256);
    BufferedImage b = ImageRenderer.renderImage("a lighthouse at dawn", 42, 256, 256);

    assertThat(differingPixelShare(a, b)).isGreaterThan(0.25);
  }

  @Test
  void seedIsMixedWithThePromptRatherThanAddedToIt() {
    assertThat(ImageRenderer.seedFor("a", 1)).isNotEqualTo(ImageRenderer.seedFor("b", 0));
    assertThat(ImageRenderer.seedFor("ab", 0)).isNotEqualTo(ImageRenderer.seedFor("ba", 0));
    assertThat(ImageRenderer.seedFor("", 0)).isNotEqualTo(ImageRenderer.seedFor("", 1));
  }

  static Stream<Arguments> sizes() {
    return Stream.of(Format.values())
        .flatMap(
            f ->
                Stream.of(
                    Arguments.of(f, 1, 1),
                    Arguments.of(f, 512, 768),
                    Arguments.of(f, 768, 512),
                    Arguments.of(f, 64, 64),
                    Arguments.of(f, 3, 1000),
                    Arguments.of(f, 4096, 1),
                    Arguments.of(f, 1, 4096)));
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void outputDecodesToTheRequestedSize(Format format, int width, int height) throws IOException {
    BufferedImage decoded = decode(ImageRenderer.render(PROMPT, 42, width, height, format));

    assertThat(decoded.getWidth()).isEqualTo(width);
    assertThat(decoded.getHeight()).isEqualTo(height);
  }

  @Test
  void pngStartsWithPngSignature() {
    byte[] png = ImageRenderer.render(PROMPT, 42, 16, 16, Format.PNG);

    assertThat(Arrays.copyOf(png, 8)).containsExactly(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
  }

  @Test
  void jpegStartsWithStartOfImageMarker() {
    byte[] jpeg = ImageRenderer.render(PROMPT, 42, 16, 16, Format.JPEG);

    assertThat(Arrays.copyOf(jpeg, 3)).containsExactly(0xFF, 0xD8, 0xFF);
  }

  @Test
  void rendersInAHeadlessJvm() {
    assertThat(GraphicsEnvironment.isHeadless())
        .as("surefire runs with java.awt.headless")
        .isTrue();

    assertThat(ImageRenderer.render(PROMPT, 42, 64, 64, Format.PNG)).isNotEmpty();
  }

  @Test
  void renderedImageIsOpaqueRgb() {
    BufferedImage image = ImageRenderer.renderImage(PROMPT, 42, 10, 10);

    assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    assertThat(image.getColorModel().hasAlpha()).isFalse();
  }

  @Test
  void jpegShowsTheSameImageAsPng() throws IOException {
    BufferedImage png = decode(ImageRenderer.render(PROMPT, 42, 200, 120, Format.PNG));
    BufferedImage jpeg = decode(ImageRenderer.render(PROMPT, 42, 200, 120, Format.JPEG));

    assertThat(meanChannelDifference(png, jpeg)).isLessThan(6.0);
  }

  @ParameterizedTest
  @CsvSource({
    "0, 10, width",
    "4097, 10, width",
    "-1, 10, width",
    "10, 0, height",
    "10, 4097, height",
    "10, -20, height"
  })
  void sizeOutOfRangeIsRejectedNamingTheField(int width, int height, String field) {
    assertThatThrownBy(() -> ImageRenderer.render(PROMPT, 42, width, height, Format.PNG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + " must be between 1 and 4096")
        .hasMessageEndingWith("got " + (field.equals("width") ? width : height));
  }

  @Test
  void jpegEncodingRejectsImagesWithAlpha() {
    BufferedImage argb = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);

    assertThatThrownBy(() -> ImageRenderer.encode(argb, Format.JPEG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alpha");
  }

  @ParameterizedTest
  @CsvSource({"0", "1", "42", "-7", "9223372036854775807"})
  void imageIsNotAFlatFill(long seed) {
    BufferedImage image = ImageRenderer.renderImage(PROMPT, seed, 256, 256);
    Set<Integer> colours = new HashSet<>();
    for (int y = 4; y < 256; y += 8) {
      for (int x = 4; x < 256; x += 8) {
        colours.add(image.getRGB(x, y) & 0xFFFFFF);
      }
    }

    assertThat(colours).hasSizeGreaterThan(100);
  }

  @Test
  void compositionIsTheSameAtEverySize() throws IOException {
    BufferedImage small = ImageRenderer.renderImage(PROMPT, 42, 128, 128);
    BufferedImage large = ImageRenderer.renderImage(PROMPT, 42, 512, 512);
    BufferedImage scaled = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
    scaled
        .createGraphics()
        .drawImage(
            large.getScaledInstance(128, 128, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);

    assertThat(meanChannelDifference(small, scaled)).isLessThan(12.0);
  }

  private static BufferedImage decode(byte[] bytes) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
    assertThat(image).as("ImageIO decodes the output").isNotNull();
    return image;
  }

  private static int[] pixels(BufferedImage image) {
    return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
  }

  private static double differingPixelShare(BufferedImage a, BufferedImage b) {
    int[] pa = pixels(a);
    int[] pb = pixels(b);
    int differing = 0;
    for (int i = 0; i < pa.length; i++) {
      if (channelDistance(pa[i], pb[i]) > 24) {
        differing++;
      }
    }
    return (double) differing / pa.length;
  }

  private static double meanChannelDifference(BufferedImage a, BufferedImage b) {
    int[] pa = pixels(a);
    int[] pb = pixels(b);
    long total = 0;
    for (int i = 0; i < pa.length; i++) {
      total += channelDistance(pa[i], pb[i]);
    }
    return total / (3.0 * pa.length);
  }

  private static int channelDistance(int p, int q) {
    return Math.abs(((p >> 16) & 0xFF) - ((q >> 16) & 0xFF))
        + Math.abs(((p >> 8) & 0xFF) - ((q >> 8) & 0xFF))
        + Math.abs((p & 0xFF) - (q & 0xFF));
  }
}
