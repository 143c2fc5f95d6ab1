package com.example.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogetherServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** One real generate call against the testkit's fake server: proves the resolved classpath works. */
public final class FakeServerCall {
  private FakeServerCall() {}

  /** Generates one image and saves it into the empty directory {@code dir}; returns the file. */
  public static Path generateOneImage(Path dir) throws IOException {
    try (FakeTogetherServer server = FakeTogetherServer.start();
        TogetherImages client = server.newClient()) {
      Path saved = client.generate("a lighthouse at dusk").images().get(0).saveTo(dir.resolve("lighthouse"));
      assertThat(saved.getFileName().toString()).isIn("lighthouse.jpg", "lighthouse.png");
      assertThat(Files.size(saved)).isPositive();
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files).containsExactly(saved);
      }
      assertThat(server.requestCount()).isEqualTo(1);
      return saved;
    }
  }
}
