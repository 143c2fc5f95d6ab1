package io.github.together4j.images.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.testkit.FakeTogetherServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Every client the load benchmark measures writes the server's image exactly, for n=1 and n=3. */
class ImageClientTest {
  static final List<String> CLIENTS = LoadBenchmark.CLIENTS;

  private static final byte[] IMAGE = NoisePng.render(96, 7);
  private static FakeTogetherServer server;

  @BeforeAll
  static void start() {
    server = FakeTogetherServer.builder().fixedImage(IMAGE).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @FieldSource("CLIENTS")
  void writesEachImageExactly(String name, @TempDir Path directory) throws Exception {
    ImageClient.Target target =
        new ImageClient.Target(server.baseUrl(), server.apiKey(), directory);
    try (ImageClient client = ImageClient.create(name, target)) {
      assertThat(client.generateAndWrite(0, 1)).isEqualTo(IMAGE.length);
      assertThat(client.generateAndWrite(1, 3)).isEqualTo(3L * IMAGE.length);
    }
    try (var files = Files.list(directory)) {
      List<Path> written = files.toList();
      assertThat(written)
          .as("each image under its name, nothing left beside them (no temporary file)")
          .extracting(f -> f.getFileName().toString())
          .containsExactlyInAnyOrder("w0_0.png", "w1_0.png", "w1_1.png", "w1_2.png");
      for (Path file : written) {
        assertThat(Files.readAllBytes(file)).isEqualTo(IMAGE);
      }
    }
  }
}
