package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okio.Buffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves what {@link ImageGenerationResult#saveAll} documents: saving needs the response plus a
 * fixed buffer, not a decoded copy of an image. A child JVM ({@code -Xmx32m}, Serial GC) holds four
 * ~1.5 MB PNGs as base64 text, as a parsed response does, and is then filled with ballast until 1
 * MiB of heap is left: the streaming save fits in that; decoding each image whole, as the Python
 * recipe does (a 2 MB copy of the text, then the 1.5 MB image), runs out of memory.
 */
class SmallHeapTest {
  static final int IMAGES = 4;

  /** Free heap left above the loaded texts: 16 buffers' worth, under one decoded image. */
  static final long HEADROOM = 1024 * 1024;

  @TempDir static Path work;
  static List<String> files = new ArrayList<>();
  static List<byte[]> images = new ArrayList<>();

  @BeforeAll
  static void writeImages() throws IOException {
    for (int i = 0; i < IMAGES; i++) {
      // Noise does not compress: 720×720 RGB is a ~1.5 MB PNG.
      SplittableRandom random = new SplittableRandom(i);
      BufferedImage image = new BufferedImage(720, 720, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 720; y++) {
        for (int x = 0; x < 720; x++) {
          image.setRGB(x, y, random.nextInt(1 << 24));
        }
      }
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(image, "png", png);
      images.add(png.toByteArray());
      Path file = work.resolve("image" + i + ".b64");
      Files.writeString(
          file, Base64.getEncoder().encodeToString(png.toByteArray()), StandardCharsets.ISO_8859_1);
      files.add(file.toString());
    }
    assertThat(images)
        .allSatisfy(bytes -> assertThat(bytes.length).isBetween(1_400_000, 1_700_000));
  }

  @Test
  void saveAllFitsWhereDecodingEachImageWholeRunsOutOfMemory() throws Exception {
    Run naive = run("naive", work.resolve("naive"));
    Run stream = run("stream", work.resolve("stream"));
    System.out.println("SmallHeapTest stream: " + stream.output.lines().findFirst().orElse(""));

    assertThat(naive.exit).as(naive.output).isNotZero();
    assertThat(naive.output).contains("OutOfMemoryError");
    assertThat(stream.exit).as(stream.output).isZero();
    for (int i = 0; i < IMAGES; i++) {
      assertThat(work.resolve("stream").resolve("image_" + i + ".png"))
          .hasBinaryContent(images.get(i));
    }
  }

  /**
   * From the wire: a server sends the four images as one 8 MB response. In 12 MiB of heap the
   * streaming save writes them all; parsing the response into strings first cannot even start.
   */
  @Test
  void generateAndSaveStreamsFourImagesThroughATwelveMegabyteHeap() throws Exception {
    StringBuilder body =
        new StringBuilder("{\"id\":\"gen-heap\",\"model\":\"m\",\"object\":\"list\",\"data\":[");
    for (int i = 0; i < IMAGES; i++) {
      body.append(i == 0 ? "" : ",")
          .append("{\"index\":")
          .append(i)
          .append(",\"b64_json\":\"")
          .append(Base64.getEncoder().encodeToString(images.get(i)))
          .append("\"}");
    }
    byte[] json = body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      for (int i = 0; i < 2; i++) {
        server.enqueue(
            new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(new Buffer().write(json))
                .build());
      }
      Run stream =
          child(
              List.of("-Xmx12m"),
              WireHeapMain.class,
              "stream",
              server.url("/v1/").toString(),
              "4",
              work.resolve("wire-stream").toString());
      Run typed =
          child(
              List.of("-Xmx12m"),
              WireHeapMain.class,
              "typed",
              server.url("/v1/").toString(),
              "4",
              work.resolve("wire-typed").toString());
      System.out.println(
          "SmallHeapTest wire, "
              + json.length
              + " bytes of JSON: stream exit "
              + stream.exit
              + ", typed exit "
              + typed.exit);

      assertThat(stream.exit).as(stream.output).isZero();
      for (int i = 0; i < IMAGES; i++) {
        assertThat(work.resolve("wire-stream").resolve("image_" + i + ".png"))
            .hasBinaryContent(images.get(i));
      }
      assertThat(typed.exit).as(typed.output).isNotZero();
      assertThat(typed.output).contains("OutOfMemoryError");
    }
  }

  record Run(int exit, String output) {}

  private static Run child(List<String> heap, Class<?> main, String... args) throws Exception {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
    command.addAll(heap);
    command.addAll(List.of("-cp", classPath, main.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Run(process.exitValue(), output);
  }

  private static Run run(String mode, Path out) throws Exception {
    List<String> args = new ArrayList<>(List.of(mode, Long.toString(HEADROOM), out.toString()));
    args.addAll(files);
    return child(List.of("-Xmx32m", "-Xmn1m"), SmallHeapMain.class, args.toArray(String[]::new));
  }
}
