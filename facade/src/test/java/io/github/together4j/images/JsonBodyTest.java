package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link JsonBody}'s word-at-a-time scans agree with a byte loop. */
class JsonBodyTest {
  @Test
  void findsTheFirstQuoteOrBackslashAnywhereInAnyRange() {
    Random random = new Random(7);
    byte[] specials = {'"', '\\', (byte) 0xa2, (byte) 0xdc, 0x21, 0x23, 0x5b, 0x5d, 0, (byte) 0xff};
    for (int round = 0; round < 20_000; round++) {
      byte[] bytes = new byte[1 + random.nextInt(40)];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] =
            random.nextInt(8) == 0
                ? specials[random.nextInt(specials.length)]
                : (byte) "ABCxyz0189+/".charAt(random.nextInt(12));
      }
      int from = random.nextInt(bytes.length);
      int to = from + random.nextInt(bytes.length - from + 1);
      assertThat(JsonBody.indexOfQuoteOrBackslash(bytes, from, to))
          .as("round %d", round)
          .isEqualTo(naive(bytes, from, to, false));
      assertThat(JsonBody.indexOfQuoteBackslashOrNonAscii(bytes, from, to))
          .as("round %d", round)
          .isEqualTo(naive(bytes, from, to, true));
    }
  }

  @Test
  void plainRunHasNone() {
    byte[] plain = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkrLw==".getBytes();
    assertThat(JsonBody.indexOfQuoteOrBackslash(plain, 0, plain.length)).isEqualTo(-1);
    plain[plain.length - 1] = '"';
    assertThat(JsonBody.indexOfQuoteOrBackslash(plain, 0, plain.length))
        .isEqualTo(plain.length - 1);
    assertThat(JsonBody.indexOfQuoteOrBackslash(plain, 0, plain.length - 1)).isEqualTo(-1);
  }

  @Test
  void nonAsciiStopsOnlyTheScanThatAsksForIt() {
    byte[] plain = new byte[20_000];
    java.util.Arrays.fill(plain, (byte) 'Q');
    for (int at : new int[] {0, 7, 8191, 8192, 16_390, 19_999}) {
      for (byte high : new byte[] {(byte) 0x80, (byte) 0xc3, (byte) 0xff}) {
        byte[] bytes = plain.clone();
        bytes[at] = high;
        assertThat(JsonBody.indexOfQuoteBackslashOrNonAscii(bytes, 0, bytes.length)).isEqualTo(at);
        assertThat(JsonBody.indexOfQuoteOrBackslash(bytes, 0, bytes.length)).isEqualTo(-1);
      }
    }
  }

  @Test
  void readGenerationKeepsPlainValuesAsBytesAndEscapedOnesAsStrings() throws Exception {
    String body =
        "{\"id\":\"g\",\"model\":\"m\",\"object\":\"list\",\"data\":["
            + "{\"index\":0,\"b64_json\":\"QUJD\"},"
            + "{\"index\":1,\"b64_json\":\"QU\\/D\"},"
            + "{\"index\":2,\"b64_json\":null,\"url\":\"https://img.example/a.png\"}]}";
    okhttp3.Response response =
        new okhttp3.Response.Builder()
            .request(new okhttp3.Request.Builder().url("http://localhost/").build())
            .protocol(okhttp3.Protocol.HTTP_1_1)
            .code(200)
            .message("OK")
            .body(okhttp3.ResponseBody.create(body, okhttp3.MediaType.get("application/json")))
            .build();

    JsonBody.Generation read = JsonBody.readGeneration(response);

    var data = read.response().data();
    assertThat(read.base64()).containsOnlyKeys(data.get(0));
    assertThat(read.base64().get(data.get(0)).toString()).isEqualTo("QUJD");
    assertThat(data.get(0).b64Json()).isNull();
    assertThat(data.get(1).b64Json()).isEqualTo("QU/D");
    assertThat(data.get(2).url()).isEqualTo("https://img.example/a.png");
  }

  private static int naive(byte[] bytes, int from, int to, boolean nonAscii) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == '"' || bytes[i] == '\\' || (nonAscii && bytes[i] < 0)) {
        return i;
      }
    }
    return -1;
  }
}
