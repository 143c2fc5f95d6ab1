package io.github.together4j.images.benchmarks;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import okio.Buffer;
import okio.BufferedSource;

/**
 * The characters of one JSON string value, read from its raw JSON text (as {@code
 * JsonReader.nextSource()} returns it, quotes included), for base64 text: {@code \/} becomes {@code
 * /}, the escaped line breaks {@code \n} and {@code \r} are dropped, a {@code \}{@code u00XX}
 * escape becomes its ASCII character, and the closing quote ends the stream. Any other escape
 * cannot be base64 and fails.
 *
 * <p>Both reads work straight on Okio's buffer: {@code Base64.getDecoder().wrap(…)} calls {@link
 * #read()} once per character, so that path must not allocate or copy.
 */
final class JsonStringInputStream extends InputStream {
  /** What {@link #special} returns for an escaped line break: nothing to deliver. */
  private static final int SKIP = -2;

  private final BufferedSource source;
  private final Buffer buffer;
  private boolean done;

  JsonStringInputStream(BufferedSource source) throws IOException {
    this.source = source;
    this.buffer = source.getBuffer();
    if (source.readByte() != '"') {
      throw new IOException("not a JSON string");
    }
  }

  @Override
  public int read() throws IOException {
    while (!done) {
      if (buffer.size() == 0 && !source.request(1)) {
        throw new EOFException("unterminated JSON string");
      }
      byte c = buffer.getByte(0);
      if (c != '"' && c != '\\') {
        buffer.skip(1);
        return c & 0xff;
      }
      int value = special();
      if (value != SKIP) {
        return value;
      }
    }
    return -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    while (!done) {
      if (buffer.size() == 0 && !source.request(1)) {
        throw new EOFException("unterminated JSON string");
      }
      long limit = Math.min(buffer.size(), len);
      long stop = limit;
      long quote = buffer.indexOf((byte) '"', 0, limit);
      if (quote >= 0) {
        stop = quote;
      }
      long backslash = buffer.indexOf((byte) '\\', 0, stop);
      if (backslash >= 0) {
        stop = backslash;
      }
      if (stop > 0) {
        return buffer.read(b, off, (int) stop);
      }
      int value = special();
      if (value >= 0) {
        b[off] = (byte) value;
        return 1;
      }
    }
    return -1;
  }

  /**
   * Consumes the quote or escape at the head of the buffer: -1 at the closing quote, {@link #SKIP}
   * for an escaped line break, else the character.
   */
  private int special() throws IOException {
    byte c = buffer.readByte();
    if (c == '"') {
      done = true;
      if (!source.exhausted()) {
        throw new IOException("data after the JSON string");
      }
      return -1;
    }
    source.require(1);
    byte escaped = buffer.readByte();
    switch (escaped) {
      case '/':
        return '/';
      case 'n':
      case 'r':
        return SKIP;
      case 'u':
        source.require(4);
        int code = Integer.parseInt(buffer.readUtf8(4), 16);
        if (code >= 128) {
          throw new IOException(
              "non-ASCII character U+" + Integer.toHexString(code) + " in base64 text");
        }
        return code == '\n' || code == '\r' ? SKIP : code;
      default:
        throw new IOException("escape \\" + (char) escaped + " cannot be base64");
    }
  }
}
