package io.github.together4j.images.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.TogetherImages;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Testing without a key" snippet, verbatim, with the user code it tests. */
@FakeTogether
class ReadmeExampleTest {
  /** What a user's own code might look like: it is handed a client and saves thumbnails. */
  static final class ThumbnailService {
    private final TogetherImages client;

    ThumbnailService(TogetherImages client) {
      this.client = client;
    }

    void render(String prompt, Path dir) {
      client
          .generate(ImageGenerationRequest.builder(prompt).size(256, 256).build())
          .images()
          .get(0)
          .saveTo(dir.resolve(prompt.replace(' ', '_')));
    }
  }

  @Test
  void savesThumbnail(TogetherImages client, FakeTogetherServer server, @TempDir Path dir) {
    new ThumbnailService(client).render("a red fox", dir); // your code, given the client

    assertThat(dir.resolve("a_red_fox.jpg")).exists();
    RecordedImageRequest request = server.takeRequest(); // what your code sent
    assertThat(request.field("width")).isEqualTo(256.0); // JSON numbers are doubles
  }

  @Test
  void retriesWhenRateLimited(TogetherImages client, FakeTogetherServer server) {
    server.enqueue(Fault.rateLimited(Duration.ZERO)); // the next call gets a 429
    client.generate("a red fox"); // retried, then succeeds
    assertThat(server.requestCount()).isEqualTo(2);
  }
}
