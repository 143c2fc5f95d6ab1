package io.github.together4j.images.benchmarks;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import okhttp3.Response;

/**
 * The tightest streaming client a user could write by hand: OkHttp's {@code byteStream()}, scanned
 * for {@code "b64_json":} (the name, not the {@code type} value that repeats it); each value's
 * bytes are copied into a 64 KiB array (a multiple of 4) and every full array decoded with {@link
 * Base64.Decoder#decode(byte[], byte[])}, the tail at the closing quote, through a {@link
 * BufferedOutputStream} to the file. It ignores JSON escapes, other fields and every validation
 * together4j does: a lower bound on the work, not a correct client. Its {@link Disk} mode says how
 * much of {@code generateAndSave}'s disk work it does as well.
 */
final class TightStreamClient implements ImageClient {
  private static final byte[] MARKER = "\"b64_json\":".getBytes(StandardCharsets.US_ASCII);
  private static final int CHUNK = 64 * 1024;

  private final RawHttp http;
  private final Target target;
  private final Disk disk;

  /**
   * How the client puts a file on disk: the guarantees of {@code generateAndSave} that cost the
   * disk's time rather than CPU, so that the clients tell that time from together4j's own.
   */
  enum Disk {
    /** Rewrites the file in place ({@code O_TRUNC}) and never flushes it: {@code tight-stream}. */
    NONE,
    /** As {@link #NONE}, but fsyncs the file before closing it: {@code tight-stream-fsync}. */
    FSYNC,
    /**
     * Writes a temporary file beside the target, fsyncs it and renames it over the target, as
     * {@code generateAndSave} does (a new file each time, so no torn image after a crash): {@code
     * tight-stream-atomic}.
     */
    ATOMIC
  }

  TightStreamClient(Target target, Disk disk) {
    this.target = target;
    this.disk = disk;
    this.http = new RawHttp(target);
  }

  @Override
  public long generateAndWrite(int worker, int n) throws Exception {
    byte[] read = new byte[8192];
    byte[] chunk = new byte[CHUNK];
    byte[] decoded = new byte[CHUNK / 4 * 3];
    Base64.Decoder decoder = Base64.getDecoder();
    long total = 0;
    try (Response response = http.post(n);
        InputStream in = response.body().byteStream()) {
      int matched = 0; // bytes of MARKER seen
      int state = 0; // 0 looking for the marker, 1 before the opening quote, 2 in the value
      int filled = 0;
      FileOutputStream file = null;
      OutputStream out = null;
      Path path = null;
      Path written = null;
      int position = 0;
      for (int count; (count = in.read(read)) != -1; ) {
        for (int i = 0; i < count; i++) {
          byte b = read[i];
          if (state == 0) {
            matched = b == MARKER[matched] ? matched + 1 : (b == MARKER[0] ? 1 : 0);
            if (matched == MARKER.length) {
              state = 1;
              matched = 0;
            }
          } else if (state == 1) {
            if (b == '"') {
              state = 2;
              filled = 0;
              path = target.directory().resolve("w" + worker + "_" + position++ + ".png");
              written =
                  disk == Disk.ATOMIC
                      ? path.resolveSibling("." + path.getFileName() + ".part")
                      : path;
              file = new FileOutputStream(written.toFile());
              out = new BufferedOutputStream(file, CHUNK);
            }
          } else {
            // Copy the run up to the closing quote (or the end of what was read) in one go.
            int end = i;
            while (end < count && read[end] != '"') {
              end++;
            }
            while (i < end) {
              int copy = Math.min(end - i, CHUNK - filled);
              System.arraycopy(read, i, chunk, filled, copy);
              filled += copy;
              i += copy;
              if (filled == CHUNK) {
                int m = decoder.decode(chunk, decoded);
                out.write(decoded, 0, m);
                total += m;
                filled = 0;
              }
            }
            if (end < count) {
              byte[] tail = decoder.decode(java.util.Arrays.copyOf(chunk, filled));
              out.write(tail);
              total += tail.length;
              out.flush();
              if (disk != Disk.NONE) {
                file.getFD().sync();
              }
              out.close();
              out = null;
              if (disk == Disk.ATOMIC) {
                Files.move(
                    written,
                    path,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
              }
              state = 0;
            } else {
              i = end - 1;
            }
          }
        }
      }
      if (out != null) {
        out.close();
        if (disk == Disk.ATOMIC) {
          Files.delete(written);
        }
        throw new IOException("the body ended inside a b64_json value");
      }
    }
    return total;
  }

  @Override
  public void close() {
    http.close();
  }
}
