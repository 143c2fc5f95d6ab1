package io.github.together4j.images.testkit.internal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.LinearGradientPaint;
import java.awt.MultipleGradientPaint.ColorSpaceType;
import java.awt.MultipleGradientPaint.CycleMethod;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Renders deterministic abstract landscape posters from a prompt and a seed, without fonts.
 *
 * <p>The prompt's UTF-8 bytes are hashed to 64 bits and mixed with the seed; the result seeds a
 * {@link SplittableRandom} that picks a palette (a base hue with analogous or complementary
 * accents), a mood (day, dusk or night), a sun, soft clouds, layered mountains or hills with mist
 * between them, and sometimes water with the sun's reflection. Every random choice is made in
 * relative coordinates, so one prompt and seed give the same composition at every size.
 *
 * <p>Only {@link BufferedImage} and {@link Graphics2D} shapes and gradient paints are used, so
 * rendering works headless and on machines with no fonts installed. The same prompt, seed, size and
 * format give byte-identical output on one JVM version: rendering hints and encoder settings are
 * fixed, and the encoders write no timestamps.
 */
public final class ImageRenderer {

  /** The largest width or height accepted, in pixels. */
  public static final int MAX_DIMENSION = 4096;

  /** The JPEG quality used for every JPEG, as an {@link ImageWriteParam} compression quality. */
  public static final float JPEG_QUALITY = 0.9f;

  /** The zlib deflate level of every PNG (the JDK writer's own default level). */
  private static final int PNG_DEFLATE_LEVEL = 4;

  private static final int RIDGE_SEGMENTS = 128;

  /** An encoding of the rendered image. */
  public enum Format {
    /** Lossless PNG, 8-bit RGB. */
    PNG,
    /** Baseline JPEG at quality {@value ImageRenderer#JPEG_QUALITY}, RGB without alpha. */
    JPEG
  }

  private ImageRenderer() {}

  /**
   * Renders the image for a prompt and seed and encodes it.
   *
   * @param prompt any text; only its UTF-8 bytes matter
   * @param seed any seed; another seed gives another image for the same prompt
   * @param width width in pixels, from 1 to {@value #MAX_DIMENSION}
   * @param height height in pixels, from 1 to {@value #MAX_DIMENSION}
   * @param format the encoding
   * @return the encoded image, byte-identical for identical arguments
   * @throws IllegalArgumentException if width or height is out of range
   */
  public static byte[] render(String prompt, long seed, int width, int height, Format format) {
    Objects.requireNonNull(format, "format");
    return encode(renderImage(prompt, seed, width, height), format);
  }

