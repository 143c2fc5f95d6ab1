package io.github.together4j.images.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.AuthenticationException;
import io.github.together4j.images.TogetherImages;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fake server's HTTP behaviour: authentication. */
class FakeServerAuthenticationTest extends FakeServerTestBase {

  @Test
  void missingAuthorizationIs401WithInvalidApiKeyErrorData() {
    Reply reply = post(server, MINIMAL_SMALL, null);

    assertThat(reply.code()).isEqualTo(401);
    assertThat(reply.headers().get("Content-Type")).startsWith("application/json");
    Map<String, Object> error = object(reply.json().get("error"));
    assertThat(reply.json()).containsOnlyKeys("error");
    assertThat(error).containsOnlyKeys("message", "type", "param", "code");
    assertThat(error.get("message")).asString().startsWith("Invalid API key provided");
    assertThat(error)
        .containsEntry("type", "invalid_request_error")
        .containsEntry("param", null)
        .containsEntry("code", "invalid_api_key");
    assertThat(reply.body()).contains("\"param\":null");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bearer fake-together-key",
        "BEARER fake-together-key",
        "Bearer  fake-together-key"
      })
  void schemeIsCaseInsensitiveAndSpacesAreAllowedAsHttpSays(String authorization) {
    assertThat(post(server, MINIMAL_SMALL, authorization).code()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Bearer wrong-key",
        "Bearer fake-together-key-2",
        "fake-together-key",
        "Basic fake-together-key",
        "Bearer ",
        "Bearerfake-together-key"
      })
  void wrongAuthorizationIs401(String authorization) {
    Reply reply = post(server, MINIMAL_SMALL, authorization);

    assertThat(reply.code()).isEqualTo(401);
    assertThat(object(reply.json().get("error"))).containsEntry("code", "invalid_api_key");
  }

  @Test
  void authorizationIsCheckedBeforeTheBodyIsValidated() {
    Reply reply = post(server, "not json", "Bearer wrong");

    assertThat(reply.code()).isEqualTo(401);
  }

  @Test
  void clientWithWrongKeyGetsAuthenticationException() {
    TogetherImages client = track(server.clientBuilder().apiKey("wrong").maxRetries(0).build());

    assertThatThrownBy(() -> client.generate(small("a fox").build()))
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(401);
              assertThat(e.errorType()).isEqualTo("invalid_request_error");
              assertThat(e.errorCode()).isEqualTo("invalid_api_key");
              assertThat(e.param()).isNull();
              assertThat(e.getMessage()).doesNotContain("wrong");
            });
    assertThat(server.takeRequest().authorized()).isFalse();
  }

  @Test
  void customApiKeyIsTheOnlyKeyAccepted() {
    try (FakeTogetherServer custom = FakeTogetherServer.builder().apiKey("k2").start();
        TogetherImages client = custom.newClient()) {
      assertThat(custom.apiKey()).isEqualTo("k2");
      assertThat(post(custom, MINIMAL_SMALL, "Bearer " + FakeTogetherServer.DEFAULT_API_KEY).code())
          .isEqualTo(401);
      assertThat(post(custom, MINIMAL_SMALL, "Bearer k2").code()).isEqualTo(200);
      assertThat(client.generate(small("a fox").build()).images()).hasSize(1);
    }
  }
}
