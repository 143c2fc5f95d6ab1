package io.github.together4j.images.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.internal.ImageRenderer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.time.Duration;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;

/** The fake server's HTTP behaviour: lifecycle. */
class FakeServerLifecycleTest extends FakeServerTestBase {

  @Test
  void baseUrlIsPlainHttpOnALoopbackAddressEndingInV1() throws IOException {
    HttpUrl url = HttpUrl.get(server.baseUrl());

    assertThat(url.scheme()).isEqualTo("http");
    assertThat(InetAddress.getByName(url.host()).isLoopbackAddress()).as(url.host()).isTrue();
    assertThat(url.port()).isEqualTo(server.port()).isPositive();
    assertThat(url.encodedPath()).isEqualTo("/v1/");
    assertThat(server.baseUrl()).endsWith(":" + server.port() + "/v1/");
    assertThat(server).hasToString("FakeTogetherServer{baseUrl=" + server.baseUrl() + "}");
  }

  @Test
  void serverAcceptsTheDefaultKeyUnlessBuiltWithAnother() {
    assertThat(server.apiKey())
        .isEqualTo(FakeTogetherServer.DEFAULT_API_KEY)
        .isEqualTo("fake-together-key");
  }

  @Test
  void aLongRunningServerKeepsOnlyTheLastThousandUntakenRequests() {
    byte[] image = ImageRenderer.render("fixed", 0, 8, 8, ImageRenderer.Format.PNG);
    int total = FakeTogetherServer.MAX_RECORDED + 10;
    try (FakeTogetherServer fixed = FakeTogetherServer.builder().fixedImage(image).start();
        TogetherImages client = fixed.clientBuilder().maxRetries(0).build()) {
      for (int i = 0; i < total; i++) {
        client.generate("request " + i);
      }

      assertThat(fixed.requestCount()).isEqualTo(total);
      assertThat(fixed.takeRequest().field("prompt")).as("the oldest kept").isEqualTo("request 10");
      for (int i = 11; i < total; i++) {
        assertThat(fixed.takeRequest(Duration.ZERO)).isNotNull();
      }
      assertThat(fixed.takeRequest(Duration.ZERO)).isNull();
    }
  }

  @Test
  void twoServersListenOnDifferentPorts() {
    try (FakeTogetherServer other = FakeTogetherServer.start()) {
      assertThat(other.port()).isNotEqualTo(server.port());
      assertThat(post(other, MINIMAL_SMALL).code()).isEqualTo(200);
      assertThat(other.requestCount()).isEqualTo(1);
      assertThat(server.requestCount()).isZero();
    }
  }

  @Test
  void builderPortIsHonoured() throws IOException {
    int port = freePort();

    try (FakeTogetherServer fixed = FakeTogetherServer.builder().port(port).start()) {
      assertThat(fixed.port()).isEqualTo(port);
      assertThat(fixed.baseUrl()).endsWith(":" + port + "/v1/");
      assertThat(post(fixed, MINIMAL_SMALL).code()).isEqualTo(200);
    }
  }

  @Test
  void startingOnAPortInUseFailsNamingThePort() {
    assertThatThrownBy(() -> FakeTogetherServer.builder().port(server.port()).start())
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("port " + server.port());
  }

  @Test
  void builderRejectsOutOfRangePortsAndBlankKeys() {
    assertThatThrownBy(() -> FakeTogetherServer.builder().port(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port = -1");
    assertThatThrownBy(() -> FakeTogetherServer.builder().port(65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 to 65535");
    assertThatThrownBy(() -> FakeTogetherServer.builder().apiKey(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank");
    assertThatThrownBy(() -> FakeTogetherServer.builder().apiKey(nullString()))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void closeTwiceIsHarmlessAndTheServerStillDescribesItself() {
    String baseUrl = server.baseUrl();

    server.close();
    server.close();

    assertThat(server.baseUrl()).isEqualTo(baseUrl);
    assertThat(server).hasToString("FakeTogetherServer{baseUrl=" + baseUrl + "}");
  }

  @Test
  void closeStopsTheServer() {
    String baseUrl = server.baseUrl();
    assertThat(post(server, MINIMAL_SMALL).code()).isEqualTo(200);

    server.close();

    Request request =
        new Request.Builder()
            .url(baseUrl + "images/generations")
            .header("Authorization", "Bearer " + FakeTogetherServer.DEFAULT_API_KEY)
            .post(RequestBody.create(MINIMAL_SMALL, APPLICATION_JSON))
            .build();
    OkHttpClient fresh = HTTP.newBuilder().connectionPool(new ConnectionPool()).build();
    assertThatThrownBy(() -> fresh.newCall(request).execute().close())
        .isInstanceOf(ConnectException.class);
  }
}
