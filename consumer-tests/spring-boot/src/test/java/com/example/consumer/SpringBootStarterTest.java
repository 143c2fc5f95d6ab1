package com.example.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.together4j.images.ImageFormat;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.RecordedImageRequest;
import io.github.together4j.spring.ai.TogetherImageModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.image.ImageModel;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The starter from a user's side, under spring-boot-starter-parent 4.0.7: the application starts
 * against FakeTogetherServer (base URL from a property), generates through the injected ImageModel
 * and TogetherImages, and its JVM ends by itself; without a key it fails with one message naming
 * together.api-key.
 */
class SpringBootStarterTest {
  @TempDir Path dir;

  @Test
  void oneOkHttp5AndOneOkio3() {
    ClasspathReport.assertOneOkHttp5AndOneOkio3("spring-boot");
  }

  @Test
  void contextHasTheImageModelAndTheClientAndClosesTheClient() throws Exception {
    try (FakeTogetherServer server = FakeTogetherServer.start()) {
      TogetherImages client;
      try (ConfigurableApplicationContext context =
          SpringApplication.run(
              PosterApplication.class,
              "--together.base-url=" + server.baseUrl(),
              "--together.api-key=" + server.apiKey())) {
        assertThat(context.getBean(ImageModel.class)).isInstanceOf(TogetherImageModel.class);
        client = context.getBean(TogetherImages.class);
        assertThat(client.baseUrl()).isEqualTo(server.baseUrl());
        PosterService posters = context.getBean(PosterService.class);

        Path poster = posters.throughImageModel("A lighthouse at dusk", dir);

        assertThat(poster.getFileName().toString()).isEqualTo("image-model.png");
        RecordedImageRequest request = server.takeRequest();
        assertThat(request.field("steps")).as("application.properties default").isEqualTo(4.0);
        assertThat(request.field("width")).as("the prompt's option").isEqualTo(512.0);
      }
      try {
        client.generate("after close");
        fail("the client still works after the context closed");
      } catch (IllegalStateException expected) {
        assertThat(expected).hasMessage("client is closed");
      }
      assertThat(server.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void applicationGeneratesThroughBothBeansAndItsJvmEndsByItself() throws Exception {
    try (FakeTogetherServer server = FakeTogetherServer.start()) {
      Run run =
          runApplication(
              "--together.base-url=" + server.baseUrl(),
              "--together.api-key=" + server.apiKey(),
              "--poster.out=" + dir.resolve("posters"));

      assertThat(run.exitCode).as("exit code; output:%n%s", run.output).isZero();
      assertThat(run.output).doesNotContain("ERROR", "Exception");
      Path viaModel = dir.resolve("posters/image-model.png");
      assertThat(ImageFormat.detect(Files.readAllBytes(viaModel))).isEqualTo(ImageFormat.PNG);
      List<Path> viaClient = new ArrayList<>();
      try (var files = Files.list(dir.resolve("posters"))) {
        files.filter(f -> f.getFileName().toString().startsWith("together-images.")).forEach(viaClient::add);
      }
      assertThat(viaClient).singleElement().satisfies(file ->
          assertThat(ImageFormat.detect(Files.readAllBytes(file))).isIn(ImageFormat.JPEG, ImageFormat.PNG));
      assertThat(server.requestCount()).as("one request per poster").isEqualTo(2);
    }
  }

  @Test
  void noKeyFailsStartupWithOneMessageNamingTheProperty() throws Exception {
    Run run = runApplication("--poster.out=" + dir.resolve("posters"));

    assertThat(run.exitCode).as("exit code; output:%n%s", run.output).isNotZero();
    assertThat(run.output).contains("APPLICATION FAILED TO START");
    Matcher description = Pattern.compile("Description:\\R\\R(.*)\\R").matcher(run.output);
    assertThat(description.find()).as("a Description in:%n%s", run.output).isTrue();
    assertThat(description.group(1))
        .isEqualTo("No Together API key: set the property together.api-key or the environment variable TOGETHER_API_KEY.");
    assertThat(run.output).doesNotContain("\tat com.example", "\tat io.github.together4j");
    assertThat(dir.resolve("posters")).doesNotExist();
  }

  private record Run(int exitCode, String output) {}

  /** The application's main in a JVM of its own, with no TOGETHER_* variables. */
  private Run runApplication(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        PosterApplication.class.getName()));
    command.addAll(List.of(args));
    Path log = dir.resolve("application.log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("TOGETHER_"));
    Process child = builder.start();
    // A guard, not a measurement: a JVM kept alive by a leftover thread never ends.
    if (!child.waitFor(120, TimeUnit.SECONDS)) {
      child.destroyForcibly().waitFor();
      fail("the application's JVM did not end within 120 s; its output:%n%s", Files.readString(log));
    }
    String output = Files.readString(log);
    System.out.println("[spring-boot] application output:\n" + output);
    return new Run(child.exitValue(), output);
  }
}
