package io.github.together4j.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.ImageFormat;
import io.github.together4j.images.testkit.FakeTogether;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.RecordedImageRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** The example application against the fake server, as a user runs it without a key. */
@FakeTogether
class SpringBootExampleTest {
  @TempDir Path out;

  @Test
  void makesOnePosterThroughEachBeanWithThePropertiesDefaults(FakeTogetherServer server)
      throws Exception {
    List<Path> posters;
    try (ConfigurableApplicationContext context =
        SpringApplication.run(
            SpringBootExample.class,
            "--together.api-key=" + server.apiKey(),
            "--together.base-url=" + server.baseUrl())) {
      posters = SpringBootExample.run(context, out);
    }

    assertThat(posters).hasSize(2);
    for (Path poster : posters) {
      assertThat(ImageFormat.detect(Files.readAllBytes(poster)))
          .isIn(ImageFormat.JPEG, ImageFormat.PNG);
    }
    RecordedImageRequest viaModel = server.takeRequest();
    assertThat(viaModel.field("width")).as("application.properties").isEqualTo(768.0);
    assertThat(viaModel.field("steps")).as("the prompt's options").isEqualTo(4.0);
    RecordedImageRequest viaClient = server.takeRequest();
    assertThat(viaClient.field("prompt")).isEqualTo("A lighthouse at dawn");
    assertThat(server.requestCount()).isEqualTo(2);
  }
}
