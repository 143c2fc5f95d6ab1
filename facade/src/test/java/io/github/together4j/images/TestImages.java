package io.github.together4j.images;

import io.github.together4j.images.generated.model.ImageChoicesData;
import io.github.together4j.images.generated.model.ImageResponse;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import okhttp3.OkHttpClient;

/** Real image fixtures, made in the test rather than checked in, and results built from them. */
final class TestImages {
  private TestImages() {}

  /** A PNG of the given size with a gradient, so it is not trivially compressible to nothing. */
  static byte[] png(int width, int height) {
    return encode(picture(width, height, BufferedImage.TYPE_INT_ARGB), "png");
  }

  static byte[] jpeg(int width, int height) {
    return encode(picture(width, height, BufferedImage.TYPE_INT_RGB), "jpeg");
  }

  static byte[] gif(int width, int height) {
    return encode(picture(width, height, BufferedImage.TYPE_INT_RGB), "gif");
  }

  /**
   * A valid 1×1 lossless WebP, built by hand because ImageIO cannot write WebP: a RIFF container
   * ("RIFF", little-endian size 26, "WEBP") holding one "VP8L" chunk of 13 bytes: signature 0x2f,
   * 14-bit width-1 and height-1 (both 0), alpha and version bits, then the entropy-coded pixel.
   */
  static byte[] webp() {
    byte[] riff = {'R', 'I', 'F', 'F', 26, 0, 0, 0, 'W', 'E', 'B', 'P'};
    byte[] chunk = {'V', 'P', '8', 'L', 13, 0, 0, 0};
    byte[] bitstream = {
      0x2f, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, (byte) 0x88, (byte) 0x88, (byte) 0xfe, 0x07
    };
    byte[] out = new byte[riff.length + chunk.length + bitstream.length + 1];
    System.arraycopy(riff, 0, out, 0, riff.length);
    System.arraycopy(chunk, 0, out, riff.length, chunk.length);
    System.arraycopy(bitstream, 0, out, riff.length + chunk.length, bitstream.length);
    // The chunk's payload is odd-sized, so RIFF pads it with one zero byte.
    return out;
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** A result holding the given base64 images, indexes 0, 1, …, as a client would build it. */
  static ImageGenerationResult base64Result(String... b64) {
    List<ImageChoicesData> data = new ArrayList<>();
    for (int i = 0; i < b64.length; i++) {
      data.add(
          ImageChoicesData.builder()
              .index(i)
              .b64Json(b64[i])
              .type(ImageChoicesData.TypeEnum.B64_JSON)
              .build());
    }
    return ImageGenerationResult.of(response(data), downloader());
  }

  static ImageResponse response(List<ImageChoicesData> data) {
    return ImageResponse.builder()
        .id("gen-test")
        .model("test/model")
        .object(ImageResponse.ObjectEnum.LIST)
        .data(data)
        .build();
  }

  static Downloader downloader() {
    return new Downloader(
        new OkHttpClient(),
        RetryPolicy.standard(0),
        Downloader.DEFAULT_MAX_BYTES,
        "together4j-test");
  }

  /** {@code text} with {@code bad} inserted {@code fromEnd} characters before its end. */
  static String withBadCharNearEnd(String text, char bad, int fromEnd) {
    int at = text.length() - fromEnd;
    return text.substring(0, at) + bad + text.substring(at);
  }

  /** The names in {@code dir}, hidden ones included, sorted. */
  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static BufferedImage picture(int width, int height, int type) {
    BufferedImage image = new BufferedImage(width, height, type);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, new Color(0xf4c430), width, height, new Color(0x2e5e4e)));
    g.fillRect(0, 0, width, height);
    g.setColor(new Color(0x8b4513));
    g.fillOval(width / 4, height / 4, Math.max(1, width / 2), Math.max(1, height / 2));
    g.dispose();
    return image;
  }

  private static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
