package io.github.together4j.images.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fake server's HTTP behaviour: routing. */
class FakeServerRoutingTest extends FakeServerTestBase {

  @ParameterizedTest
  @ValueSource(strings = {"GET", "PUT", "DELETE"})
  void otherMethodsOnGenerationsAre405(String method) {
    Request request =
        new Request.Builder()
            .url(server.baseUrl() + "images/generations")
            .header("Authorization", "Bearer " + server.apiKey())
            .method(
                method, method.equals("GET") ? null : RequestBody.create(MINIMAL, APPLICATION_JSON))
            .build();

    Reply reply = call(request);

    assertThat(reply.code()).isEqualTo(405);
    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(error).containsEntry("type", "invalid_request_error");
    assertThat(error.get("message")).asString().isEqualTo(method + " is not allowed: use POST");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void unknownPathIs404ErrorData() {
    Reply models = call(new Request.Builder().url(server.baseUrl() + "chat/completions").build());
    Reply postToFiles =
        call(
            new Request.Builder()
                .url(server.baseUrl() + "files/x.jpg")
                .post(RequestBody.create(MINIMAL, APPLICATION_JSON))
                .build());

    assertThat(models.code()).isEqualTo(404);
    assertThat(object(models.json().get("error")))
        .containsEntry("type", "not_found")
        .containsEntry("message", "no route for GET /v1/chat/completions")
        .containsEntry("param", null);
    assertThat(postToFiles.code()).isEqualTo(404);
    assertThat(object(postToFiles.json().get("error")))
        .containsEntry("message", "no route for POST /v1/files/x.jpg");
  }
}
