package io.github.together4j.images.benchmarks;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import okhttp3.Response;

/**
 * The tightest buffered client a user could write by hand: the body as one array ({@code
 * body().bytes()}), each {@code "b64_json":"} marker found and the slice up to its closing quote
 * decoded with {@link Base64.Decoder#decode(ByteBuffer)}, then written. It ignores JSON escapes,
 * whitespace around the colon, other fields and every validation together4j does: a lower bound on
 * the work, not a correct client.
 */
final class TightBufferedClient implements ImageClient {
  private static final byte[] MARKER = "\"b64_json\":\"".getBytes(StandardCharsets.US_ASCII);

  private final RawHttp http;
  private final Target target;

  TightBufferedClient(Target target) {
    this.target = target;
    this.http = new RawHttp(target);
  }

  @Override
  public long generateAndWrite(int worker, int n) throws Exception {
    byte[] body;
    try (Response response = http.post(n)) {
      body = response.body().bytes();
    }
    long total = 0;
    int position = 0;
    for (int at = indexOf(body, MARKER, 0); at >= 0; at = indexOf(body, MARKER, at)) {
      int start = at + MARKER.length;
      int end = start;
      while (body[end] != '"') {
        end++;
      }
      ByteBuffer decoded = Base64.getDecoder().decode(ByteBuffer.wrap(body, start, end - start));
      try (OutputStream out =
          Files.newOutputStream(
              target.directory().resolve("w" + worker + "_" + position++ + ".png"))) {
        out.write(decoded.array(), decoded.arrayOffset(), decoded.remaining());
      }
      total += decoded.remaining();
      at = end;
    }
    return total;
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Override
  public void close() {
    http.close();
  }
}
