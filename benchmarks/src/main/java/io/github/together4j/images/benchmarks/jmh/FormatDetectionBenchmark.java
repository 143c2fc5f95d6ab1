package io.github.together4j.images.benchmarks.jmh;

import io.github.together4j.images.Base64Images;
import io.github.together4j.images.ImageFormat;
import io.github.together4j.images.benchmarks.NoisePng;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Telling an image's format from its base64 text (the same ~1.56 MB PNG): {@link
 * Base64Images#detectFormat} decodes 16 characters; the naive way decodes everything first. Also
 * {@link ImageFormat#detect(byte[])} on bytes already decoded.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FormatDetectionBenchmark {
  String text;
  byte[] image;

  /** Renders the image once per fork. */
  @Setup
  public void setUp() {
    image = NoisePng.render(NoisePng.SIDE, 42);
    text = Base64.getEncoder().encodeToString(image);
  }

  /**
   * together4j: decodes the first 16 characters only.
   *
   * @return the format
   */
  @Benchmark
  public ImageFormat together4jDetectFormat() {
    return Base64Images.detectFormat(text);
  }

  /**
   * Naive: decode the whole text with the JDK, then look at the magic bytes.
   *
   * @return the format
   */
  @Benchmark
  public ImageFormat jdkDecodeAllThenDetect() {
    return ImageFormat.detect(Base64.getDecoder().decode(text));
  }

  /**
   * The magic-byte check alone, on bytes already decoded.
   *
   * @return the format
   */
  @Benchmark
  public ImageFormat imageFormatDetect() {
    return ImageFormat.detect(image);
  }
}
