package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A 200 whose HTTP body arrives whole but whose JSON ends inside a value is malformed on every
 * path: one request (one billed generation), never retried. (A body cut off by the connection is
 * still retried: StreamingSaveTest and the reliability fault matrix.)
 */
class TruncatedJsonTest {
  /** Complete as HTTP (Content-Length matches), cut as JSON: inside the b64_json string. */
  private static final String ENDS_INSIDE_B64 =
      "{\"id\":\"x\",\"model\":\"m\",\"object\":\"list\","
          + "\"data\":[{\"index\":0,\"b64_json\":\"iVBORw0KGgoAAAANSUhEUgAA";

  @StartStop private final MockWebServer server = new MockWebServer();
  @TempDir Path dir;
  @RegisterExtension final TestClients clients = new TestClients();

  private TogetherImages client() {
    return clients.client(server, 2);
  }

  private static MockResponse json(String body) {
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  @ParameterizedTest
  @EnumSource(GenerationPath.class)
  void aWholeBodyWhoseJsonEndsInsideAValueIsMalformedAfterOneRequest(GenerationPath path)
      throws Exception {
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(ENDS_INSIDE_B64));
    }

    Throwable thrown =
        catchThrowable(
            () ->
                path.call(
                    client(),
                    ImageGenerationRequest.builder("a fox")
                        .responseFormat(ImageGenerationRequest.ResponseFormat.BASE64)
                        .build(),
                    dir));

    assertThat(thrown)
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageStartingWith("response is not an ImageResponse: ")
        .hasMessageNotContaining("after");
    assertThat(((TogetherException) thrown).attempts()).isEqualTo(1);
    assertThat(server.getRequestCount()).as("requests sent, each a billed generation").isEqualTo(1);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).as("nothing saved, no .part left").isEmpty();
    }
  }
}
