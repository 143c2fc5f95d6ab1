package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.squareup.moshi.JsonDataException;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.Test;

/**
 * What {@link ErrorMapper} makes of hostile error responses: the key never comes back in a message,
 * however the server spells it, and a message stays short however much the server says. Found by
 * fuzzing (reliability/…/ErrorBodyFuzzTest).
 */
class ErrorMapperTest {
  private static final String KEY = "tgp_v1_SecretKey-123";

  private static TogetherException map(int status, Headers headers, String body) {
    return ErrorMapper.fromStatus(
        status, headers, ResponseBody.create(body, MediaType.get("application/json")), 1, KEY);
  }

  @Test
  void keySpelledWithAJsonEscapeIsRedactedFromMessageAndFields() {
    // "\u002d" is "-": the raw text never holds the key, the parsed message does.
    TogetherException e =
        map(
            401,
            Headers.of(),
            "{\"error\":{\"message\":\"key tgp_v1_SecretKey\\u002d123"
                + " is invalid\",\"type\":\"auth\\u005ferror\",\"param\":\"tgp_v1_SecretKey\\u002d123\","
                + "\"code\":\"tgp_v1_SecretKey\\u002d123\"}}");

    assertThat(e)
        .isExactlyInstanceOf(AuthenticationException.class)
        .hasMessage("HTTP 401 auth_error: key ██ is invalid; param: ██; code: ██");
    assertThat(e.serverMessage()).isEqualTo("key ██ is invalid");
    assertThat(e.param()).isEqualTo("██");
    assertThat(e.errorCode()).isEqualTo("██");
  }

  @Test
  void keyEchoedInTheRequestIdHeaderIsRedacted() {
    TogetherException e =
        map(
            503,
            Headers.of("x-request-id", "req-" + KEY),
            "{\"error\":" + "{\"message\":\"busy\",\"type\":\"overloaded\"}}");

    assertThat(e)
        .isExactlyInstanceOf(ServerException.class)
        .hasMessage("HTTP 503 overloaded: busy; request-id: req-██");
    assertThat(e.requestId()).isEqualTo("req-██");

    TogetherException malformed =
        map(502, Headers.of("x-request-id", KEY), "<html>bad gateway</html>");
    assertThat(malformed.getMessage()).doesNotContain(KEY).endsWith("; request-id: ██");
    assertThat(malformed.requestId()).isEqualTo("██");
  }

  @Test
  void longServerValuesAreCutInTheMessageButKeptWholeInTheFields() {
    String message = "overloaded ".repeat(800);
    String param = "p".repeat(1000);
    String requestId = "r".repeat(3000);
    TogetherException e =
        map(
            529,
            Headers.of("x-request-id", requestId),
            "{\"error\":{\"message\":\""
                + message
                + "\",\"type\":\""
                + "t".repeat(500)
                + "\",\"param\":\""
                + param
                + "\",\"code\":\""
                + "c".repeat(500)
                + "\"}}");

    assertThat(e).isExactlyInstanceOf(ServerException.class);
    assertThat(e.getMessage())
        .hasSizeLessThan(1100)
        .startsWith(
            "HTTP 529 " + "t".repeat(ErrorMapper.EXCERPT_LENGTH) + "…: overloaded overloaded")
        .contains("; param: " + "p".repeat(ErrorMapper.EXCERPT_LENGTH) + "…; code: ")
        .endsWith("; request-id: " + "r".repeat(ErrorMapper.EXCERPT_LENGTH) + "…");
    assertThat(e.serverMessage()).isEqualTo(message);
    assertThat(e.param()).isEqualTo(param);
    assertThat(e.requestId()).isEqualTo(requestId);
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String message = "a".repeat(ErrorMapper.EXCERPT_LENGTH - 1) + "\uD83D\uDE00" + "tail";

    TogetherException e =
        map(400, Headers.of(), "{\"error\":{\"message\":\"" + message + "\",\"type\":\"t\"}}");

    assertThat(e.getMessage())
        .isEqualTo("HTTP 400 t: " + "a".repeat(ErrorMapper.EXCERPT_LENGTH - 1) + "…");
  }

  @Test
  void parseFailureQuotingTheKeyIsRedactedWhenTheKeyIsGivenAndCutEitherWay() {
    JsonDataException quoting =
        new JsonDataException("Expected an int but was " + KEY + " at path $.data[0].index");

    TogetherException redacted =
        ErrorMapper.fromThrowable(quoting, 200, Headers.of("x-request-id", KEY), 1, KEY);
    assertThat(redacted)
        .isExactlyInstanceOf(MalformedResponseException.class)
        .hasMessage(
            "response is not an ImageResponse: Expected an int but was ██ at path $.data[0].index;"
                + " request-id: ██");
    assertThat(redacted.requestId()).isEqualTo("██");

    JsonDataException longPath =
        new JsonDataException("Expected value at path $." + "n".repeat(5000));
    TogetherException cut = ErrorMapper.fromThrowable(longPath, 200, Headers.of(), 1);
    assertThat(cut.getMessage())
        .hasSize("response is not an ImageResponse: ".length() + ErrorMapper.MAX_DETAIL_LENGTH + 1)
        .endsWith("n…");
  }
}
