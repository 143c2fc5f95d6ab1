package io.github.together4j.images;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when an {@link ImageBatch} cannot run, or must stop: its input, its output directory or
 * its manifest is unusable, or the API refuses the account. Its message is one line, fit to show a
 * user as it is, e.g. {@code prompts.jsonl:12: steps: expected a whole number, got "four"}.
 *
 * <p>Items that fail on their own (a prompt the safety checker refuses, retries used up) do not
 * throw: they are recorded as failed in the manifest, the batch goes on, and {@link
 * ImageBatch.Summary#failed()} counts them. Errors of {@link Kind#INPUT}, {@link Kind#OUTPUT} and
 * {@link Kind#MANIFEST} are found before any request is sent: nothing was generated.
 */
public final class ImageBatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong: the part of the batch to fix. */
  public enum Kind {
    /**
     * The input: a file that does not exist, is empty or is not UTF-8, a malformed line (bad JSON,
     * a CSV row with the wrong number of fields, a blank prompt, a field of the wrong type or out
     * of bounds). {@link #file()}, {@link #line()} and {@link #field()} say where.
     */
    INPUT,
    /**
     * The output directory: not a directory, not writable, another batch running in it, or a file
     * that cannot be written (a full disk).
     */
    OUTPUT,
    /**
     * The manifest: written for another input or base request, or not a manifest. Use another
     * output directory, or delete the manifest to start over.
     */
    MANIFEST,
    /**
     * The API refused the account (HTTP 401 or 403): no item can succeed, so the batch stopped.
     * Items finished before are recorded; run again once the key works.
     */
    API
  }

  private final Kind kind;
  private final @Nullable Path file;
  private final long line;
  private final @Nullable String field;
  private final ImageBatch.@Nullable Summary summary;

  ImageBatchException(
      Kind kind,
      String message,
      @Nullable Path file,
      long line,
      @Nullable String field,
      ImageBatch.@Nullable Summary summary,
      @Nullable Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.file = file;
    this.line = line;
    this.field = field;
    this.summary = summary;
  }

  static ImageBatchException of(Kind kind, String message, @Nullable Throwable cause) {
    return new ImageBatchException(kind, message, null, 0, null, null, cause);
  }

  /** An input error at {@code file:line}, about {@code field} if one. */
  static ImageBatchException input(
      @Nullable Path file, long line, @Nullable String field, String problem) {
    StringBuilder message = new StringBuilder();
    if (file != null) {
      message.append(file);
      if (line > 0) {
        message.append(':').append(line);
      }
      message.append(": ");
    } else if (line > 0) {
      message.append("item ").append(line).append(": ");
    }
    if (field != null) {
      message.append(field).append(": ");
    }
    message.append(problem);
    return new ImageBatchException(Kind.INPUT, message.toString(), file, line, field, null, null);
  }

  /** This exception with the batch's progress when it stopped. */
  ImageBatchException withSummary(ImageBatch.Summary summary) {
    ImageBatchException copy =
        new ImageBatchException(kind, getMessage(), file, line, field, summary, getCause());
    copy.setStackTrace(getStackTrace());
    return copy;
  }

  /**
   * Returns what went wrong.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Returns the input file an {@link Kind#INPUT} error is in, or null.
   *
   * @return the file, or null
   */
  public @Nullable Path file() {
    return file;
  }

  /**
   * Returns the line of the input an {@link Kind#INPUT} error is on (1-based; for requests given in
   * code, the item's number), or 0 when it is about the whole input.
   *
   * @return the line, or 0
   */
  public long line() {
    return line;
  }

  /**
   * Returns the request field an {@link Kind#INPUT} error is about, by its JSON name (e.g. {@code
   * steps}), or null.
   *
   * @return the field, or null
   */
  public @Nullable String field() {
    return field;
  }

  /**
   * Returns where the batch was when it stopped, for an error met while running ({@link Kind#API},
   * a full disk); null when it stopped before sending anything.
   *
   * @return the summary, or null
   */
  public ImageBatch.@Nullable Summary summary() {
    return summary;
  }
}
