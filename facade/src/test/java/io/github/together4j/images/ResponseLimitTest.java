package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TogetherImages.Builder#maxResponseBytes}: a response past the limit is refused, not
 * retried.
 */
class ResponseLimitTest {
  @StartStop final MockWebServer api = new MockWebServer();
  @TempDir Path dir;

  final String body =
      StreamingSaveTest.body("gen-1", StreamingSaveTest.item(0, TestImages.png(200, 200)));

  @Test
  void contentLengthPastTheLimitIsMalformedAndNotRetried() {
    api.enqueue(StreamingSaveTest.json(body));

    MalformedResponseException e =
        catchThrowableOfType(
            MalformedResponseException.class, () -> client(body.length() - 1).generate("a fox"));

    assertThat(e)
        .hasMessageContaining("larger than the limit of " + (body.length() - 1))
        .hasMessageContaining("maxResponseBytes");
    assertThat(e.statusCode()).isEqualTo(200);
    assertThat(api.getRequestCount()).isEqualTo(1);
  }

  @Test
  void chunkedBodyPastTheLimitFailsWhileReading() {
    api.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .chunkedBody(new Buffer().writeUtf8(body), 256)
            .build());

    MalformedResponseException e =
        catchThrowableOfType(
            MalformedResponseException.class, () -> client(body.length() / 2).generate("a fox"));

    assertThat(e).hasMessageContaining("larger than the limit of " + body.length() / 2);
    assertThat(api.getRequestCount()).isEqualTo(1);
  }

  @Test
  void streamingSaveObeysTheLimitAndLeavesNothing() throws Exception {
    api.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .chunkedBody(new Buffer().writeUtf8(body), 256)
            .build());

    MalformedResponseException e =
        catchThrowableOfType(
            MalformedResponseException.class,
            () ->
                client(body.length() / 2).generateAndSave(ImageGenerationRequest.of("a fox"), dir));

    assertThat(e).hasMessageContaining("maxResponseBytes");
    assertThat(TestImages.names(dir)).isEmpty();
  }

  @Test
  void bodyWithinTheLimitIsRead() {
    api.enqueue(StreamingSaveTest.json(body));

    assertThat(client(body.length()).generate("a fox").images()).hasSize(1);
  }

  private TogetherImages client(long maxResponseBytes) {
    return TogetherImages.builder()
        .apiKey("sk-test")
        .baseUrl(api.url("/v1/").toString())
        .maxResponseBytes(maxResponseBytes)
        .build();
  }
}
