package io.github.together4j.images.benchmarks;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** The benchmark image: RGB noise, which PNG cannot compress, so 720×720 is about 1.5 MB. */
public final class NoisePng {
  /** The side of the default image: 720×720×3 bytes of noise is a ~1.56 MB PNG. */
  public static final int SIDE = 720;

  private NoisePng() {}

  /**
   * Renders a {@code side}×{@code side} noise PNG, the same for the same seed.
   *
   * @param side width and height in pixels
   * @param seed the noise seed
   * @return the PNG bytes
   */
  public static byte[] render(int side, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    int[] row = new int[side];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        row[x] = random.nextInt(1 << 24);
      }
      image.setRGB(0, y, side, 1, row, 0, side);
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream(side * side * 3 + 4096);
    try {
      ImageIO.write(image, "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return png.toByteArray();
  }
}
