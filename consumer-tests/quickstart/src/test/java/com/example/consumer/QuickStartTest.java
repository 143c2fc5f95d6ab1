package com.example.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.RecordedImageRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickStartTest {
  private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  /** The README's three lines, as a user runs them: their own JVM, the key and base URL from the environment. */
  @Test
  void quickStartSavesOneSunflowerFromTheFakeServer(@TempDir Path workDir) throws Exception {
    try (FakeTogetherServer server = FakeTogetherServer.start()) {
      Path log = Path.of("target", "quickstart-child.log").toAbsolutePath();
      ProcessBuilder builder = new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp", System.getProperty("java.class.path"),
              QuickStart.class.getName())
          .directory(workDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().put("TOGETHER_API_KEY", server.apiKey());
      builder.environment().put("TOGETHER_BASE_URL", server.baseUrl());

      Process child = builder.start();
      if (!child.waitFor(60, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor();
        fail("QuickStart did not exit within 60 s; its output:%n%s", Files.readString(log));
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(child.exitValue()).as("QuickStart's exit code; its output:%n%s", output).isZero();

      List<String> files;
      try (Stream<Path> listing = Files.list(workDir)) {
        files = listing.map(path -> path.getFileName().toString()).sorted().toList();
      }
      assertThat(files).as("files QuickStart left in its working directory").singleElement()
          .isIn("sunflower.jpg", "sunflower.png");
      byte[] magic = files.get(0).endsWith(".jpg") ? JPEG : PNG;
      assertThat(head(workDir.resolve(files.get(0)), magic.length)).as("magic number of " + files.get(0))
          .isEqualTo(magic);

      RecordedImageRequest request = server.takeRequest();
      assertThat(request.authorized()).isTrue();
      assertThat(request.field("prompt")).isEqualTo("A watercolor sunflower field");
      assertThat(request.field("n")).isEqualTo(1.0);                 // the README's comment: n=1, 1024x1024
      assertThat(request.field("width")).isEqualTo(1024.0);
      assertThat(request.field("height")).isEqualTo(1024.0);
      assertThat(server.takeRequest(Duration.ZERO)).as("a second generation request").isNull();
      System.out.println("[quickstart] child JVM wrote " + files.get(0) + " after " + request);
    }
  }

  @Test
  void classpathHasOneOkHttpAndOneOkio() {
    ClasspathReport.assertOneOkHttp5AndOneOkio3("quickstart");
  }

  private static byte[] head(Path file, int length) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.copyOf(in.readNBytes(length), length);
    }
  }
}
