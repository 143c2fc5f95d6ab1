package io.github.together4j.images;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A batch of image generations: a prompts file (or prompts or requests from code) to a directory of
 * images and a manifest, at the account's rate limit, resumable after a crash without paying twice
 * for an image.
 *
 * <pre>{@code
 * ImageBatch batch = ImageBatch.fromFile(Path.of("prompts.txt"))      // .txt, .jsonl or .csv
 *     .outputDirectory(Path.of("out"))
 *     .defaults(ImageGenerationRequest.builder().model("black-forest-labs/FLUX.1-schnell").steps(4))
 *     .concurrency(16)
 *     .build();
 * ImageBatch.Summary summary = batch.run(client);     // run it again to resume
 * System.out.println(summary);   // 200 items: 198 done, 2 failed, 0 pending; 41.2 images/min, …
 * }</pre>
 *
 * <p><b>Input.</b> A {@code .txt} file holds one prompt a line. A {@code .jsonl} file holds one
 * JSON object a line, with {@code prompt} and any request field by its JSON name ({@code "steps":
 * 4}, {@code "negative_prompt": "…"}); a name the request does not know is sent as is, through
 * {@link ImageGenerationRequest.Builder#putExtra}. A {@code .csv} file has a header row with a
 * {@code prompt} column and optional request columns; an empty cell keeps the default. Items
 * override the {@linkplain Builder#defaults defaults}. Files must be UTF-8; blank lines are allowed
 * only at the end. The input is read lazily, twice: first every item is parsed and checked (a
 * mistake stops the batch before any request, naming file, line and field), then the batch runs,
 * holding no more than the items in flight: a file of 200,000 prompts runs in a small heap.
 *
 * <p><b>Output.</b> Each item's images go to the output directory, named by the {@linkplain
 * Builder#namePattern name pattern} (default {@value #DEFAULT_NAME_PATTERN}: {@code
 * 000042_a_red_fox.jpeg}). Each is written to a hidden temporary file, flushed, and moved into
 * place, so no partial image ever has its final name. Then one line is appended to {@code
 * manifest.jsonl} in the directory and flushed to disk: the item's key (its line and the hash of
 * its request as sent), request id, seed, files (path, format, bytes, SHA-256), status, attempts
 * and error. Only then does the item count as done.
 *
 * <p><b>Resuming, exactly once.</b> Running the same batch again skips every item the manifest
 * records as done (after checking that its files are there, with the recorded size: an item whose
 * files are gone is generated again), skips failed items unless {@link Builder#retryFailed} is set,
 * and refuses a manifest written for another input or other defaults. A crash or {@code kill -9} at
 * any moment loses at most the items in flight: those are generated again (and billed again) on the
 * next run; nothing recorded as done is.
 *
 * <p><b>Rate and retries.</b> The batch runs the retries itself, one attempt at a time through the
 * client, so that nothing is retried blindly: up to {@link Builder#concurrency concurrency}
 * requests are in flight; a 429 pauses every request for the server's {@code Retry-After} and
 * halves the in-flight limit (not below what the measured rate of successes needs), which then
 * grows back by one per round of successes; a {@linkplain Builder#requestsPerMinute
 * requests-per-minute cap} spaces requests evenly. A 5xx, a timeout, a connection failure or a body
 * cut off is retried for that item with the client's backoff, up to the client's {@link
 * TogetherImages.Builder#maxRetries maxRetries} times (each such attempt may have been billed); a
 * 429 costs nothing and is retried until the item gets through (at most {@value #MAX_RATE_LIMITED}
 * times). Any other 4xx (a prompt the safety checker refuses, say) marks the item failed with the
 * server's message, and the batch goes on; a 401 or 403 stops it with an {@link
 * ImageBatchException} of {@link ImageBatchException.Kind#API}.
 *
 * <p><b>Sharding.</b> {@link Builder#shard(int, int)} keeps the items whose key hashes to shard
 * {@code k} of {@code N}, so {@code N} machines (or API keys) can split one file, each with its own
 * output directory; their manifests concatenate ({@code cat}) into one.
 *
 * <p>An {@code ImageBatch} is immutable; it may be run any number of times, but not twice at once
 * in one directory (the manifest is locked while a batch runs).
 */
public final class ImageBatch {
  /** The name pattern used unless {@link Builder#namePattern(String)} is called. */
  public static final String DEFAULT_NAME_PATTERN = "{item}_{slug}";

  /** The concurrency used unless {@link Builder#concurrency(int)} is called. */
  public static final int DEFAULT_CONCURRENCY = 8;

  /** The most requests a batch keeps in flight. */
  public static final int MAX_CONCURRENCY = 256;

  /** How many times one item may be answered 429 before it is recorded as failed. */
  public static final int MAX_RATE_LIMITED = 30;

  /** The manifest's file name in the output directory. */
  public static final String MANIFEST = BatchManifest.FILE_NAME;

  final BatchInput input;
  final Path outputDirectory;
  final ImageGenerationRequest.Builder defaults;
  final int concurrency;
  final int requestsPerMinute;
  final String namePattern;
  final int shardIndex;
  final int shardCount;
  final boolean retryFailed;
  final Listener listener;

  private ImageBatch(Builder builder) {
    this.input = builder.input;
    this.outputDirectory = requireNonNull(builder.outputDirectory);
    this.defaults = builder.defaults.copy();
    this.concurrency = builder.concurrency;
    this.requestsPerMinute = builder.requestsPerMinute;
    this.namePattern = builder.namePattern;
    this.shardIndex = builder.shardIndex;
    this.shardCount = builder.shardCount;
    this.retryFailed = builder.retryFailed;
    this.listener = builder.listener;
  }

  /**
   * Returns a builder for a batch of the items in {@code file}: {@code .txt} (one prompt a line),
   * {@code .jsonl} (or {@code .ndjson}: one request object a line) or {@code .csv} (a header with a
   * {@code prompt} column). The file is read when the batch runs.
   *
   * @param file the input file
   * @return a new builder
   * @throws ImageBatchException of {@link ImageBatchException.Kind#INPUT} if the extension is none
   *     of these
   */
  public static Builder fromFile(Path file) {
    requireNonNull(file, "file == null");
    return new Builder(BatchInput.file(file));
  }

  /**
   * Returns a builder for a batch of one item per prompt, each built on the {@linkplain
   * Builder#defaults defaults}. The iterable is iterated twice per run (to check, then to run), so
   * it must give the same prompts each time; it may be lazy.
   *
   * @param prompts the prompts, item 1 first
   * @return a new builder
   */
  public static Builder fromPrompts(Iterable<String> prompts) {
    requireNonNull(prompts, "prompts == null");
    return new Builder(BatchInput.prompts(prompts));
  }

  /**
   * Returns a builder for a batch of these requests, each sent as it is ({@link Builder#defaults}
   * does not apply: build each request from your defaults). The iterable is iterated twice per run
   * and must give the same requests each time; it may be lazy.
   *
   * @param requests the requests, item 1 first
   * @return a new builder
   */
  public static Builder fromRequests(Iterable<ImageGenerationRequest> requests) {
    requireNonNull(requests, "requests == null");
    return new Builder(BatchInput.requests(requests));
  }

  /**
   * Parses and checks every item, and reads the manifest if there is one, without calling the API
   * or writing anything: what {@link #run} would do, as a {@link Summary} whose {@link
   * Summary#pending()} is the number of items it would generate. Items name no model are taken to
   * use {@link TogetherImages#DEFAULT_MODEL}; see {@link #dryRun(TogetherImages)}.
   *
   * @return the items, those done or failed before, and those pending
   * @throws ImageBatchException if the batch could not run: a bad input (naming file, line and
   *     field), an output directory that cannot be written, or a manifest for another input
   */
  public Summary dryRun() {
    return new BatchRunner(this, null, TogetherImages.DEFAULT_MODEL).dryRun();
  }

  /**
   * Does what {@link #dryRun()} does, taking items that name no model to use {@code client}'s
   * default model, as {@link #run} will; the client is not called.
   *
   * @param client the client the batch will run with
   * @return the items, those done or failed before, and those pending
   * @throws ImageBatchException if the batch could not run
   */
  public Summary dryRun(TogetherImages client) {
    requireNonNull(client, "client == null");
    return new BatchRunner(this, null, client.defaultModel()).dryRun();
  }

  /**
   * Runs the batch with {@code client}: checks every item, then generates each item not done yet,
   * as the class documentation says, and returns once every item is done or failed.
   *
   * <p>If the calling thread is interrupted, no further request is sent; the requests in flight
   * finish and are recorded, and the summary so far is returned (with {@link Summary#pending()}
   * above 0) with the thread's interrupt status set.
   *
   * @param client the client to generate with; its {@link TogetherImages.Builder#maxRetries} bounds
   *     the retries of an item that fails with a 5xx or a connection failure
   * @return what was done; {@link Summary#failed()} counts the items that failed
   * @throws ImageBatchException if the batch could not run or had to stop: see {@link
   *     ImageBatchException.Kind}
   */
  public Summary run(TogetherImages client) {
    requireNonNull(client, "client == null");
    return new BatchRunner(this, client, client.defaultModel()).run();
  }

  /**
   * Returns the output directory.
   *
   * @return the directory
   */
  public Path outputDirectory() {
    return outputDirectory;
  }

  /**
   * Returns the manifest's path: {@value #MANIFEST} in the output directory.
   *
   * @return the path
   */
  public Path manifest() {
    return outputDirectory.resolve(MANIFEST);
  }

  @Override
  public String toString() {
    return "ImageBatch{input="
        + (input.file() != null ? input.file() : "(code)")
        + ", out="
        + outputDirectory
        + ", concurrency="
        + concurrency
        + (requestsPerMinute > 0 ? ", rpm=" + requestsPerMinute : "")
        + (shardCount > 1 ? ", shard=" + shardIndex + "/" + shardCount : "")
        + (retryFailed ? ", retryFailed" : "")
        + "}";
  }

  /**
   * Hears how a batch is going. Every call comes on the thread that called {@link #run}, one at a
   * time, so an implementation needs no locking; it should return quickly.
   */
  public interface Listener {
    /**
     * Called after items finish, at most about four times a second, and at least once a second
     * while the batch runs, and once at the end.
     *
     * @param soFar where the batch is
     */
    default void progress(Summary soFar) {}

    /**
     * Called when an item fails for good (it is recorded in the manifest as failed).
     *
     * @param line the item's line in the input (its number, for input from code)
     * @param prompt the item's prompt
     * @param error why it failed, e.g. the server's message
     */
    default void itemFailed(long line, String prompt, String error) {}
  }

  /**
   * Where a batch is, or ended: counts of its items (those of its shard), of what this run did, its
   * speed and, while it runs, an estimate of the time left. Immutable.
   */
  public static final class Summary {
    private final long items;
    private final long alreadyDone;
    private final long generated;
    private final long failed;
    private final long filesMissing;
    private final long images;
    private final long requests;
    private final long rateLimited;
    private final int inFlight;
    private final int concurrency;
    private final Duration elapsed;
    private final Path manifest;

    Summary(
        long items,
        long alreadyDone,
        long generated,
        long failed,
        long filesMissing,
        long images,
        long requests,
        long rateLimited,
        int inFlight,
        int concurrency,
        Duration elapsed,
        Path manifest) {
      this.items = items;
      this.alreadyDone = alreadyDone;
      this.generated = generated;
      this.failed = failed;
      this.filesMissing = filesMissing;
      this.images = images;
      this.requests = requests;
      this.rateLimited = rateLimited;
      this.inFlight = inFlight;
      this.concurrency = concurrency;
      this.elapsed = elapsed;
      this.manifest = manifest;
    }

    /**
     * Returns the number of items in the batch (in its shard, when sharded).
     *
     * @return the items
     */
    public long items() {
      return items;
    }

    /**
     * Returns the items done: before this run or in it.
     *
     * @return the items done
     */
    public long done() {
      return alreadyDone + generated;
    }

    /**
     * Returns the items failed: in this run, or in an earlier one and not retried.
     *
     * @return the items failed
     */
    public long failed() {
      return failed;
    }

    /**
     * Returns the items neither done nor failed: still to run, or in flight.
     *
     * @return the items pending
     */
    public long pending() {
      return items - done() - failed;
    }

    /**
     * Returns the items an earlier run had done, skipped by this one.
     *
     * @return the items already done
     */
    public long alreadyDone() {
      return alreadyDone;
    }

    /**
     * Returns the items this run generated.
     *
     * @return the items generated
     */
    public long generated() {
      return generated;
    }

    /**
     * Returns the items an earlier run had done whose files were missing (or had another size), so
     * they are generated again.
     *
     * @return the items with missing files
     */
    public long filesMissing() {
      return filesMissing;
    }

    /**
     * Returns the image files this run wrote.
     *
     * @return the images
     */
    public long images() {
      return images;
    }

    /**
     * Returns the generation requests this run sent, retries and rate-limited ones included.
     *
     * @return the requests
     */
    public long requests() {
      return requests;
    }

    /**
     * Returns how many of this run's requests were answered 429.
     *
     * @return the 429s
     */
    public long rateLimited() {
      return rateLimited;
    }

    /**
     * Returns the requests in flight; 0 once the batch has ended.
     *
     * @return the requests in flight
     */
    public int inFlight() {
      return inFlight;
    }

    /**
     * Returns the in-flight limit the batch runs at now: the configured concurrency, less after
     * 429s.
     *
     * @return the limit
     */
    public int concurrency() {
      return concurrency;
    }

    /**
     * Returns how long this run has taken.
     *
     * @return the time since the run started
     */
    public Duration elapsed() {
      return elapsed;
    }

    /**
     * Returns the images this run wrote per minute of its time.
     *
     * @return images per minute, 0 before the first
     */
    public double imagesPerMinute() {
      double minutes = elapsed.toNanos() / 60e9;
      return minutes <= 0 ? 0 : images / minutes;
    }

    /**
     * Returns an estimate of the time left, at this run's pace so far; null before any item of this
     * run finished, or when nothing is pending.
     *
     * @return the estimate, or null
     */
    public @Nullable Duration eta() {
      long finished = generated + failed;
      if (finished == 0 || pending() == 0 || elapsed.isZero()) {
        return null;
      }
      return Duration.ofNanos(Math.round(elapsed.toNanos() / (double) finished * pending()));
    }

    /**
     * Returns whether every item is done.
     *
     * @return true if nothing failed or is pending
     */
    public boolean isComplete() {
      return done() == items;
    }

    /**
     * Returns the manifest the batch records into.
     *
     * @return the manifest's path
     */
    public Path manifest() {
      return manifest;
    }

    /**
     * Returns this summary as one line of JSON, for scripts: {@code {"items":…,"done":…,
     * "failed":…,"pending":…,"already_done":…,"generated":…,"files_missing":…,"images":…,
     * "requests":…,"rate_limited":…,"elapsed_seconds":…,"images_per_minute":…,"manifest":"…"}}.
     *
     * @return the JSON text
     */
    public String toJson() {
      java.util.Map<String, @Nullable Object> json = new java.util.LinkedHashMap<>();
      json.put("items", items);
      json.put("done", done());
      json.put("failed", failed);
      json.put("pending", pending());
      json.put("already_done", alreadyDone);
      json.put("generated", generated);
      json.put("files_missing", filesMissing);
      json.put("images", images);
      json.put("requests", requests);
      json.put("rate_limited", rateLimited);
      json.put("elapsed_seconds", Math.round(elapsed.toMillis() / 10.0) / 100.0);
      json.put("images_per_minute", Math.round(imagesPerMinute() * 10) / 10.0);
      json.put("manifest", manifest.toString());
      return BatchRunner.json(json);
    }

    /**
     * Returns a one-line account, e.g. {@code 200 items: 198 done (20 before), 2 failed, 0 pending;
     * 178 generated in 4m12s, 42.4 images/min, 3 rate-limited}.
     */
    @Override
    public String toString() {
      StringBuilder s = new StringBuilder();
      s.append(items).append(items == 1 ? " item: " : " items: ").append(done()).append(" done");
      if (alreadyDone > 0) {
        s.append(" (").append(alreadyDone).append(" before)");
      }
      s.append(", ").append(failed).append(" failed, ").append(pending()).append(" pending; ");
      s.append(generated).append(" generated in ").append(format(elapsed));
      s.append(String.format(Locale.ROOT, ", %.1f images/min", imagesPerMinute()));
      if (rateLimited > 0) {
        s.append(", ").append(rateLimited).append(" rate-limited");
      }
      if (filesMissing > 0) {
        s.append(", ").append(filesMissing).append(" redone (files missing)");
      }
      return s.toString();
    }

    private static String format(Duration duration) {
      long seconds = duration.toSeconds();
      if (seconds < 60) {
        return String.format(Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
      }
      return seconds >= 3600
          ? String.format(
              Locale.ROOT, "%dh%02dm%02ds", seconds / 3600, seconds / 60 % 60, seconds % 60)
          : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
  }

  /** Builds {@link ImageBatch}es; {@link #outputDirectory(Path)} is required. */
  public static final class Builder {
    private final BatchInput input;
    private @Nullable Path outputDirectory;
    private ImageGenerationRequest.Builder defaults = ImageGenerationRequest.builder();
    private boolean defaultsSet;
    private int concurrency = DEFAULT_CONCURRENCY;
    private int requestsPerMinute;
    private String namePattern = DEFAULT_NAME_PATTERN;
    private int shardIndex = 1;
    private int shardCount = 1;
    private boolean retryFailed;
    private Listener listener = new Listener() {};

    private Builder(BatchInput input) {
      this.input = input;
    }

    /**
     * Sets the directory the images and the manifest go to; created if missing. Required.
     *
     * @param directory the directory
     * @return this builder
     */
    public Builder outputDirectory(Path directory) {
      this.outputDirectory = requireNonNull(directory, "directory == null");
      return this;
    }

    /**
     * Sets the request every item starts from: model, size, steps and so on, which each item's own
     * fields override. Its prompt, if any, is ignored. The builder is copied, so later changes to
     * it do not reach the batch.
     *
     * @param defaults the defaults
     * @return this builder
     * @throws IllegalArgumentException if a property is out of bounds, as {@link
     *     ImageGenerationRequest.Builder#build()} would say
     */
    public Builder defaults(ImageGenerationRequest.Builder defaults) {
      requireNonNull(defaults, "defaults == null");
      ImageGenerationRequest.Builder copy = defaults.copy();
      copy.copy().prompt("defaults").build();
      this.defaults = copy;
      this.defaultsSet = true;
      return this;
    }

    /**
     * Sets how many requests may be in flight at once (default {@value #DEFAULT_CONCURRENCY}): the
     * cap of the adaptive limit, which 429s lower.
     *
     * @param concurrency 1 to {@value #MAX_CONCURRENCY}
     * @return this builder
     */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
        throw new IllegalArgumentException(
            "concurrency = "
                + concurrency
                + " is out of range: allowed is 1 to "
                + MAX_CONCURRENCY);
      }
      this.concurrency = concurrency;
      return this;
    }

    /**
     * Caps the requests sent per minute, retries included, spacing them evenly (default 0: no cap).
     * Set it to the account's rate limit to run at it without a 429.
     *
     * @param requestsPerMinute 1 or more, or 0 for no cap
     * @return this builder
     */
    public Builder requestsPerMinute(int requestsPerMinute) {
      if (requestsPerMinute < 0) {
        throw new IllegalArgumentException(
            "requestsPerMinute = "
                + requestsPerMinute
                + " is out of range: allowed is 1 or more, or 0 for no cap");
      }
      this.requestsPerMinute = requestsPerMinute;
      return this;
    }

    /**
     * Sets how image files are named (default {@value #DEFAULT_NAME_PATTERN}), before the extension
     * their bytes call for: {@code {item}} is the item's number in the input, six digits at least
     * ({@code 000042}), {@code {line}} its line, {@code {slug}} its prompt in lower case, letters
     * and digits only, at most 40 characters, and {@code {index}} the image's index when an item
     * asks for several ({@code _{index}} is added if the pattern lacks it). {@code {item}} or
     * {@code {line}} is required, so that no two items share a name.
     *
     * @param namePattern the pattern, a file name without directories
     * @return this builder
     * @throws IllegalArgumentException if it has neither {@code {item}} nor {@code {line}}, or is
     *     not a file name
     */
    public Builder namePattern(String namePattern) {
      requireNonNull(namePattern, "namePattern == null");
      if (!namePattern.contains("{item}") && !namePattern.contains("{line}")) {
        throw new IllegalArgumentException(
            "namePattern = \""
                + namePattern
                + "\" has neither {item} nor {line}, so two items could get the same name;"
                + " use e.g. \"{item}_"
                + namePattern
                + "\"");
      }
      ImageFiles.checkPattern(
          namePattern.replace("{item}", "1").replace("{line}", "1").replace("{slug}", "s"), 1);
      this.namePattern = namePattern;
      return this;
    }

    /**
     * Runs only shard {@code index} of {@code count}: the items whose key (line and request hash)
     * hashes to it. Each shard needs its own output directory; their manifests concatenate.
     *
     * @param index 1 to {@code count}
     * @param count 1 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code index} is not from 1 to {@code count}
     */
    public Builder shard(int index, int count) {
      if (count < 1 || index < 1 || index > count) {
        throw new IllegalArgumentException(
            "shard "
                + index
                + "/"
                + count
                + " is out of range: use k/N with N at least 1 and k from 1 to N, e.g. 1/4");
      }
      this.shardIndex = index;
      this.shardCount = count;
      return this;
    }

    /**
     * Runs only the shard {@code spec} names, as {@code k/N}, e.g. {@code "2/4"}: see {@link
     * #shard(int, int)}.
     *
     * @param spec the shard, {@code k/N}
     * @return this builder
     * @throws IllegalArgumentException if {@code spec} is not {@code k/N} with k from 1 to N
     */
    public Builder shard(String spec) {
      requireNonNull(spec, "spec == null");
      String[] parts = spec.strip().split("/", -1);
      int index;
      int count;
      try {
        if (parts.length != 2) {
          throw new NumberFormatException();
        }
        index = Integer.parseInt(parts[0].strip());
        count = Integer.parseInt(parts[1].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "shard \"" + spec + "\" is not k/N: use e.g. 1/4 for the first of four shards");
      }
      return shard(index, count);
    }

    /**
     * Sets whether items an earlier run recorded as failed are tried again (default false: they
     * stay failed and count in {@link Summary#failed()}).
     *
     * @param retryFailed true to try them again
     * @return this builder
     */
    public Builder retryFailed(boolean retryFailed) {
      this.retryFailed = retryFailed;
      return this;
    }

    /**
     * Sets who hears how the batch is going.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(Listener listener) {
      this.listener = requireNonNull(listener, "listener == null");
      return this;
    }

    /**
     * Returns a new batch.
     *
     * @return the batch
     * @throws IllegalStateException if no output directory was set, or defaults were set for
     *     requests given in code (build each request from your defaults instead)
     */
    public ImageBatch build() {
      if (outputDirectory == null) {
        throw new IllegalStateException("outputDirectory is required: call outputDirectory(Path)");
      }
      if (defaultsSet && !input.usesDefaults()) {
        throw new IllegalStateException(
            "defaults do not apply to requests given in code: build each request from them (a base request's"
                + " toBuilder().prompt(p).build()), or use fromPrompts");
      }
      return new ImageBatch(this);
    }
  }
}