  /**
   * Renders the image for a prompt and seed without encoding it.
   *
   * @param prompt any text; only its UTF-8 bytes matter
   * @param seed any seed; another seed gives another image for the same prompt
   * @param width width in pixels, from 1 to {@value #MAX_DIMENSION}
   * @param height height in pixels, from 1 to {@value #MAX_DIMENSION}
   * @return a new {@link BufferedImage#TYPE_INT_RGB} image of exactly width by height pixels
   * @throws IllegalArgumentException if width or height is out of range
   */
  public static BufferedImage renderImage(String prompt, long seed, int width, int height) {
    Objects.requireNonNull(prompt, "prompt");
    checkDimension("width", width);
    checkDimension("height", height);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      configure(g);
      new Scene(new SplittableRandom(seedFor(prompt, seed))).paint(g, width, height);
    } finally {
      g.dispose();
    }
    return image;
  }

  /**
   * Encodes an image with the fixed settings {@link #render} uses.
   *
   * @param image the image; for {@link Format#JPEG} it must have no alpha channel
   * @param format the encoding
   * @return the encoded bytes
   */
  public static byte[] encode(BufferedImage image, Format format) {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(format, "format");
    if (format == Format.JPEG && image.getColorModel().hasAlpha()) {
      throw new IllegalArgumentException("JPEG needs an image without alpha");
    }
    ImageWriter writer = writerFor(format);
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (param.canWriteCompressed()) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(
            format == Format.JPEG ? JPEG_QUALITY : (9 - PNG_DEFLATE_LEVEL) / 9f);
      }
      if (param.canWriteProgressive()) {
        param.setProgressiveMode(ImageWriteParam.MODE_DISABLED);
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
      // A memory cache, whatever ImageIO.getUseCache() says: no temporary files, no global state.
      try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
        writer.setOutput(out);
        writer.write(null, new IIOImage(image, null, null), param);
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("encoding " + format + " in memory failed", e);
    } finally {
      writer.dispose();
    }
  }

  /**
   * Returns the 64-bit seed the renderer's random generator starts from.
   *
   * @param prompt any text
   * @param seed any seed
   * @return a well-mixed combination of the prompt's UTF-8 hash and the seed
   */
  static long seedFor(String prompt, long seed) {
    byte[] bytes = prompt.getBytes(StandardCharsets.UTF_8);
    long h = 0xcbf29ce484222325L ^ bytes.length; // FNV-1a, finished with a strong mixer
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return mix64(mix64(h) ^ mix64(seed + 0x9e3779b97f4a7c15L));
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static void checkDimension(String name, int value) {
    if (value < 1 || value > MAX_DIMENSION) {
      throw new IllegalArgumentException(
          name + " must be between 1 and " + MAX_DIMENSION + " pixels, got " + value);
    }
  }

  private static void configure(Graphics2D g) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.setRenderingHint(
        RenderingHints.KEY_COLOR_RENDERING, RenderingHints.VALUE_COLOR_RENDER_QUALITY);
    g.setRenderingHint(
        RenderingHints.KEY_ALPHA_INTERPOLATION, RenderingHints.VALUE_ALPHA_INTERPOLATION_QUALITY);
    g.setRenderingHint(RenderingHints.KEY_DITHERING, RenderingHints.VALUE_DITHER_DISABLE);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
  }

  /** Prefers the JDK's own writer, so a plugin on the classpath cannot change the bytes. */
  private static ImageWriter writerFor(Format format) {
    String name = format.name().toLowerCase(Locale.ROOT);
    ImageWriter fallback = null;
    for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName(name); it.hasNext(); ) {
      ImageWriter writer = it.next();
      if (writer.getClass().getName().startsWith("com.sun.imageio.")) {
        if (fallback != null) {
          fallback.dispose();
        }
        return writer;
      }
      if (fallback == null) {
        fallback = writer;
      } else {
        writer.dispose();
      }
    }
    if (fallback == null) {
      throw new IllegalStateException("no ImageIO writer for " + name);
    }
    return fallback;
  }

  /** One composition: every random choice is drawn in the constructor, before any size is known. */
  private static final class Scene {
    private final Color skyTop;
    private final Color skyMid;
    private final Color horizon;
    private final double midStop;
    private final boolean night;

    private final double sunX;
    private final double sunY;
    private final double sunRadius;
    private final Color sunColor;
    private final Color glowColor;
    private final int sunStripes;

    private final double[][] stars; // x, y, radius, alpha
    private final double[][] clouds; // x, y, radiusX, radiusY, alpha
    private final double[][] bokeh; // x, y, radius, alpha
    private final Color cloudColor;

    private final double[][] ridges;
    private final double[] ridgeBase;
    private final Color[] ridgeTop;
    private final Color[] ridgeBottom;
    private final Color mist;

    private final double waterLine; // > 1 when there is no water
    private final Color waterTop;
    private final Color waterBottom;
    private final double[][] ripples; // y, half-length, alpha, x offset

    Scene(SplittableRandom rng) {
      double hue = rng.nextDouble();
      if (hue > 0.17 && hue < 0.42 && rng.nextInt(4) != 0) {
        hue = rng.nextDouble(0.45, 1.08); // green skies are rarely pretty: mostly blue to orange
      }
      // The sky stays analogous; only the horizon glow and the sun take the accent hue.
      double step = rng.nextDouble(0.03, 0.09) * (rng.nextBoolean() ? 1 : -1);
      double h2 = hue + step;
      double h3;
      switch (rng.nextInt(4)) {
        case 0: // analogous
          h3 = hue + 2.5 * step;
          break;
        case 1: // complementary
          h3 = hue + 0.5;
          break;
        case 2: // split complementary
          h3 = hue + (rng.nextBoolean() ? 0.42 : 0.58);
          break;
        default: // a warm horizon under any sky
          h3 = rng.nextDouble(0.0, 0.12);
          break;
      }
      int mood = rng.nextInt(10); // 0-2 night, 3-6 dusk, 7-9 day
      night = mood <= 2;
      double topB =
          night
              ? rng.nextDouble(0.10, 0.20)
              : mood <= 6 ? rng.nextDouble(0.30, 0.48) : rng.nextDouble(0.60, 0.78);
      skyTop = hsb(hue, rng.nextDouble(0.50, 0.78), topB);
      skyMid = hsb(h2, rng.nextDouble(0.40, 0.62), Math.min(1, topB + rng.nextDouble(0.22, 0.34)));
      horizon =
          hsb(
              h3,
              rng.nextDouble(night ? 0.35 : 0.25, night ? 0.60 : 0.50),
              night ? rng.nextDouble(0.50, 0.68) : rng.nextDouble(0.88, 1.0));
      midStop = rng.nextDouble(0.35, 0.62);

      sunX = rng.nextDouble(0.18, 0.82);
      sunY = rng.nextDouble(0.22, 0.48);
      sunRadius = rng.nextDouble(0.07, 0.15);
      sunColor = night ? hsb(h2, 0.08, 0.97) : hsb(h3, rng.nextDouble(0.10, 0.28), 1.0);
      glowColor = night ? hsb(h2, 0.25, 0.9) : hsb(h3, rng.nextDouble(0.35, 0.6), 1.0);
      sunStripes = rng.nextInt(3) == 0 ? 4 + rng.nextInt(4) : 0;

      int starCount = night ? 70 + rng.nextInt(90) : 0;
      stars = new double[starCount][];
      for (int i = 0; i < starCount; i++) {
        double y = rng.nextDouble();
        stars[i] =
            new double[] {
              rng.nextDouble(),
              0.6 * y * y,
              rng.nextDouble(0.0008, 0.0028),
              rng.nextDouble(0.3, 0.95)
            };
      }

      cloudColor = night ? hsb(h2, 0.2, 0.75) : hsb(h3, 0.12, 1.0);
      clouds = new double[rng.nextInt(2, 7)][];
      for (int i = 0; i < clouds.length; i++) {
        double rx = rng.nextDouble(0.15, 0.45);
        clouds[i] =
            new double[] {
              rng.nextDouble(-0.1, 1.1),
              rng.nextDouble(0.08, 0.5),
              rx,
              rx * rng.nextDouble(0.12, 0.28),
              rng.nextDouble(0.10, night ? 0.22 : 0.38)
            };
      }
      bokeh = new double[rng.nextInt(3, 9)][];
      for (int i = 0; i < bokeh.length; i++) {
        bokeh[i] =
            new double[] {
              rng.nextDouble(),
              rng.nextDouble(0.0, 0.55),
              rng.nextDouble(0.02, 0.09),
              rng.nextDouble(0.06, 0.18)
            };
      }

      boolean water = rng.nextInt(5) < 2;
      waterLine = water ? rng.nextDouble(0.66, 0.80) : 1.5;
      boolean hills = rng.nextInt(3) == 0;
      int layers = rng.nextInt(2, 5);
      ridges = new double[layers][];
      ridgeBase = new double[layers];
      ridgeTop = new Color[layers];
      ridgeBottom = new Color[layers];
      Color far = blend(horizon, skyMid, 0.35);
      Color near =
          hsb(
              rng.nextBoolean() ? hue : h2,
              rng.nextDouble(0.35, 0.6),
              night ? rng.nextDouble(0.06, 0.14) : rng.nextDouble(0.14, 0.3));
      double top = water ? waterLine - 0.16 : 0.56;
      double bottom = water ? waterLine - 0.02 : 0.86;
      for (int i = 0; i < layers; i++) {
        double t = layers == 1 ? 1 : (double) i / (layers - 1);
        ridgeBase[i] = top + (bottom - top) * t;
        double amplitude = rng.nextDouble(0.06, 0.16) * (1 - 0.35 * t);
        ridges[i] = hills ? hills(rng, amplitude) : peaks(rng, amplitude);
        Color c = blend(far, near, 0.25 + 0.75 * t);
        ridgeTop[i] = blend(c, horizon, 0.22 * (1 - t) + 0.08);
        ridgeBottom[i] = blend(blend(c, near, 0.4), Color.BLACK, 0.15 + 0.25 * t);
      }
      mist = blend(horizon, Color.WHITE, 0.15);

      waterTop = blend(horizon, skyMid, 0.3);
      waterBottom = blend(skyTop, Color.BLACK, 0.25);
      ripples = new double[water ? rng.nextInt(8, 16) : 0][];
      for (int i = 0; i < ripples.length; i++) {
        double d = rng.nextDouble();
        ripples[i] =
            new double[] {
              d,
              sunRadius * rng.nextDouble(0.3, 1.3) * (1 - 0.5 * d),
              rng.nextDouble(0.15, 0.4),
              rng.nextDouble(-0.3, 0.3)
            };
      }
    }

    void paint(Graphics2D g, int w, int h) {
      double s = Math.min(w, h);

      // Sky: three-stop vertical gradient from deep to glowing horizon.
      float skyEnd = (float) (Math.min(waterLine, 1.0) * h);
      g.setPaint(
          new LinearGradientPaint(
              new Point2D.Float(0, 0),
              new Point2D.Float(0, Math.max(1f, skyEnd)),
              new float[] {0f, (float) midStop, 1f},
              new Color[] {skyTop, skyMid, horizon},
              CycleMethod.NO_CYCLE));
      g.fill(new Rectangle2D.Double(0, 0, w, h));

      for (double[] star : stars) {
        double r = Math.max(0.35, star[2] * s);
        g.setColor(alpha(Color.WHITE, star[3]));
        g.fill(new Ellipse2D.Double(star[0] * w - r, star[1] * h - r, 2 * r, 2 * r));
      }

      for (double[] b : bokeh) {
        softDisc(g, b[0] * w, b[1] * h, b[2] * s, b[2] * s, cloudColor, b[3]);
      }

      // Sun: a wide soft glow, then the disc, sometimes cut by retro stripes.
      double cx = sunX * w;
      double cy = sunY * h;
      double r = sunRadius * s;
      softDisc(g, cx, cy, r * 4, r * 4, glowColor, 0.55);
      Area disc = new Area(new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r));
      for (int i = 0; i < sunStripes; i++) {
        double y = cy + r * (0.1 + 0.9 * i / sunStripes);
        double thickness = r * 0.04 * (1 + i);
        disc.subtract(new Area(new Rectangle2D.Double(cx - r, y, 2 * r, thickness)));
      }
      g.setPaint(
          new RadialGradientPaint(
              new Point2D.Double(cx, cy - r * 0.3),
              (float) Math.max(0.5, r * 1.3),
              new float[] {0f, 1f},
              new Color[] {sunColor, blend(sunColor, glowColor, 0.55)}));
      g.fill(disc);

      for (double[] c : clouds) {
        softDisc(g, c[0] * w, c[1] * h, c[2] * w, c[3] * h, cloudColor, c[4]);
      }

      for (int i = 0; i < ridges.length; i++) {
        paintRidge(g, w, h, i);
      }

      if (waterLine < 1) {
        paintWater(g, w, h, cx, r);
      }
    }

    private void paintRidge(Graphics2D g, int w, int h, int layer) {
      double[] ridge = ridges[layer];
      double base = ridgeBase[layer] * h;
      double bottom = Math.min(waterLine, 1.0) * h + 1;
      Path2D.Double path = new Path2D.Double();
      double minY = bottom;
      for (int i = 0; i <= RIDGE_SEGMENTS; i++) {
        double x = (-0.02 + 1.04 * i / RIDGE_SEGMENTS) * w;
        double y = base - ridge[i] * h;
        minY = Math.min(minY, y);
        if (i == 0) {
          path.moveTo(x, y);
        } else {
          path.lineTo(x, y);
        }
      }
      path.lineTo(1.02 * w, bottom);
      path.lineTo(-0.02 * w, bottom);
      path.closePath();
      g.setPaint(
          new LinearGradientPaint(
              new Point2D.Double(0, minY),
              new Point2D.Double(0, Math.max(minY + 1, bottom)),
              new float[] {0f, 1f},
              new Color[] {ridgeTop[layer], ridgeBottom[layer]},
              CycleMethod.NO_CYCLE));
      g.fill(path);

      // Mist rising from the foot of every layer but the nearest, which hides its lower part.
      if (layer < ridges.length - 1) {
        double mistTop = base - 0.1 * h;
        if (bottom - mistTop >= 1) {
          g.setPaint(
              new LinearGradientPaint(
                  new Point2D.Double(0, mistTop),
                  new Point2D.Double(0, Math.max(mistTop + 1, base + 0.02 * h)),
                  new float[] {0f, 1f},
                  new Color[] {alpha(mist, 0), alpha(mist, 0.2)},
                  CycleMethod.NO_CYCLE));
          g.fill(new Rectangle2D.Double(0, mistTop, w, bottom - mistTop));
        }
      }
    }

    private void paintWater(Graphics2D g, int w, int h, double sunCenterX, double sunR) {
      double top = waterLine * h;
      g.setPaint(
          new LinearGradientPaint(
              new Point2D.Double(0, top),
              new Point2D.Double(0, Math.max(top + 1, h)),
              new float[] {0f, 1f},
              new Color[] {waterTop, waterBottom},
              CycleMethod.NO_CYCLE));
      g.fill(new Rectangle2D.Double(0, top, w, h - top));
      // The sun's reflection: a soft column of light crossed by gentle horizontal streaks.
      Color light = blend(sunColor, glowColor, 0.3);
      g.clip(new Rectangle2D.Double(0, top, w, h - top));
      softDisc(g, sunCenterX, top, sunR * 1.2, (h - top) * 0.9, light, 0.22);
      g.setClip(null);
      g.setStroke(
          new BasicStroke(
              (float) Math.max(1.0, h * 0.008), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      for (double[] ripple : ripples) {
        double y = top + (0.04 + 0.9 * ripple[0]) * (h - top);
        double half = ripple[1] * Math.min(w, h);
        double x = sunCenterX + half * ripple[3];
        g.setPaint(alpha(light, ripple[2] * (1 - 0.6 * ripple[0])));
        g.draw(new Line2D.Double(x - half, y, x + half, y));
      }
      // A faint shimmer where water meets land.
      g.setPaint(alpha(mist, 0.35));
      g.fill(new Rectangle2D.Double(0, top - 0.5, w, Math.max(1.0, h * 0.003)));
    }

    /**
     * Fills an ellipse whose colour fades from the given alpha at its centre to clear at its rim.
     */
    private static void softDisc(
        Graphics2D g, double cx, double cy, double rx, double ry, Color color, double alpha) {
      double rxs = Math.max(0.5, rx);
      double rys = Math.max(0.5, ry);
      AffineTransform squash = new AffineTransform();
      squash.translate(cx, cy);
      squash.scale(1, rys / rxs);
      squash.translate(-cx, -cy);
      g.setPaint(
          new RadialGradientPaint(
              new Point2D.Double(cx, cy),
              (float) rxs,
              new Point2D.Double(cx, cy),
              new float[] {0f, 0.45f, 1f},
              new Color[] {alpha(color, alpha), alpha(color, alpha * 0.45), alpha(color, 0)},
              CycleMethod.NO_CYCLE,
              ColorSpaceType.SRGB,
              squash));
      g.fill(new Ellipse2D.Double(cx - rxs, cy - rys, 2 * rxs, 2 * rys));
    }

    /** Jagged peaks by midpoint displacement, in fractions of the image height. */
    private static double[] peaks(SplittableRandom rng, double amplitude) {
      double[] y = new double[RIDGE_SEGMENTS + 1];
      y[0] = rng.nextDouble(0.2, 0.8) * amplitude;
      y[RIDGE_SEGMENTS] = rng.nextDouble(0.2, 0.8) * amplitude;
      double scale = amplitude;
      for (int step = RIDGE_SEGMENTS; step > 1; step /= 2) {
        int half = step / 2;
        for (int i = half; i < RIDGE_SEGMENTS; i += step) {
          y[i] = (y[i - half] + y[i + half]) / 2 + rng.nextDouble(-1, 1) * scale;
        }
        scale *= 0.52;
      }
      return y;
    }

    /** Rolling hills as a sum of three sine waves, in fractions of the image height. */
    private static double[] hills(SplittableRandom rng, double amplitude) {
      double[] freq = {rng.nextDouble(0.6, 1.6), rng.nextDouble(1.8, 3.5), rng.nextDouble(4, 7)};
      double[] phase = {rng.nextDouble(6.3), rng.nextDouble(6.3), rng.nextDouble(6.3)};
      double[] amp = {0.6, 0.28, 0.08};
      double[] y = new double[RIDGE_SEGMENTS + 1];
      for (int i = 0; i <= RIDGE_SEGMENTS; i++) {
        double x = (double) i / RIDGE_SEGMENTS;
        double v = 0;
        for (int k = 0; k < 3; k++) {
          v += amp[k] * StrictMath.sin(2 * Math.PI * freq[k] * x + phase[k]);
        }
        y[i] = amplitude * (0.5 + 0.55 * v);
      }
      return y;
    }
  }

  private static Color hsb(double hue, double saturation, double brightness) {
    double h = hue - Math.floor(hue);
    return new Color(
        Color.HSBtoRGB((float) h, (float) clamp(saturation), (float) clamp(brightness)));
  }

  private static Color blend(Color a, Color b, double t) {
    double u = clamp(t);
    return new Color(
        (int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * u),
        (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * u),
        (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * u));
  }

  private static Color alpha(Color c, double alpha) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), (int) Math.round(255 * clamp(alpha)));
  }

  private static double clamp(double v) {
    return v < 0 ? 0 : v > 1 ? 1 : v;
  }
}
