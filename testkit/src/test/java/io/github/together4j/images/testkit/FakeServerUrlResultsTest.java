package io.github.together4j.images.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.TogetherImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

/** The fake server's HTTP behaviour: uRL results. */
class FakeServerUrlResultsTest extends FakeServerTestBase {

  @Test
  void urlIsTheDefaultResponseFormatAndPointsAtThisServerSigned() {
    Reply reply = post(server, MINIMAL_SMALL);

    Map<String, Object> image = data(reply).get(0);
    assertThat(image).containsEntry("type", "url").doesNotContainKey("b64_json");
    HttpUrl url = HttpUrl.get((String) image.get("url"));
    HttpUrl base = HttpUrl.get(server.baseUrl());
    assertThat(url.scheme()).isEqualTo("http");
    assertThat(url.host()).isEqualTo(base.host());
    assertThat(url.port()).isEqualTo(server.port());
    assertThat(url.encodedPath()).startsWith("/v1/files/").endsWith(".jpg");
    assertThat(url.queryParameter("X-Fake-Signature")).isNotBlank();
    assertThat(url.queryParameter("X-Fake-Expires")).isEqualTo("3600");
  }

  @Test
  void everyUrlIsDistinct() {
    List<Map<String, Object>> data =
        data(
            post(
                server,
                "{\"prompt\":\"p\",\"model\":\"m\",\"n\":3,\"width\":8,\"height\":8,\"seed\":1}"));
    String again =
        (String)
            data(post(
                    server,
                    "{\"prompt\":\"p\",\"model\":\"m\",\"width\":8,\"height\":8,\"seed\":1}"))
                .get(0)
                .get("url");

    Set<Object> urls = new HashSet<>();
    data.forEach(image -> urls.add(image.get("url")));
    urls.add(again);
    assertThat(urls).hasSize(4);
  }

  @Test
  void urlServesTheImageWithoutAuthorizationAndWithItsContentType() {
    String jpegUrl =
        url(
            post(
                server,
                "{\"prompt\":\"p\",\"model\":\"m\",\"width\":40,\"height\":30,\"response_format\":\"url\"}"));
    String pngUrl =
        url(
            post(
                server,
                "{\"prompt\":\"p\",\"model\":\"m\",\"width\":40,\"height\":30,"
                    + "\"output_format\":\"png\"}"));

    Download jpeg = get(jpegUrl);
    Download png = get(pngUrl);

    assertThat(jpeg.code()).isEqualTo(200);
    assertThat(jpeg.headers().get("Content-Type")).isEqualTo("image/jpeg");
    assertThat(Arrays.copyOf(jpeg.bytes(), 3)).containsExactly(0xFF, 0xD8, 0xFF);
    assertThat(png.code()).isEqualTo(200);
    assertThat(png.headers().get("Content-Type")).isEqualTo("image/png");
    assertThat(HttpUrl.get(pngUrl).encodedPath()).endsWith(".png");
    BufferedImage decoded = decode(png.bytes());
    assertThat(decoded.getWidth()).isEqualTo(40);
    assertThat(decoded.getHeight()).isEqualTo(30);
  }

  @Test
  void urlServesTheSameBytesAsBase64Would() {
    String url =
        url(
            post(
                server,
                "{\"prompt\":\"p\",\"model\":\"m\",\"width\":16,\"height\":16,\"seed\":3,\"output_format\":\"png\"}"));
    byte[] inline =
        b64(
            data(post(
                    server,
                    "{\"prompt\":\"p\",\"model\":\"m\",\"width\":16,\"height\":16,"
                        + "\"seed\":3,\"output_format\":\"png\",\"response_format\":\"base64\"}"))
                .get(0));

    assertThat(get(url).bytes()).isEqualTo(inline);
  }

  @Test
  void urlCanBeDownloadedMoreThanOnce() {
    String url = url(post(server, MINIMAL_SMALL));

    assertThat(get(url).bytes()).isEqualTo(get(url).bytes());
    assertThat(get(url).code()).isEqualTo(200);
  }

  @Test
  void wrongOrMissingSignatureIs403() {
    HttpUrl url = HttpUrl.get(url(post(server, MINIMAL_SMALL)));
    HttpUrl wrong =
        url.newBuilder().setQueryParameter("X-Fake-Signature", "0000000000000000").build();
    HttpUrl missing = url.newBuilder().removeAllQueryParameters("X-Fake-Signature").build();

    for (HttpUrl bad : List.of(wrong, missing)) {
      Download download = get(bad.toString());
      assertThat(download.code()).as(bad.toString()).isEqualTo(403);
      Map<String, Object> error =
          object(object(parse(new String(download.bytes(), StandardCharsets.UTF_8))).get("error"));
      assertThat(error).containsEntry("type", "access_denied");
    }
  }

