package io.github.together4j.images;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * Our base64 decoding, differential against {@link Base64#getDecoder()}: the public {@link
 * Base64Images#decode}, {@link Base64Images#openStream} and {@link Base64Images#detectFormat}, and
 * the internal {@link Base64Decoder} fed in chunks of random sizes, must give the JDK's bytes or
 * refuse where the JDK refuses.
 *
 * <p>Our decoder deliberately differs from the JDK's basic decoder in two ways, both documented in
 * {@link Base64Images}, and the oracle allows exactly those: CR and LF are skipped anywhere
 * (MIME-style line breaks), and a text without any base64 data (empty, or only line breaks) is
 * refused, since it is no image. Everything else the JDK accepts (padding optional but complete
 * when present, nothing after it) we accept, and everything it refuses we refuse.
 *
 * <p>Half the inputs are raw text; the other half are valid base64 of random bytes (up to 400, or
 * for one in eight up to 200,000), laid out in one of five ways and then hit by up to three
 * mutations (a bad character, a space, padding, a line break, a character beyond Latin-1, a
 * deletion, a truncation), placed at random, near a 64 KiB chunk boundary of the stream or the save
 * path, or near the end.
 */
class Base64FuzzTest {
  /** Characters decoded per chunk by {@link Base64Stream}. */
  private static final int STREAM_CHUNK = Base64Stream.BUFFER_SIZE / 3 * 4 - 4;

  private static final String[] INSERTS = {
    " ",
    "\t",
    "=",
    "==",
    "-",
    "_",
    "\n",
    "\r",
    "\r\n",
    "\u00e9",
    "\u0100",
    "\ud83d",
    "\u0000",
    "A",
    "data:image/png;base64,",
    "\u00ff"
  };

  @FuzzTest(maxDuration = "60s")
  void decode(FuzzedDataProvider data) throws IOException {
    boolean generated = data.consumeBoolean();
    long chunkSeed = data.consumeLong();
    String text = generated ? generate(data) : data.consumeRemainingAsString();
    byte @Nullable [] expected = expected(text);

    byte @Nullable [] decoded;
    try {
      decoded = Base64Images.decode(text);
    } catch (IllegalArgumentException e) {
      checkMessage(e);
      decoded = null;
    }
    agree("Base64Images.decode", expected, decoded);

    Random random = new Random(chunkSeed);
    agree("Base64Images.openStream", expected, readAll(Base64Images.openStream(text), random));
    agree("Base64Decoder in chunks", expected, decodeInChunks(text, random));

    ImageFormat format;
    try {
      format = Base64Images.detectFormat(text);
    } catch (IllegalArgumentException e) {
      checkMessage(e);
      if (expected != null) {
        throw new AssertionError("detectFormat() refused text that decodes", e);
      }
      return;
    }
    if (expected != null && format != ImageFormat.detect(expected)) {
      throw new AssertionError(
          "detectFormat() says " + format + ", the bytes are " + ImageFormat.detect(expected));
    }
  }

  /** The JDK's bytes for {@code text}, with our two documented differences; null to refuse. */
  static byte @Nullable [] expected(String text) {
    String stripped = text.replace("\r", "").replace("\n", "");
    if (stripped.isEmpty()) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(stripped);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void agree(String what, byte @Nullable [] expected, byte @Nullable [] actual) {
    if (expected == null && actual != null) {
      throw new AssertionError(
          what + " decoded " + actual.length + " bytes from text the JDK refuses");
    }
    if (expected != null && actual == null) {
      throw new AssertionError(
          what + " refused text the JDK decodes to " + expected.length + " bytes");
    }
    if (expected != null && !Arrays.equals(expected, actual)) {
      throw new AssertionError(
          what
              + " decoded other bytes than the JDK ("
              + actual.length
              + " vs "
              + expected.length
              + ")");
    }
  }

  private static void checkMessage(Exception e) {
    String message = e.getMessage();
    if (message == null || !message.contains("offset") || message.length() > 300) {
      throw new AssertionError("a decoding error without a short message naming the offset", e);
    }
  }

  /** Reads {@code in} to the end in reads of random sizes; null if it reports invalid text. */
  private static byte @Nullable [] readAll(InputStream in, Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[70_000];
    try (in) {
      while (true) {
        int n;
        if (random.nextInt(8) == 0) {
          n = in.read();
          if (n == -1) {
            break;
          }
          out.write(n);
          continue;
        }
        int len = 1 + random.nextInt(random.nextBoolean() ? 16 : buffer.length - 3);
        n = in.read(buffer, 3, len);
        if (n == -1) {
          break;
        }
        if (n == 0 || n > len) {
          throw new AssertionError("read " + n + " of at most " + len + " bytes");
        }
        out.write(buffer, 3, n);
      }
    } catch (InvalidImageDataException e) {
      checkMessage(e);
      return null;
    } catch (IOException e) {
      throw new AssertionError("decoding text does no other I/O", e);
    }
    return out.toByteArray();
  }

  /**
   * Feeds the text's Latin-1 bytes (anything beyond as 0xFF, which is invalid too) to one {@link
   * Base64Decoder} in chunks of random sizes (some exactly 64 KiB), through {@code updateAll} or
   * {@code update} at a random output offset; null if it reports invalid text.
   */
  private static byte @Nullable [] decodeInChunks(String text, Random random) {
    byte[] bytes = new byte[text.length()];
    for (int i = 0; i < bytes.length; i++) {
      char c = text.charAt(i);
      bytes[i] = c <= 0xff ? (byte) c : (byte) 0xff;
    }
    Base64Decoder decoder = new Base64Decoder("fuzzed text");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      int pos = 0;
      while (pos < bytes.length) {
        int len =
            switch (random.nextInt(4)) {
              case 0 -> 1 + random.nextInt(8);
              case 1 -> 65_536;
              default -> 1 + random.nextInt(90_000);
            };
        len = Math.min(len, bytes.length - pos);
        int n;
        byte[] decoded;
        if (random.nextBoolean()) {
          decoded = new byte[Base64Decoder.maxDecoded(len)];
          n = decoder.updateAll(Arrays.copyOfRange(bytes, pos, pos + len), decoded);
          out.write(decoded, 0, n);
        } else {
          int outOff = random.nextInt(5);
          decoded = new byte[outOff + Base64Decoder.maxDecoded(len)];
          n = decoder.update(bytes, pos, len, decoded, outOff);
          out.write(decoded, outOff, n);
        }
        if (n < 0 || n > Base64Decoder.maxDecoded(len)) {
          throw new AssertionError("decoded " + n + " bytes from " + len + " characters");
        }
        decoder.failIfInvalid();
        pos += len;
      }
      byte[] last = new byte[2];
      int n = decoder.finish(last, 0);
      out.write(last, 0, n);
    } catch (InvalidImageDataException e) {
      checkMessage(e);
      return null;
    }
    return out.toByteArray();
  }

  /**
   * Valid base64 of random bytes (up to 400, or one time in eight up to 200,000), in one of five
   * layouts, then mutated up to three times.
   */
  private static String generate(FuzzedDataProvider data) {
    // Mostly short, so the fuzzer runs fast; sometimes long enough to cross 64 KiB chunks.
    int length = data.consumeInt(0, 7) == 0 ? data.consumeInt(0, 200_000) : data.consumeInt(0, 400);
    Random content = new Random(data.consumeLong());
    int layout = data.consumeInt(0, 4);
    int mutations = data.consumeInt(0, 3);
    byte[] bytes = new byte[length];
    content.nextBytes(bytes);
    if (length >= 8 && content.nextBoolean()) {
      // Start like a PNG, so detectFormat has something to find.
      System.arraycopy(
          new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, bytes, 0, 8);
    }
    StringBuilder text =
        new StringBuilder(
            switch (layout) {
              case 0 -> Base64.getEncoder().encodeToString(bytes);
              case 1 -> Base64.getEncoder().withoutPadding().encodeToString(bytes);
              case 2 -> Base64.getMimeEncoder().encodeToString(bytes);
              case 3 -> Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(bytes);
              default -> Base64.getEncoder().encodeToString(bytes) + "\n";
            });
    for (int m = 0; m < mutations; m++) {
      int anchor = data.consumeInt(0, 3);
      int offset = data.consumeInt(-8, 8);
      int kind = data.consumeInt(0, INSERTS.length + 1);
      int position =
          switch (anchor) {
            case 0 -> data.consumeInt(0, Math.max(0, text.length()));
            case 1 -> STREAM_CHUNK * data.consumeInt(1, 3) + offset;
            case 2 -> Base64Stream.BUFFER_SIZE * data.consumeInt(1, 4) + offset;
            default -> text.length() + offset;
          };
      position = Math.max(0, Math.min(position, text.length()));
      if (kind == INSERTS.length) {
        if (position < text.length()) {
          text.deleteCharAt(position);
        }
      } else if (kind == INSERTS.length + 1) {
        text.setLength(position);
      } else {
        text.insert(position, INSERTS[kind]);
      }
    }
    return text.toString();
  }
}
