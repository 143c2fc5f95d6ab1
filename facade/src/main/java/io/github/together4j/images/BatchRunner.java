package io.github.together4j.images;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Runs one {@link ImageBatch}: checks the output directory, the manifest and every item, then sends
 * the pending items from the calling thread at the pace {@link BatchRate} allows, each attempt on a
 * worker thread through {@link TogetherImages#saveOnce}, and records each finished item in the
 * manifest. Retries are decided here, never by the client: see {@link ImageBatch}.
 */
final class BatchRunner {
  /** A generation saved by one attempt, with the response's request id. */
  record Saved(SavedImages images, @Nullable String requestId) {}

  /** How often the listener hears progress while nothing finishes. */
  private static final long TICK_NANOS = 250_000_000L;

  private final ImageBatch batch;
  private final @Nullable TogetherImages client;
  private final String defaultModel;
  private final Path out;

  // What the check of the input found (pass 1).
  private long items;
  private long alreadyDone;
  private long previouslyFailed;
  private long filesMissing;
  private long inputItems;
  private @Nullable String inputSha256;

  // What this run did, guarded by lock.
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private @Nullable BatchRate rate;
  private final PriorityQueue<BatchItem> retries =
      new PriorityQueue<>(Comparator.comparingLong(item -> item.readyAt));
  private final Queue<String[]> failures = new ArrayDeque<>();
  private long generated;
  private long failedNow;
  private long images;
  private @Nullable ImageBatchException abort;
  private long started;

  BatchRunner(ImageBatch batch, @Nullable TogetherImages client, String defaultModel) {
    this.batch = batch;
    this.client = client;
    this.defaultModel = defaultModel;
    this.out = batch.outputDirectory;
  }

  ImageBatch.Summary dryRun() {
    started = System.nanoTime();
    checkOutput(false);
    BatchManifest.State state = BatchManifest.read(out);
    check(state);
    return summary(0, 0);
  }

  ImageBatch.Summary run() {
    started = System.nanoTime();
    checkOutput(true);
    try (BatchManifest.Writer manifest = BatchManifest.Writer.open(out)) {
      BatchManifest.State state = BatchManifest.read(out);
      check(state);
      try {
        manifest.append(runRecord());
      } catch (IOException e) {
        throw ImageBatchException.of(
            ImageBatchException.Kind.OUTPUT, manifest.file() + " cannot be written: " + e, e);
      }
      removeLeftovers();
      return send(manifest, state);
    }
  }

  /** Fails unless the output directory is (or can be made) a writable directory. */
  private void checkOutput(boolean create) {
    Path existing = out.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      throw ImageBatchException.of(
          ImageBatchException.Kind.OUTPUT,
          out + " cannot be the output directory: " + existing + " is not a directory",
          null);
    }
    if (!Files.isWritable(existing)) {
      throw ImageBatchException.of(
          ImageBatchException.Kind.OUTPUT,
          out + " cannot be the output directory: " + existing + " is not writable",
          null);
    }
    if (create) {
      try {
        Files.createDirectories(out);
      } catch (IOException e) {
        throw ImageBatchException.of(
            ImageBatchException.Kind.OUTPUT, out + " cannot be the output directory: " + e, e);
      }
    }
  }

  /**
   * Pass 1: parses and checks every item (nothing is held: the input is read lazily), compares it
   * with the manifest, and counts this shard's items and what earlier runs did with them.
   */
  private void check(BatchManifest.State state) {
    String defaults = currentDefaults();
    for (String recorded : state.defaults) {
      if (!recorded.equals(defaults)) {
        String differences = BatchManifest.differences(recorded, defaults);
        throw ImageBatchException.of(
            ImageBatchException.Kind.MANIFEST,
            batch.manifest()
                + " was written with other defaults ("
                + (differences.isEmpty() ? "requests from code" : differences)
                + "): run with the same options, use another output directory, or delete the"
                + " manifest to start over",
            null);
      }
    }
    long lastLine = 0;
    try (BatchInput.Items input = batch.input.open(batch.defaults)) {
      for (BatchInput.Item next; (next = input.next()) != null; ) {
        inputItems++;
        BatchItem item = new BatchItem(inputItems, next.line(), next.request(), defaultModel);
        lastLine = item.line;
        try {
          ImageFiles.checkPattern(item.namePattern(batch.namePattern), item.request.n());
        } catch (IllegalArgumentException e) {
          throw ImageBatchException.input(
              batch.input.file(), item.line, null, "no file name fits: " + e.getMessage());
        }
        byte recorded = state.state(item.line);
        if (recorded != BatchManifest.NONE && state.fingerprint(item.line) != item.fingerprint()) {
          throw changedItem(item);
        }
        if (!item.inShard(batch.shardIndex, batch.shardCount)) {
          continue;
        }
        items++;
        switch (recorded) {
          case BatchManifest.DONE -> alreadyDone++;
          case BatchManifest.FAILED -> previouslyFailed++;
          case BatchManifest.MISSING -> filesMissing++;
          default -> {}
        }
      }
      inputSha256 = input.sha256();
    }
    if (inputItems == 0) {
      throw ImageBatchException.input(
          batch.input.file(),
          0,
          null,
          batch.input.file() != null ? "is empty: no items" : "no items were given");
    }
    if (state.maxLine > lastLine) {
      throw ImageBatchException.of(
          ImageBatchException.Kind.MANIFEST,
          batch.manifest()
              + " records items up to line "
              + state.maxLine
              + " but the input ends at line "
              + lastLine
              + ": it was written for another input; use another output directory, or delete the"
              + " manifest to start over",
          null);
    }
  }

  private ImageBatchException changedItem(BatchItem item) {
    String was = BatchManifest.recordedPrompt(out, item.line);
    String now = item.request.prompt();
    String what =
        was != null && !was.equals(now)
            ? "it was " + BatchInput.Json.describe(was) + ", now " + BatchInput.Json.describe(now)
            : "same prompt, other request fields";
    return ImageBatchException.of(
        ImageBatchException.Kind.MANIFEST,
        batch.manifest()
            + " was written for another input: line "
            + item.line
            + " has changed ("
            + what
            + "); use another output directory, or delete the manifest to start over",
        null);
  }

  private String currentDefaults() {
    return batch.input.usesDefaults()
        ? BatchItem.canonicalDefaults(batch.defaults, defaultModel)
        : "";
  }

  private Map<String, @Nullable Object> runRecord() throws IOException {
    Map<String, @Nullable Object> record = new LinkedHashMap<>();
    record.put("record", "run");
    record.put("version", BatchManifest.VERSION);
    record.put("started", Instant.now().toString());
    record.put("library", "together4j/" + Transport.VERSION);
    Path file = batch.input.file();
    record.put("input", file == null ? null : file.toString());
    record.put("input_sha256", inputSha256);
    record.put("input_items", inputItems);
    record.put("shard", batch.shardIndex + "/" + batch.shardCount);
    record.put("shard_items", items);
    String defaults = currentDefaults();
    record.put("defaults", defaults.isEmpty() ? null : BatchManifest.parseValue(defaults));
    record.put("name_pattern", batch.namePattern);
    record.put("concurrency", batch.concurrency);
    record.put(
        "requests_per_minute", batch.requestsPerMinute == 0 ? null : batch.requestsPerMinute);
    record.put("retry_failed", batch.retryFailed);
    return record;
  }

  /** Deletes the hidden temporary files a crashed run left (never a final name). */
  private void removeLeftovers() {
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(out, "..together4j-*.part")) {
      for (Path leftover : leftovers) {
        Files.deleteIfExists(leftover);
      }
    } catch (IOException e) {
      // Harmless: hidden files nobody reads.
    }
  }

  /** Pass 2: sends every pending item, and returns once all are finished. */
  private ImageBatch.Summary send(BatchManifest.Writer manifest, BatchManifest.State state) {
    TogetherImages client = java.util.Objects.requireNonNull(this.client);
    RetryPolicy policy = client.retryPolicy();
    BatchRate rate = new BatchRate(batch.concurrency, batch.requestsPerMinute);
    this.rate = rate;
    AtomicInteger threads = new AtomicInteger();
    ExecutorService workers =
        Executors.newFixedThreadPool(
            batch.concurrency,
            task -> {
              Thread thread = new Thread(task, "together4j-batch-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    boolean interrupted = false;
    long lastProgress = 0;
    long number = 0;
    boolean exhausted = false;
    try (BatchInput.Items input = batch.input.open(batch.defaults)) {
      while (true) {
        List<String[]> failed = new ArrayList<>();
        boolean finished = false;
        lock.lock();
        try {
          long now = System.nanoTime();
          boolean stopping = interrupted || abort != null;
          if (stopping) {
            retries.clear();
          }
          long wait = stopping ? -1 : rate.delay(now);
          BatchItem item = null;
          if (wait == 0) {
            BatchItem retry = retries.peek();
            if (retry != null && retry.readyAt - now <= 0) {
              item = retries.poll();
            } else if (!exhausted) {
              item = nextPending(input, state, number);
              if (item == null) {
                exhausted = true;
              } else {
                number = item.number;
              }
            }
          }
          if (item != null) {
            long round = rate.send(now);
            BatchItem sent = item;
            workers.execute(() -> attempt(sent, round, now, client, policy, manifest));
          } else if (rate.inFlight() == 0 && (stopping || (exhausted && retries.isEmpty()))) {
            finished = true;
          } else {
            long sleep = TICK_NANOS;
            if (wait > 0) {
              sleep = Math.min(sleep, wait);
            }
            BatchItem retry = retries.peek();
            if (retry != null && wait == 0) {
              sleep = Math.min(sleep, Math.max(1, retry.readyAt - now));
            }
            try {
              changed.awaitNanos(sleep);
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
          failed.addAll(failures);
          failures.clear();
        } finally {
          lock.unlock();
        }
        for (String[] failure : failed) {
          batch.listener.itemFailed(Long.parseLong(failure[0]), failure[1], failure[2]);
        }
        long now = System.nanoTime();
        if (finished || !failed.isEmpty() || now - lastProgress >= TICK_NANOS) {
          lastProgress = now;
          batch.listener.progress(snapshot());
        }
        if (finished) {
          break;
        }
      }
    } finally {
      workers.shutdown();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    ImageBatch.Summary summary = snapshot();
    if (abort != null) {
      throw abort.withSummary(summary);
    }
    return summary;
  }

  /**
   * The next item of this shard to send, reading on from item {@code after}; null at the end. Items
   * done before (with their files) or failed before (unless retried) are skipped.
   */
  private @Nullable BatchItem nextPending(
      BatchInput.Items input, BatchManifest.State state, long after) {
    long number = after;
    for (BatchInput.Item next; (next = input.next()) != null; ) {
      number++;
      BatchItem item = new BatchItem(number, next.line(), next.request(), defaultModel);
      if (!item.inShard(batch.shardIndex, batch.shardCount)) {
        continue;
      }
      byte recorded = state.state(item.line);
      if (recorded != BatchManifest.NONE && state.fingerprint(item.line) != item.fingerprint()) {
        // The input changed since it was checked: stop rather than guess.
        throw changedItem(item);
      }
      if (recorded == BatchManifest.DONE
          || (recorded == BatchManifest.FAILED && !batch.retryFailed)) {
        continue;
      }
      return item;
    }
    return null;
  }

  /** One attempt of {@code item}, on a worker thread. */
  private void attempt(
      BatchItem item,
      long round,
      long sentAt,
      TogetherImages client,
      RetryPolicy policy,
      BatchManifest.Writer manifest) {
    item.attempts++;
    Retrier.Outcome<Saved> outcome;
    try {
      outcome =
          client.saveOnce(item.request, out, item.namePattern(batch.namePattern), item.attempts);
    } catch (UncheckedIOException e) {
      stop(
          ImageBatchException.of(
              ImageBatchException.Kind.OUTPUT,
              "cannot write images to " + out + ": " + e.getCause(),
              e));
      return;
    } catch (RuntimeException e) {
      // Not the server's answer: a file name the file system refuses, say. This item only.
      fail(item, e.toString(), null, manifest);
      return;
    }
    long now = System.nanoTime();
    Saved saved = outcome.value;
    if (saved != null) {
      if (!recorded(manifest, item, () -> doneRecord(item, saved, now - sentAt))) {
        return;
      }
      lock.lock();
      try {
        java.util.Objects.requireNonNull(rate).succeeded(now, now - sentAt);
        generated++;
        images += saved.images().images().size();
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      return;
    }
    TogetherException failure = java.util.Objects.requireNonNull(outcome.failure);
    int status = failure.statusCode();
    if (status == 429 && item.rateLimited < ImageBatch.MAX_RATE_LIMITED) {
      long pause = policy.delay(item.rateLimited + 1, outcome.headers).toNanos();
      lock.lock();
      try {
        BatchRate rate = java.util.Objects.requireNonNull(this.rate);
        rate.rateLimited(now, round, pause);
        item.rateLimited++;
        item.readyAt = Math.max(now, rate.notBefore());
        retries.add(item);
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      return;
    }
    if (status == 401 || status == 403) {
      stop(
          ImageBatchException.of(
              ImageBatchException.Kind.API,
              "the API refused the account, so no item can succeed: " + failure.getMessage(),
              failure));
      return;
    }
    int retries = item.attempts - item.rateLimited;
    if (outcome.retryable && status != 429 && policy.mayRetry(retries)) {
      long delay = policy.delay(retries, outcome.headers).toNanos();
      lock.lock();
      try {
        java.util.Objects.requireNonNull(rate).ended();
        item.readyAt = now + delay;
        this.retries.add(item);
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      return;
    }
    fail(item, failure.getMessage(), failure, manifest);
  }

  /** Records {@code item} as failed for good, and lets the batch go on. */
  private void fail(
      BatchItem item,
      String message,
      @Nullable TogetherException failure,
      BatchManifest.Writer manifest) {
    if (!recorded(manifest, item, () -> failedRecord(item, message, failure))) {
      return;
    }
    lock.lock();
    try {
      BatchRate rate = java.util.Objects.requireNonNull(this.rate);
      if (failure != null && failure.statusCode() == 429) {
        rate.rateLimited(System.nanoTime(), -1, 0);
      } else {
        rate.ended();
      }
      failedNow++;
      failures.add(new String[] {Long.toString(item.line), item.request.prompt(), message});
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** An item's manifest record, built when it is written. */
  private interface ItemRecord {
    Map<String, @Nullable Object> build() throws IOException;
  }

  /**
   * Appends an item's record, forced to disk; false, the batch stopping, if the manifest cannot be
   * written.
   */
  private boolean recorded(BatchManifest.Writer manifest, BatchItem item, ItemRecord record) {
    try {
      manifest.append(record.build());
      return true;
    } catch (IOException | UncheckedIOException e) {
      stop(
          ImageBatchException.of(
              ImageBatchException.Kind.OUTPUT,
              "cannot record item " + item.line + " in " + manifest.file() + ": " + e,
              e));
      return false;
    }
  }

  /** Stops the batch: no more requests; the first reason wins. */
  private void stop(ImageBatchException reason) {
    lock.lock();
    try {
      java.util.Objects.requireNonNull(rate).ended();
      if (abort == null) {
        abort = reason;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private Map<String, @Nullable Object> doneRecord(BatchItem item, Saved saved, long nanos)
      throws IOException {
    List<Object> files = new ArrayList<>();
    for (SavedImages.Image image : saved.images().images()) {
      Path path = image.path();
      Map<String, @Nullable Object> file = new LinkedHashMap<>();
      file.put("path", out.toAbsolutePath().relativize(path.toAbsolutePath()).toString());
      file.put("format", image.format().extension());
      file.put("bytes", Files.size(path));
      file.put("sha256", sha256(path));
      files.add(file);
    }
    // The files were each forced to disk before they were moved; now their names are too.
    BatchManifest.syncDirectory(out);
    Map<String, @Nullable Object> record = itemRecord(item, "done");
    record.put("request_id", saved.requestId());
    record.put("id", saved.images().id());
    record.put("model", saved.images().model());
    record.put("seed", item.request.seed());
    record.put("files", files);
    record.put("attempts", item.attempts);
    record.put("rate_limited", item.rateLimited);
    record.put("error", null);
    record.put("finished", Instant.now().toString());
    record.put("millis", TimeUnit.NANOSECONDS.toMillis(nanos));
    return record;
  }

  private Map<String, @Nullable Object> failedRecord(
      BatchItem item, String message, @Nullable TogetherException failure) {
    Map<String, @Nullable Object> record = itemRecord(item, "failed");
    record.put("request_id", failure == null ? null : failure.requestId());
    record.put("id", null);
    record.put("model", null);
    record.put("seed", item.request.seed());
    record.put("files", List.of());
    record.put("attempts", item.attempts);
    record.put("rate_limited", item.rateLimited);
    Map<String, @Nullable Object> error = new LinkedHashMap<>();
    error.put("status", failure == null ? null : failure.statusCode());
    error.put("type", failure == null ? null : failure.errorType());
    error.put("code", failure == null ? null : failure.errorCode());
    error.put("param", failure == null ? null : failure.param());
    error.put(
        "message",
        failure != null && failure.serverMessage() != null ? failure.serverMessage() : message);
    record.put("error", error);
    record.put("finished", Instant.now().toString());
    return record;
  }

  private static Map<String, @Nullable Object> itemRecord(BatchItem item, String status) {
    Map<String, @Nullable Object> record = new LinkedHashMap<>();
    record.put("record", "item");
    record.put("key", item.key);
    record.put("item", item.number);
    record.put("line", item.line);
    record.put("status", status);
    record.put("prompt", item.request.prompt());
    record.put("request_sha256", item.requestSha256);
    return record;
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(path(file))) {
      for (int n; (n = in.read(buffer)) != -1; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static Path path(Path file) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(file + " is not a regular file");
    }
    return file;
  }

  private ImageBatch.Summary snapshot() {
    lock.lock();
    try {
      return summary(rate == null ? 0 : rate.inFlight(), rate == null ? 0 : rate.limit());
    } finally {
      lock.unlock();
    }
  }

  private ImageBatch.Summary summary(int inFlight, int limit) {
    BatchRate rate = this.rate;
    return new ImageBatch.Summary(
        items,
        alreadyDone,
        generated,
        failedNow + (batch.retryFailed ? 0 : previouslyFailed),
        filesMissing,
        images,
        rate == null ? 0 : rate.sent,
        rate == null ? 0 : rate.rateLimited,
        inFlight,
        limit == 0 ? batch.concurrency : limit,
        Duration.ofNanos(System.nanoTime() - started),
        batch.manifest());
  }

  /** {@code value} as one line of JSON, in its maps' order. */
  static String json(Map<String, @Nullable Object> value) {
    Buffer out = new Buffer();
    try (JsonWriter writer = JsonWriter.of(out)) {
      writer.setSerializeNulls(true);
      writer.beginObject();
      for (Map.Entry<String, @Nullable Object> entry : value.entrySet()) {
        writer.name(entry.getKey());
        BatchItem.write(writer, entry.getValue());
      }
      writer.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.readUtf8();
  }
}
