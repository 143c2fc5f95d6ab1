package io.github.together4j.images;

import java.io.IOException;
import okio.Buffer;
import okio.ForwardingSource;
import okio.Source;

/**
 * Fails the read that takes a body past {@code limit} bytes, naming the builder setting that sets
 * it: API responses ({@code maxResponseBytes}) and url downloads ({@code maxDownloadBytes}).
 */
final class LimitedSource extends ForwardingSource {
  private final long limit;
  private final String subject;
  private final String setting;
  private long total;

  LimitedSource(Source delegate, long limit, String subject, String setting) {
    super(delegate);
    this.limit = limit;
    this.subject = subject;
    this.setting = setting;
  }

  @Override
  public long read(Buffer sink, long byteCount) throws IOException {
    long n = super.read(sink, byteCount);
    if (n > 0 && (total += n) > limit) {
      throw new TooLargeException(
          subject
              + " is larger than the limit of "
              + limit
              + " bytes (TogetherImages.Builder."
              + setting
              + ")");
    }
    return n;
  }

  /** A body grew past its limit: a complete answer that is not the contract, never retried. */
  static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message);
    }
  }
}
