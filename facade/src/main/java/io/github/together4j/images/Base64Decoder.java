package io.github.together4j.images;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The strict base64 decoder every path shares, fed in chunks of ASCII bytes: the standard alphabet
 * only, padding optional but complete when present and only at the end, CR and LF allowed anywhere
 * (MIME-style line breaks), nothing else. Errors name the subject and the offset in the text, and
 * quote at most the one offending character.
 */
final class Base64Decoder {
  private static final byte INVALID = -1;
  private static final byte LINE_BREAK = -2;
  private static final byte PAD = -3;
  private static final byte[] VALUES = new byte[256];

  static {
    Arrays.fill(VALUES, INVALID);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      VALUES[alphabet.charAt(i)] = (byte) i;
    }
    VALUES['\r'] = LINE_BREAK;
    VALUES['\n'] = LINE_BREAK;
    VALUES['='] = PAD;
  }

  private final String subject;

  /** The offset of the next character in the whole text. */
  private long position;

  /** Bits of the quantum being read, and how many of its 4 characters have been seen. */
  private int bits;

  private int quantumChars;

  /** Padding: how many '=' the final quantum needs, and how many were seen. */
  private int padsNeeded;

  private int padsSeen;
  private long dataChars;
  private long lastData;

  private static final int START_LENGTH = "data:".length();

  /** The first characters, to recognize a data URI in an error message. */
  private final StringBuilder start = new StringBuilder(START_LENGTH);

  /** The problem found, if any: every later call fails with it. */
  private @org.jspecify.annotations.Nullable InvalidImageDataException failure;

  Base64Decoder(String subject) {
    this.subject = subject;
  }

  /** The JDK's decoder: intrinsified, so the fast path for plain chunks. */
  private static final java.util.Base64.Decoder JDK = java.util.Base64.getDecoder();

  /**
   * Decodes all of {@code in}, like {@code update(in, 0, in.length, out, 0)}. A chunk that is plain
   * base64 (a multiple of 4 characters, no line breaks, no padding) between quanta goes through the
   * JDK's decoder, about twice as fast; anything else, including every problem, goes through {@link
   * #update}, which names it exactly.
   */
  int updateAll(byte[] in, byte[] out) throws InvalidImageDataException {
    int n = updatePlain(in, out);
    return n >= 0 ? n : update(in, 0, in.length, out, 0);
  }

  /**
   * Decodes all of {@code in} with the JDK's decoder if it is plain base64 between quanta (a
   * multiple of 4 characters, no line breaks, no padding) and returns how many bytes it wrote;
   * otherwise returns -1, having consumed nothing (though {@code out} may have been written to). So
   * a caller can offer bytes that may not all be base64, such as a JSON value's closing quote.
   */
  int updatePlain(byte[] in, byte[] out) {
    int length = in.length;
    if (failure == null
        && quantumChars == 0
        && padsNeeded == 0
        && length >= 4
        && length % 4 == 0
        && in[length - 1] != '=') {
      try {
        int n = JDK.decode(in, out);
        accepted(in, 0, length);
        return n;
      } catch (IllegalArgumentException e) {
        // Not plain: the caller takes the careful path.
      }
    }
    return -1;
  }

  /**
   * Decodes {@code in[off, off + len)}, the last characters of the text, like {@link #update}; when
   * they are well-formed base64 (padded or not) after whole quanta, through the JDK's decoder in
   * one call rather than character by character. {@link #finish} must still be called.
   */
  int updateLast(byte[] in, int off, int len, byte[] out, int outOff)
      throws InvalidImageDataException {
    if (failure == null && quantumChars == 0 && padsNeeded == 0 && len >= 4) {
      try {
        ByteBuffer decoded = JDK.decode(ByteBuffer.wrap(in, off, len));
        int n = decoded.remaining();
        System.arraycopy(decoded.array(), decoded.arrayOffset(), out, outOff, n);
        accepted(in, off, len);
        return n;
      } catch (IllegalArgumentException e) {
        // Line breaks, or a problem: the careful path decodes it, or finds and names the problem.
      }
    }
    return update(in, off, len, out, outOff);
  }

  /**
   * Counts {@code in[off, off + len)}, which the JDK's decoder took whole, as read: the text's
   * start, the position, the data. The padding {@link #updateLast} may take counts as data too;
   * only {@link #finish} follows it, and finds nothing to refuse in a text the JDK accepted.
   */
  private void accepted(byte[] in, int off, int len) {
    keepStart(in, off, off + len);
    position += len;
    dataChars += len;
    lastData = position - 1;
  }

  /** Keeps the text's first characters from {@code in[off, end)}, for {@link #invalid}. */
  private void keepStart(byte[] in, int off, int end) {
    for (int k = off; k < end && start.length() < START_LENGTH; k++) {
      start.append((char) (in[k] & 0xff));
    }
  }

  /** The most bytes {@link #update} writes for {@code chars} characters. */
  static int maxDecoded(int chars) {
    return chars / 4 * 3 + 3;
  }

  /**
   * Decodes {@code in[off, off + len)}, writing at most {@link #maxDecoded}{@code (len)} bytes to
   * {@code out} from {@code outOff}, and returns how many it wrote. At a problem it stops and
   * returns what it decoded before it, so a reader gets every good byte first; the problem is then
   * thrown by {@link #failIfInvalid()} and by every later call.
   */
  int update(byte[] in, int off, int len, byte[] out, int outOff) throws InvalidImageDataException {
    failIfInvalid();
    int o = outOff;
    int end = off + len;
    int i = off;
    keepStart(in, off, end);
    // The quantum-aligned fast path: four alphabet characters, three bytes, no state changes.
    if (quantumChars == 0 && padsNeeded == 0) {
      while (end - i >= 4) {
        int a = VALUES[in[i] & 0xff];
        int b = VALUES[in[i + 1] & 0xff];
        int c = VALUES[in[i + 2] & 0xff];
        int d = VALUES[in[i + 3] & 0xff];
        if ((a | b | c | d) < 0) {
          break;
        }
        int quantum = a << 18 | b << 12 | c << 6 | d;
        out[o] = (byte) (quantum >> 16);
        out[o + 1] = (byte) (quantum >> 8);
        out[o + 2] = (byte) quantum;
        o += 3;
        i += 4;
      }
      if (i > off) {
        dataChars += i - off;
        lastData = position + (i - off) - 1;
      }
    }
    for (; i < end; i++) {
      int value = VALUES[in[i] & 0xff];
      long at = position + (i - off);
      if (value >= 0) {
        if (padsNeeded > 0) {
          failure = invalid("data after padding", at);
          return o - outOff;
        }
        bits = bits << 6 | value;
        dataChars++;
        lastData = at;
        if (++quantumChars == 4) {
          out[o] = (byte) (bits >> 16);
          out[o + 1] = (byte) (bits >> 8);
          out[o + 2] = (byte) bits;
          o += 3;
          quantumChars = 0;
          bits = 0;
        }
      } else if (value == PAD) {
        if (padsNeeded == 0) {
          if (quantumChars < 2) {
            failure = invalid("'=' where no padding is allowed", at);
            return o - outOff;
          }
          padsNeeded = 4 - quantumChars;
          o += finishQuantum(out, o);
        } else if (padsSeen == padsNeeded) {
          failure = invalid("too much padding", at);
          return o - outOff;
        }
        padsSeen++;
      } else if (value != LINE_BREAK) {
        failure = invalid("unexpected " + describe(in[i] & 0xff), at);
        return o - outOff;
      }
    }
    position += len;
    return o - outOff;
  }

  /**
   * Records a character outside ASCII at {@code at}, found by a caller that reads characters, not
   * bytes, after feeding everything before it.
   */
  void invalidCharacter(char c, long at) {
    if (failure == null) {
      failure = invalid("unexpected " + describe(c), at);
    }
  }

  /** Throws the problem {@link #update} found, if any. */
  void failIfInvalid() throws InvalidImageDataException {
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Ends the text: checks it was complete and writes the last 1 or 2 bytes, if any, to {@code out}
   * from {@code outOff}; returns how many.
   */
  int finish(byte[] out, int outOff) throws InvalidImageDataException {
    failIfInvalid();
    if (dataChars == 0) {
      throw invalid(position == 0 ? "the text is empty" : "the text has no base64 data", 0);
    }
    if (padsSeen < padsNeeded) {
      throw invalid("incomplete padding", position);
    }
    if (quantumChars == 1) {
      throw invalid("a lone final character, so the data is truncated", lastData);
    }
    return quantumChars > 1 ? finishQuantum(out, outOff) : 0;
  }

  /** Emits the 1 or 2 bytes of a final quantum of 2 or 3 characters. */
  private int finishQuantum(byte[] out, int o) {
    int count = quantumChars - 1;
    int shifted = bits << 6 * (4 - quantumChars);
    for (int k = 0; k < count; k++) {
      out[o + k] = (byte) (shifted >> (16 - 8 * k));
    }
    quantumChars = 0;
    bits = 0;
    return count;
  }

  private InvalidImageDataException invalid(String problem, long offset) {
    StringBuilder message =
        new StringBuilder(subject)
            .append(" is not valid base64: ")
            .append(problem)
            .append(" at offset ")
            .append(offset);
    if (problem.startsWith("unexpected") && start.toString().startsWith("data:")) {
      message.append(" (this is a data URI: pass the text after its comma)");
    } else if (problem.contains("'-'") || problem.contains("'_'")) {
      message.append(" (URL-safe base64 is not accepted: the standard alphabet uses + and /)");
    }
    return new InvalidImageDataException(message.toString());
  }

  /** Names a character without quoting more of the payload than the character itself. */
  private static String describe(int c) {
    if (c > ' ' && c < 127) {
      return "'" + (char) c + "'";
    }
    return String.format("U+%04X", c);
  }
}
