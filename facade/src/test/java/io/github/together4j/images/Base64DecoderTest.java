package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Base64Decoder}'s fast paths, which hand plain text to the JDK's decoder, against its
 * careful path, which reads a character at a time: on any text, the same bytes or the same error.
 */
class Base64DecoderTest {
  private static final String NOISE = "=\r\n-_% A/+\"\\";

  @Test
  void fastPathsAgreeWithTheCarefulPathOnTextNearBase64() {
    Random random = new Random(20261205);
    int decodedByBoth = 0;
    for (int trial = 0; trial < 30_000; trial++) {
      String text = nearBase64(random);
      String careful = careful(text);
      for (int piece : new int[] {4, 8, 12, 64}) {
        assertThat(fast(text, piece)).as("%s in pieces of %d", text, piece).isEqualTo(careful);
      }
      assertThat(stream(text)).as(text).isEqualTo(careful);
      if (careful.startsWith("bytes ")) {
        decodedByBoth++;
      }
    }
    // Both outcomes are exercised: the noise is neither everywhere nor nowhere.
    assertThat(decodedByBoth).isBetween(5_000, 25_000);
  }

  /**
   * Base64 of 0–40 random bytes, padded or not, with up to two characters inserted, replaced or
   * removed.
   */
  private static String nearBase64(Random random) {
    byte[] bytes = new byte[random.nextInt(41)];
    random.nextBytes(bytes);
    StringBuilder text = new StringBuilder(Base64.getEncoder().encodeToString(bytes));
    if (random.nextBoolean()) {
      while (text.length() > 0 && text.charAt(text.length() - 1) == '=') {
        text.setLength(text.length() - 1);
      }
    }
    for (int edits = random.nextInt(3); edits > 0; edits--) {
      char noise = NOISE.charAt(random.nextInt(NOISE.length()));
      int at = random.nextInt(text.length() + 1);
      switch (random.nextInt(3)) {
        case 0 -> text.insert(at, noise);
        case 1 -> {
          if (at < text.length()) {
            text.setCharAt(at, noise);
          }
        }
        default -> {
          if (at < text.length()) {
            text.deleteCharAt(at);
          }
        }
      }
    }
    return text.toString();
  }

  /** The text through {@link Base64Decoder#update} alone. */
  private static String careful(String text) {
    byte[] in = text.getBytes(StandardCharsets.ISO_8859_1);
    Base64Decoder decoder = new Base64Decoder("text");
    byte[] out = new byte[Base64Decoder.maxDecoded(in.length)];
    try {
      int n = decoder.update(in, 0, in.length, out, 0);
      decoder.failIfInvalid();
      n += decoder.finish(out, n);
      return "bytes " + HexFormat.of().formatHex(out, 0, n);
    } catch (InvalidImageDataException e) {
      return "error " + e.getMessage();
    }
  }

  /**
   * The text as the save and the streams feed it: whole pieces through {@link
   * Base64Decoder#updateAll}, the rest through {@link Base64Decoder#updateLast}.
   */
  private static String fast(String text, int piece) {
    byte[] in = text.getBytes(StandardCharsets.ISO_8859_1);
    Base64Decoder decoder = new Base64Decoder("text");
    byte[] out = new byte[Base64Decoder.maxDecoded(in.length) + piece];
    try {
      int n = 0;
      int at = 0;
      for (; in.length - at > piece; at += piece) {
        byte[] chunk = java.util.Arrays.copyOfRange(in, at, at + piece);
        byte[] decoded = new byte[Base64Decoder.maxDecoded(piece)];
        int count = decoder.updateAll(chunk, decoded);
        System.arraycopy(decoded, 0, out, n, count);
        n += count;
        decoder.failIfInvalid();
      }
      n += decoder.updateLast(in, at, in.length - at, out, n);
      decoder.failIfInvalid();
      n += decoder.finish(out, n);
      return "bytes " + HexFormat.of().formatHex(out, 0, n);
    } catch (InvalidImageDataException e) {
      return "error " + e.getMessage();
    }
  }

  private static String stream(String text) {
    try {
      return "bytes "
          + HexFormat.of()
              .formatHex(
                  Base64Stream.decode(
                      new Base64Stream.Ascii(text.getBytes(StandardCharsets.ISO_8859_1)), "text"));
    } catch (InvalidImageDataException e) {
      return "error " + e.getMessage();
    }
  }
}
