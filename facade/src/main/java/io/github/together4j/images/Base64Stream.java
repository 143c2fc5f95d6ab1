package io.github.together4j.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Decodes base64 text lazily as it is read, so a large image is never held decoded and as text at
 * once. Strict: the standard alphabet only, padding optional but complete when present and only at
 * the end, CR and LF allowed anywhere (MIME-style line breaks), nothing else.
 */
final class Base64Stream extends InputStream {
  /** The size of the buffers copies go through: the fixed extra memory of a save. */
  static final int BUFFER_SIZE = 64 * 1024;

  private static final byte INVALID = -1;
  private static final byte LINE_BREAK = -2;
  private static final byte PAD = -3;
  private static final byte[] VALUES = new byte[128];

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

  private final CharSequence text;
  private final String subject;
  private final int end;
  private int pos;
  /** Bits of the quantum being read, and how many of its 4 characters have been seen. */
  private int bits;
  private int quantumChars;
  /** Padding: how many '=' the final quantum needs, and how many were seen. */
  private int padsNeeded;
  private int padsSeen;
  private long dataChars;
  /** Where the last data character was, for errors about the end. */
  private int lastData;
  /** Decoded bytes that did not fit the caller's array. */
  private final byte[] carry = new byte[3];
  private int carryPos;
  private int carryLen;
  private boolean finished;

  /**
   * Creates a stream decoding {@code text}; {@code subject} names it in errors, e.g. {@code
   * "b64_json of image 2"}.
   */
  Base64Stream(CharSequence text, String subject) {
    this.text = text;
    this.subject = subject;
    this.end = text.length();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    int n = 0;
    while (carryLen > 0 && n < len) {
      b[off + n++] = carry[carryPos++];
      carryLen--;
    }
    while (n < len && pos < end) {
      char c = text.charAt(pos);
      int value = c < 128 ? VALUES[c] : INVALID;
      if (value >= 0) {
        if (padsNeeded > 0) {
          throw invalid("data after padding", pos);
        }
        bits = bits << 6 | value;
        dataChars++;
        lastData = pos;
        if (++quantumChars == 4) {
          quantumChars = 0;
          if (len - n >= 3) {
            b[off + n] = (byte) (bits >> 16);
            b[off + n + 1] = (byte) (bits >> 8);
            b[off + n + 2] = (byte) bits;
            n += 3;
          } else {
            n += emit(b, off + n, len - n, 3);
          }
          bits = 0;
        }
      } else if (value == PAD) {
        if (padsNeeded == 0) {
          if (quantumChars < 2) {
            throw invalid("'=' where no padding is allowed", pos);
          }
          padsNeeded = 4 - quantumChars;
          n += finishQuantum(b, off + n, len - n);
        } else if (padsSeen == padsNeeded) {
          throw invalid("too much padding", pos);
        }
        padsSeen++;
      } else if (value != LINE_BREAK) {
        throw invalid("unexpected " + describe(c), pos);
      }
      pos++;
    }
    if (pos == end && !finished) {
      finished = true;
      if (dataChars == 0) {
        throw invalid(end == 0 ? "the text is empty" : "the text has no base64 data", 0);
      }
      if (padsSeen < padsNeeded) {
        throw invalid("incomplete padding", end);
      }
      if (quantumChars == 1) {
        throw invalid("a lone final character, so the data is truncated", lastData);
      }
      if (quantumChars > 1) {
        n += finishQuantum(b, off + n, len - n);
      }
    }
    // The loop stops short of len only at the end of the text, so nothing read means the end.
    return n == 0 ? -1 : n;
  }

  /** Emits the 1 or 2 bytes of a final quantum of 2 or 3 characters. */
  private int finishQuantum(byte[] b, int off, int room) {
    int count = quantumChars - 1;
    bits <<= 6 * (4 - quantumChars);
    quantumChars = 0;
    int written = emit(b, off, room, count);
    bits = 0;
    return written;
  }

  /** Writes the top {@code count} bytes of {@code bits}, keeping what does not fit in carry. */
  private int emit(byte[] b, int off, int room, int count) {
    int written = 0;
    carryPos = 0;
    carryLen = 0;
    for (int i = 0; i < count; i++) {
      byte value = (byte) (bits >> (16 - 8 * i));
      if (written < room) {
        b[off + written++] = value;
      } else {
        carry[carryLen++] = value;
      }
    }
    return written;
  }

  @Override
  public long transferTo(OutputStream out) throws IOException {
    byte[] buffer = new byte[BUFFER_SIZE];
    long total = 0;
    for (int n; (n = read(buffer, 0, buffer.length)) != -1; ) {
      out.write(buffer, 0, n);
      total += n;
    }
    return total;
  }

  /** Decodes all of {@code text} into one array. */
  static byte[] decode(CharSequence text, String subject) throws InvalidImageDataException {
    long size = decodedLength(text);
    if (size > Integer.MAX_VALUE - 8) {
      throw new InvalidImageDataException(subject + " decodes to " + size
          + " bytes, more than an array holds: stream it with openStream() or save it instead");
    }
    byte[] bytes = new byte[(int) size];
    try (Base64Stream in = new Base64Stream(text, subject)) {
      int n = in.readNBytes(bytes, 0, bytes.length);
      if (n != bytes.length || in.read() != -1) {
        throw new IllegalStateException("decoded " + n + " bytes, expected " + size);
      }
    } catch (InvalidImageDataException e) {
      throw e;
    } catch (IOException e) {
      throw new AssertionError("decoding text does no I/O", e);
    }
    return bytes;
  }

  /** Decodes just enough of {@code text} to tell its format. */
  static ImageFormat detect(CharSequence text, String subject) throws InvalidImageDataException {
    return ImageFormat.detect(header(text, subject));
  }

  /** Decodes the first {@link ImageFormat#HEADER_LENGTH} bytes of {@code text}, or fewer. */
  static byte[] header(CharSequence text, String subject) throws InvalidImageDataException {
    try (Base64Stream in = new Base64Stream(text, subject)) {
      return in.readNBytes(ImageFormat.HEADER_LENGTH);
    } catch (InvalidImageDataException e) {
      throw e;
    } catch (IOException e) {
      throw new AssertionError("decoding text does no I/O", e);
    }
  }

  /** The exact number of bytes {@code text} decodes to, assuming it is valid. */
  static long decodedLength(CharSequence text) {
    long data = 0;
    for (int i = 0, length = text.length(); i < length; i++) {
      char c = text.charAt(i);
      if (c < 128 && VALUES[c] >= 0) {
        data++;
      }
    }
    return data / 4 * 3 + Math.max(0, data % 4 - 1);
  }

  private InvalidImageDataException invalid(String problem, int offset) {
    StringBuilder message = new StringBuilder(subject)
        .append(" is not valid base64: ").append(problem).append(" at offset ").append(offset);
    if (problem.startsWith("unexpected") && startsWith("data:")) {
      message.append(" (this is a data URI: pass the text after its comma)");
    } else if (problem.contains("'-'") || problem.contains("'_'")) {
      message.append(" (URL-safe base64 is not accepted: the standard alphabet uses + and /)");
    }
    return new InvalidImageDataException(message.toString());
  }

  private boolean startsWith(String prefix) {
    if (end < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (text.charAt(i) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Names a character without quoting more of the payload than the character itself. */
  private static String describe(char c) {
    if (c > ' ' && c < 127) {
      return "'" + c + "'";
    }
    return String.format("U+%04X", (int) c);
  }
}