  @Test
  void unknownFileIs404() {
    HttpUrl url = HttpUrl.get(url(post(server, MINIMAL_SMALL)));
    HttpUrl unknown = url.newBuilder().encodedPath("/v1/files/0123456789abcdef.jpg").build();

    Download download = get(unknown.toString());

    assertThat(download.code()).isEqualTo(404);
    Map<String, Object> error =
        object(object(parse(new String(download.bytes(), StandardCharsets.UTF_8))).get("error"));
    assertThat(error).containsEntry("type", "not_found");
    assertThat(error.get("message")).asString().contains("0123456789abcdef.jpg");
  }

  @Test
  void clientSavesAUrlResultAsAValidImageOfTheRequestedSize() throws IOException {
    TogetherImages client = track(server.newClient());

    ImageGenerationResult png =
        client.generate(
            ImageGenerationRequest.builder("a fox")
                .size(64, 48)
                .outputFormat(OutputFormat.PNG)
                .responseFormat(ResponseFormat.URL)
                .build());
    ImageGenerationResult jpeg =
        client.generate(ImageGenerationRequest.builder("an owl").size(48, 64).build());

    assertThat(png.images().get(0).isUrl()).isTrue();
    Path pngFile = png.images().get(0).saveTo(tempDir.resolve("fox"));
    Path jpegFile = jpeg.images().get(0).saveTo(tempDir.resolve("owl"));
    assertThat(pngFile).hasFileName("fox.png");
    assertThat(jpegFile).hasFileName("owl.jpg");
    BufferedImage fox = decode(Files.readAllBytes(pngFile));
    BufferedImage owl = decode(Files.readAllBytes(jpegFile));
    assertThat(new int[] {fox.getWidth(), fox.getHeight()}).containsExactly(64, 48);
    assertThat(new int[] {owl.getWidth(), owl.getHeight()}).containsExactly(48, 64);
  }

  @Test
  void clientDownloadsCarryNoAuthorization() {
    List<String> seen = new CopyOnWriteArrayList<>();
    OkHttpClient recording =
        new OkHttpClient.Builder()
            .addNetworkInterceptor(
                chain -> {
                  Request request = chain.request();
                  seen.add(
                      request.method()
                          + " "
                          + request.url().encodedPath()
                          + " "
                          + (request.header("Authorization") == null ? "no-auth" : "auth"));
                  return chain.proceed(request);
                })
            .build();
    try (TogetherImages client = server.clientBuilder().okHttpClient(recording).build()) {
      GeneratedImage image = client.generate(small("a fox").build()).images().get(0);

      assertThat(image.bytes()).startsWith((byte) 0xFF, (byte) 0xD8, (byte) 0xFF);
    } finally {
      recording.dispatcher().executorService().shutdown();
      recording.connectionPool().evictAll();
    }

    assertThat(seen).hasSize(2);
    assertThat(seen.get(0)).isEqualTo("POST /v1/images/generations auth");
    assertThat(seen.get(1)).startsWith("GET /v1/files/").endsWith(" no-auth");
    assertThat(server.requestCount()).as("downloads are not counted").isEqualTo(1);
  }

  @Test
  void oldestUrlIsForgottenAfterMaxStoredFiles() {
    String oldest = url(post(server, MINIMAL_SMALL));
    String second = url(post(server, MINIMAL_SMALL));
    assertThat(get(oldest).code()).isEqualTo(200);
    for (int stored = 2; stored < FakeTogetherServer.MAX_STORED_FILES; ) {
      int n = Math.min(FakeTogetherServer.MAX_N, FakeTogetherServer.MAX_STORED_FILES - stored);
      assertThat(
              data(
                  post(
                      server,
                      "{\"prompt\":\"p\",\"model\":\"m\",\"n\":"
                          + n
                          + ",\"width\":1,\"height\":1}")))
          .hasSize(n);
      stored += n;
    }
    assertThat(get(oldest).code()).as("the 64th stored image still keeps the first").isEqualTo(200);

    String newest = url(post(server, MINIMAL_SMALL));

    assertThat(FakeTogetherServer.MAX_STORED_FILES).isEqualTo(64);
    assertThat(get(oldest).code()).isEqualTo(404);
    assertThat(get(second).code()).isEqualTo(200);
    assertThat(get(newest).code()).isEqualTo(200);
  }

  @Test
  void resetForgetsStoredImages() {
    String url = url(post(server, MINIMAL_SMALL));

    server.reset();

    assertThat(get(url).code()).isEqualTo(404);
  }
}
