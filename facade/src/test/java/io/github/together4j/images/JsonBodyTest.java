package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link JsonBody#indexOfQuoteOrBackslash}: the word-at-a-time scan agrees with a byte loop. */
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
          .isEqualTo(naive(bytes, from, to));
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
  void plainAsciiMeansNoBackslashAndNothingAbove0x7fAnywhere() {
    byte[] plain = new byte[20_000];
    java.util.Arrays.fill(plain, (byte) 'Q');
    assertThat(JsonBody.isPlainAscii(plain)).isTrue();
    assertThat(JsonBody.isPlainAscii(new byte[0])).isTrue();
    for (int at : new int[] {0, 7, 8191, 8192, 16_390, 19_999}) {
      for (byte bad : new byte[] {'\\', (byte) 0x80, (byte) 0xc3, (byte) 0xff}) {
        byte[] bytes = plain.clone();
        bytes[at] = bad;
        assertThat(JsonBody.isPlainAscii(bytes)).as("%d at %d", bad, at).isFalse();
        assertThat(JsonBody.indexOfBackslashOrNonAscii(bytes, 0, bytes.length)).isEqualTo(at);
      }
    }
  }

  private static int naive(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == '"' || bytes[i] == '\\') {
        return i;
      }
    }
    return -1;
  }
}
