package io.github.together4j.images.benchmarks.jmh;

import io.github.together4j.images.Base64Images;
import io.github.together4j.images.benchmarks.NoisePng;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
 * Decoding one image's base64 text (a 720×720 noise PNG, ~1.56 MB, ~2.08 M characters):
 * together4j's strict decoder against {@code java.util.Base64}, whole and streamed. Throughput in
 * operations (whole images) per second; multiply by the image size for MB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Base64DecodeBenchmark {
  /** The image's base64, as a parsed response holds it. */
  String text;

  /** The same characters as bytes, for the JDK's stream decoder, which reads bytes. */
  byte[] textBytes;

  /** Renders the image once per fork. */
  @Setup
  public void setUp() {
    byte[] image = NoisePng.render(NoisePng.SIDE, 42);
    text = Base64.getEncoder().encodeToString(image);
    textBytes = text.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * together4j: the whole image into one array.
   *
   * @return the image
   */
  @Benchmark
  public byte[] together4jDecode() {
    return Base64Images.decode(text);
  }

  /**
   * together4j: decoded as it is read, into a sink, through a 64 KiB buffer.
   *
   * @return bytes decoded
   * @throws IOException never
   */
  @Benchmark
  public long together4jStream() throws IOException {
    try (InputStream in = Base64Images.openStream(text)) {
      return in.transferTo(OutputStream.nullOutputStream());
    }
  }

  /**
   * The JDK: {@code Base64.getDecoder().decode(String)} (a byte copy of the text, then decoding).
   *
   * @return the image
   */
  @Benchmark
  public byte[] jdkDecodeString() {
    return Base64.getDecoder().decode(text);
  }

  /**
   * The JDK's stream decoder over the text's bytes ({@code Base64.getDecoder().wrap}), into a sink.
   * The byte copy of the text is made once in setup, so this is the decoder alone.
   *
   * @return bytes decoded
   * @throws IOException never
   */
  @Benchmark
  public long jdkWrapStream() throws IOException {
    try (InputStream in = Base64.getDecoder().wrap(new ByteArrayInputStream(textBytes))) {
      return in.transferTo(OutputStream.nullOutputStream());
    }
  }
}
