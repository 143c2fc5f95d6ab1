package com.example.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.image.Image;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.model.image.ImageModel;
import dev.langchain4j.model.output.Response;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.RecordedImageRequest;
import io.github.together4j.langchain4j.TogetherImageModel;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Together through LangChain4j's ImageModel, from nothing but the published artifacts. */
class LangChain4jTest {
  private static final String MODEL = "black-forest-labs/FLUX.1-schnell";

  /** The "done when", as written: two images whose bytes are the testkit's. */
  @Test
  void generateTwoReturnsTheTestkitsBytes() throws IOException {
    try (FakeTogetherServer server = FakeTogetherServer.start()) {
      ImageModel model =
          TogetherImageModel.builder()
              .apiKey(server.apiKey())
              .baseUrl(server.baseUrl())
              .modelName(MODEL)
              .build();

      Response<List<Image>> response = model.generate("a fox", 2);

      List<Image> images = response.content();
      assertThat(images).hasSize(2);
      RecordedImageRequest sent = server.takeRequest();
      assertThat(sent.field("n")).isEqualTo(2.0);
      assertThat(server.takeRequest(Duration.ZERO)).as("a second generation request").isNull();
      for (int i = 0; i < 2; i++) {
        assertThat(download(images.get(i).url())).isEqualTo(testkitBytes(server, i));
      }
      assertThat(response.metadata()).containsEntry("model", MODEL).containsKey("id");
      System.out.println("[langchain4j] generate(\"a fox\", 2) -> " + images);
    }
  }

  @Test
  void base64ResultsDecodeToTheTestkitsBytesWithTheirMimeType() {
    try (FakeTogetherServer server = FakeTogetherServer.start();
        TogetherImageModel model =
            TogetherImageModel.builder()
                .apiKey(server.apiKey())
                .baseUrl(server.baseUrl())
                .modelName(MODEL)
                .responseFormat("base64")
                .build()) {
      List<Image> images = model.generate("a fox", 2).content();

      for (int i = 0; i < 2; i++) {
        assertThat(Base64.getDecoder().decode(images.get(i).base64Data()))
            .isEqualTo(testkitBytes(server, i));
        assertThat(images.get(i).mimeType()).isEqualTo("image/jpeg");
      }
    }
  }

  @Test
  void failuresAreLangChain4jExceptions() {
    try (FakeTogetherServer server = FakeTogetherServer.start()) {
      ImageModel model =
          TogetherImageModel.builder().apiKey("fake-wrong-key").baseUrl(server.baseUrl()).build();

      assertThatThrownBy(() -> model.generate("a fox"))
          .isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("HTTP 401")
          .hasMessageNotContaining("fake-wrong-key");
    }
  }

  /** The LangChain4j on the classpath is the one LangChain4j's BOM chose. */
  @Test
  void langChain4jComesFromItsBom() {
    String expected = System.getProperty("langchain4j.version");
    List<String> jars = ClasspathReport.classpathFiles("langchain4j-core-");
    System.out.println("[langchain4j] " + jars);
    assertThat(jars).containsExactly("langchain4j-core-" + expected + ".jar");
  }

  /** One OkHttp, one Okio, and no other HTTP client brought in. */
  @Test
  void classpathHasOneOkHttpAndNoOtherHttpClient() {
    ClasspathReport.assertOneOkHttp5AndOneOkio3("langchain4j");
    List<String> otherClients =
        List.of(
            "dev/langchain4j/http/client/HttpClient.class",
            "org/apache/hc/client5/http/classic/HttpClient.class",
            "org/apache/http/client/HttpClient.class",
            "com/squareup/okhttp/OkHttpClient.class",
            "io/netty/channel/Channel.class",
            "org/eclipse/jetty/client/HttpClient.class",
            "org/asynchttpclient/AsyncHttpClient.class",
            "io/vertx/core/http/HttpClient.class",
            "com/google/api/client/http/HttpTransport.class",
            "reactor/netty/http/client/HttpClient.class");
    for (String resource : otherClients) {
      assertThat(ClasspathReport.holding(resource)).as(resource).isEmpty();
    }
  }

  /** The bytes the fake server draws for the same request: same request, same bytes. */
  private static byte[] testkitBytes(FakeTogetherServer server, int index) {
    try (TogetherImages client = server.newClient()) {
      return client
          .generate(ImageGenerationRequest.builder("a fox").model(MODEL).n(2).build())
          .images()
          .get(index)
          .bytes();
    }
  }

  private static byte[] download(URI url) throws IOException {
    try (InputStream in = url.toURL().openStream()) {
      return in.readAllBytes();
    }
  }
}
