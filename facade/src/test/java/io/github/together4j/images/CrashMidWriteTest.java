package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.generated.model.ImageChoicesData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM while it saves an image and checks what it leaves: never a truncated file under the
 * final name, only the hidden {@code .part} file the save was writing.
 */
class CrashMidWriteTest {
  @StartStop final MockWebServer storage = new MockWebServer();
  @TempDir Path dir;

  @Test
  void killedWhileSavingLeavesNoFileUnderTheFinalName() throws Exception {
    byte[] png = TestImages.png(1200, 900);
    // About 1 s per 10% of the image: the kill lands mid-body.
    storage.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "image/png")
            .body(new Buffer().write(png))
            .throttleBody(png.length / 10, 1, TimeUnit.SECONDS)
            .build());
    Path target = dir.resolve("out").resolve("sunflower");

    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty(
                    "surefire.test.class.path", System.getProperty("java.class.path")),
                Saver.class.getName(),
                storage.url("/img/0.png").toString(),
                target.toString())
            .redirectErrorStream(true)
            .start();
    try {
      Path part = awaitPartFile(target.getParent(), child);
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

      assertThat(target.resolveSibling("sunflower.png")).doesNotExist();
      assertThat(listing(target.getParent())).containsExactly(part.getFileName().toString());
      assertThat(Files.size(part)).isGreaterThan(0).isLessThan(png.length);
    } finally {
      child.destroyForcibly();
    }
  }

  private static Path awaitPartFile(Path directory, Process child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      assertThat(child.isAlive())
          .as(
              "child exited early: %s",
              child.isAlive() ? "" : new String(child.getInputStream().readAllBytes()))
          .isTrue();
      if (Files.isDirectory(directory)) {
        try (Stream<Path> files = Files.list(directory)) {
          List<Path> parts =
              files.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
          if (!parts.isEmpty() && Files.size(parts.get(0)) > 0) {
            return parts.get(0);
          }
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no .part file appeared");
  }

  private static List<String> listing(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }

  /** The child: saves one url result, as a user's program would. */
  static final class Saver {
    private Saver() {}

    public static void main(String[] args) {
      ImageChoicesData data = ImageChoicesData.builder().index(0).url(args[0]).build();
      ImageGenerationResult result =
          ImageGenerationResult.of(TestImages.response(List.of(data)), TestImages.downloader());
      System.out.println("saved " + result.images().get(0).saveTo(Path.of(args[1])));
    }
  }
}
