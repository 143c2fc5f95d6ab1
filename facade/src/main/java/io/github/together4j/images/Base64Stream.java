package io.github.together4j.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Decodes base64 text lazily as it is read, through {@link Base64Decoder} in fixed-size chunks, so
 * a large image is never held decoded and as text at once.
 */
final class Base64Stream extends InputStream {
  /** The size of the buffers copies go through: the fixed extra memory of a save. */
  static final int BUFFER_SIZE = 64 * 1024;

  /** Characters decoded per chunk; the decoded chunk fits {@link #BUFFER_SIZE}. */
  private static final int CHUNK_CHARS = BUFFER_SIZE / 3 * 4 - 4;

  private final CharSequence text;
  private final Base64Decoder decoder;

  /** Bulk-encodes characters to Latin-1 bytes, stopping at one it cannot map (any above U+00FF). */
  private final java.nio.charset.CharsetEncoder latin1 =
      java.nio.charset.StandardCharsets.ISO_8859_1
          .newEncoder()
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT);

  private char[] textChunk = new char[0];
  private final int end;
  private final int chunkChars;
  private int pos;
  private byte[] chars = new byte[0];
  private final byte[] decoded;
  private int decodedPos;
  private int decodedLen;
  private boolean finished;

  /**
   * Creates a stream decoding {@code text}; {@code subject} names it in errors, e.g. {@code
   * "b64_json of image 2"}.
   */
  Base64Stream(CharSequence text, String subject) {
    this(text, subject, CHUNK_CHARS);
  }

  /** Creates a stream that decodes {@code chunkChars} characters at a time. */
  private Base64Stream(CharSequence text, String subject, int chunkChars) {
    this.text = text;
    this.decoder = new Base64Decoder(subject);
    this.end = text.length();
    this.chunkChars = chunkChars;
    this.decoded = new byte[Base64Decoder.maxDecoded(chunkChars)];
  }

  @Override
  public int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return decoded[decodedPos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, decodedLen - decodedPos);
    System.arraycopy(decoded, decodedPos, b, off, n);
    decodedPos += n;
    return n;
  }

  @Override
  public long transferTo(OutputStream out) throws IOException {
    long total = 0;
    while (fill()) {
      int n = decodedLen - decodedPos;
      out.write(decoded, decodedPos, n);
      decodedPos += n;
      total += n;
    }
    return total;
  }

  /** Decodes the next chunk when the last is used up; false at the end of the text. */
  private boolean fill() throws InvalidImageDataException {
    while (decodedPos == decodedLen) {
      if (finished) {
        return false;
      }
      decoder.failIfInvalid();
      decodedPos = 0;
      if (pos == end) {
        decodedLen = decoder.finish(decoded, 0);
        finished = true;
        continue;
      }
      int count = Math.min(chunkChars, end - pos);
      if (chars.length != count) {
        chars = new byte[count];
        textChunk = text instanceof Ascii ? textChunk : new char[count];
      }
      if (text instanceof Ascii ascii) {
        // Bytes already: one copy, and whole chunks take the JDK decoder's fast path.
        System.arraycopy(ascii.bytes, pos, chars, 0, count);
        decodedLen = decode(count, count);
        pos += count;
        continue;
      }
      // Two bulk copies (both intrinsics for a String) beat a charAt() per character.
      if (text instanceof String string) {
        string.getChars(pos, pos + count, textChunk, 0);
      } else {
        for (int i = 0; i < count; i++) {
          textChunk[i] = text.charAt(pos + i);
        }
      }
      java.nio.CharBuffer from = java.nio.CharBuffer.wrap(textChunk, 0, count);
      java.nio.ByteBuffer to = java.nio.ByteBuffer.wrap(chars, 0, count);
      latin1.reset().encode(from, to, true);
      int mapped = to.position();
      decodedLen = decode(mapped, count);
      pos += mapped;
      if (mapped < count) {
        // After what came before it, so a problem earlier in the text is the one reported.
        decoder.invalidCharacter(text.charAt(pos), pos);
      }
    }
    return true;
  }

  /**
   * Decodes the first {@code mapped} of the {@code count} characters in {@link #chars}, the next
   * ones from {@link #pos}: whole chunks and the text's last through the JDK's decoder when plain.
   */
  private int decode(int mapped, int count) throws InvalidImageDataException {
    if (mapped < count) {
      return decoder.update(chars, 0, mapped, decoded, 0);
    }
    return pos + count == end
        ? decoder.updateLast(chars, 0, count, decoded, 0)
        : decoder.updateAll(chars, decoded);
  }

  /** Decodes all of {@code text} into one array. */
  static byte[] decode(CharSequence text, String subject) throws InvalidImageDataException {
    if (text instanceof Ascii ascii && ascii.bytes.length >= 4) {
      // Plain base64 bytes (every real image) in one call of the JDK's decoder, into an exact
      // array; anything else, line breaks or a problem, takes the careful path below, which names
      // the problem with its offset.
      try {
        return java.util.Base64.getDecoder().decode(ascii.bytes);
      } catch (IllegalArgumentException e) {
        // The careful path.
      }
    }
    // Exact unless the text has line breaks; then the array is trimmed once at the end.
    int length = text.length();
    int data = length;
    while (data > 0 && data > length - 2 && text.charAt(data - 1) == '=') {
      data--;
    }
    long size = (long) data / 4 * 3 + Math.max(0, data % 4 - 1);
    if (size > Integer.MAX_VALUE - 8) {
      throw new InvalidImageDataException(
          subject
              + " decodes to "
              + size
              + " bytes, more than an array holds: stream it with openStream() or save it instead");
    }
    byte[] bytes = new byte[(int) size];
    try (Base64Stream in = new Base64Stream(text, subject)) {
      int n = in.readNBytes(bytes, 0, bytes.length);
      if (in.read() != -1) {
        throw new IllegalStateException("decoded more than the " + size + " bytes expected");
      }
      return n == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, n);
    } catch (InvalidImageDataException e) {
      throw e;
    } catch (IOException e) {
      throw new AssertionError("decoding text does no I/O", e);
    }
  }

  /** Decodes just enough of {@code text} to tell its format. */
  static ImageFormat detect(CharSequence text, String subject) throws InvalidImageDataException {
    return ImageFormat.detect(header(text, subject));
  }

  /**
   * Decodes the first {@link ImageFormat#HEADER_LENGTH} bytes of {@code text}, or fewer, reading 16
   * characters at a time: only the start of the text is decoded, or checked.
   */
  static byte[] header(CharSequence text, String subject) throws InvalidImageDataException {
    try (Base64Stream in = new Base64Stream(text, subject, ImageFormat.HEADER_LENGTH / 3 * 4)) {
      return in.readNBytes(ImageFormat.HEADER_LENGTH);
    } catch (InvalidImageDataException e) {
      throw e;
    } catch (IOException e) {
      throw new AssertionError("decoding text does no I/O", e);
    }
  }

  /**
   * Base64 text held as the ASCII bytes it arrived as (one byte a character, every byte below
   * 0x80), so decoding copies bytes instead of encoding characters, and no {@code String} exists
   * until {@link #toString()} asks for one.
   */
  static final class Ascii implements CharSequence {
    final byte[] bytes;

    /** Wraps {@code bytes}, which the caller gives up and guarantees are all ASCII. */
    Ascii(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int length() {
      return bytes.length;
    }

    @Override
    public char charAt(int index) {
      return (char) bytes[index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new String(bytes, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
      return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }
}
