package io.github.together4j.cli;

import io.github.together4j.images.ImageBatch;
import io.github.together4j.images.ImageBatchException;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.TogetherImages;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code together4j batch FILE --out DIR}: generates the images of every item of a prompts file
 * with {@link ImageBatch}, resumably.
 */
@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    header = "Generates the images of every prompt in a file, resumably.",
    description = {
      "Generates the images of every item in FILE: .txt (one prompt a line),",
      ".jsonl (one request object a line: {\"prompt\": …, \"steps\": 4}) or .csv",
      "(a header row with a prompt column). The images go to --out, and",
      "manifest.jsonl there records each item done. Every item is checked before",
      "the first request. Run the same command again to resume: items done are",
      "skipped. The request options are the defaults of every item; an item's own",
      "fields override them."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:every item is done",
      "1:the batch could not run or had to stop: the API refused the key (401/403)",
      "2:bad command line, configuration, input file, --out or manifest; nothing was sent",
      "3:some items failed (the manifest says why); --retry-failed tries them again",
      "130:interrupted (Ctrl-C): the requests in flight were finished and recorded"
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  together4j batch prompts.txt --out images --steps 4 --concurrency 16",
      "  together4j batch prompts.jsonl --out images --dry-run",
      "  together4j batch prompts.csv --out images-2 --shard 2/4 --rpm 60 --json"
    })
final class BatchCommand implements Callable<Integer> {
  /** Exit status: some items failed. */
  static final int SOME_FAILED = 3;

  /** Exit status: interrupted, as a shell reports a process ended by SIGINT. */
  static final int INTERRUPTED = 130;

  /** How long a signal waits for the requests in flight to finish and be recorded. */
  private static final long GRACE_MILLIS = 60_000;

  @ParentCommand Together4j parent;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "The items: a .txt, .jsonl (or .ndjson) or .csv file, UTF-8.")
  Path file;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      description = "Where the images and manifest.jsonl go; required, created if missing.")
  @Nullable Path out;

  @Option(
      names = {"-c", "--concurrency"},
      paramLabel = "N",
      converter = Converters.Int.class,
      description = "Requests in flight at most (default: 8; 1 to 256); 429s lower it.")
  int concurrency = ImageBatch.DEFAULT_CONCURRENCY;

  @Option(
      names = "--rpm",
      paramLabel = "N",
      converter = Converters.Int.class,
      description = "Requests per minute at most, spaced evenly (default: 0, no cap).")
  int rpm;

  @Option(
      names = "--shard",
      paramLabel = "k/N",
      description = "Run only shard k of N (e.g. 2/4), each shard with its own --out.")
  @Nullable String shard;

  @Option(names = "--retry-failed", description = "Try again the items an earlier run failed.")
  boolean retryFailed;

  @Option(
      names = "--dry-run",
      description = "Check every item and count what would be generated; send nothing.")
  boolean dryRun;

  @Mixin RequestOptions requestOptions;

  @Option(
      names = "--json",
      description = "Print the summary as one line of JSON on standard output, and nothing else.")
  boolean json;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress or summary on standard error; errors still are.")
  boolean quiet;

  @Override
  @SuppressWarnings("try") // Interruption is held for its scope: a signal hook while running.
  public Integer call() {
    Context context = parent.context;
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    if (out == null) {
      throw Failure.usage(
          "--out DIR is required: the directory for the images and manifest.jsonl"
              + " (see together4j batch --help)");
    }
    Bar bar = new Bar(stderr, context.columns(), context.live() && !quiet && !json, quiet);
    ImageBatch batch = batch(bar);
    Transfers transfers = new Transfers(context.clock());
    try (Connection connection =
        Connection.configure(
            context, transfers, requestOptions.responseFormat == ResponseFormat.URL)) {
      if (dryRun) {
        ImageBatch.Summary summary =
            connection.isFake() ? batch.dryRun() : batch.dryRun(connection.client(stderr, true));
        stdout.println(json ? summary.toJson() : describeDryRun(summary));
        stdout.flush();
        return 0;
      }
      if (connection.isFake()) {
        // Checked before the fake server starts and says so: a bad file fails in one line.
        batch.dryRun();
      }
      TogetherImages client = connection.client(stderr, quiet);
      if (parent.verbose) {
        stderr.println("POST " + connection.baseUrl() + "images/generations: " + batch);
        stderr.flush();
      }
      ImageBatch.Summary summary;
      boolean interrupted;
      Thread runner = Thread.currentThread();
      try (Interruption interruption =
          Interruption.watch(runner::interrupt, GRACE_MILLIS, context.interruptible())) {
        try {
          summary = batch.run(client);
        } finally {
          bar.clear();
        }
        interrupted = Thread.interrupted();
        report(stdout, stderr, summary, interrupted);
      }
      if (summary.isComplete()) {
        return 0;
      }
      if (interrupted && summary.pending() > 0) {
        return INTERRUPTED;
      }
      return summary.failed() > 0 ? SOME_FAILED : Failure.FAILED;
    } catch (ImageBatchException e) {
      throw failure(e);
    }
  }

  private void report(
      PrintWriter stdout, PrintWriter stderr, ImageBatch.Summary summary, boolean interrupted) {
    if (json) {
      stdout.println(summary.toJson());
      stdout.flush();
    } else if (!quiet) {
      stderr.println(
          (interrupted ? "Interrupted: " : "")
              + summary
              + (summary.failed() > 0
                  ? "; see " + summary.manifest() + ", --retry-failed tries them again"
                  : ""));
    }
    stderr.flush();
  }

  /** The batch the options describe; a bad value is a usage error naming its option. */
  private ImageBatch batch(Bar bar) {
    ImageBatch.Builder builder;
    try {
      builder = ImageBatch.fromFile(file);
    } catch (ImageBatchException e) {
      throw failure(e);
    }
    builder.outputDirectory(out).listener(bar).retryFailed(retryFailed);
    try {
      builder.defaults(requestOptions.builder());
    } catch (IllegalArgumentException e) {
      throw Failure.usage(Text.oneLine(String.valueOf(e.getMessage())), e);
    }
    if (concurrency < 1 || concurrency > ImageBatch.MAX_CONCURRENCY) {
      throw Failure.usage(
          "--concurrency " + concurrency + ": must be 1 to " + ImageBatch.MAX_CONCURRENCY);
    }
    if (rpm < 0) {
      throw Failure.usage("--rpm " + rpm + ": must be 1 or more, or 0 for no cap");
    }
    builder.concurrency(concurrency).requestsPerMinute(rpm);
    if (shard != null) {
      try {
        builder.shard(shard);
      } catch (IllegalArgumentException e) {
        // "shard 3/2 is out of range: use k/N …"
        throw Failure.usage("--" + Text.oneLine(String.valueOf(e.getMessage())), e);
      }
    }
    return builder.build();
  }

  /** Input, output and manifest errors are the user's to fix (2); the API's refusal is 1. */
  private static Failure failure(ImageBatchException e) {
    String message = Text.oneLine(String.valueOf(e.getMessage()));
    return e.kind() == ImageBatchException.Kind.API
        ? Failure.failed(message, e)
        : Failure.usage(message, e);
  }

  private static String describeDryRun(ImageBatch.Summary summary) {
    StringBuilder s = new StringBuilder();
    s.append(summary.items()).append(summary.items() == 1 ? " item" : " items").append(" valid; ");
    s.append(summary.pending()).append(" to generate");
    if (summary.done() > 0 || summary.failed() > 0) {
      s.append(" (").append(summary.done()).append(" done before, ");
      s.append(summary.failed()).append(" failed before)");
    }
    return s.toString();
  }

  /**
   * The progress bar: on a terminal, one line redrawn in place on standard error as items finish
   * ({@code 12/200 done, 1 failed, 8 in flight, 41.2 images/min, ETA 4m10s}); elsewhere nothing
   * until the summary. Items that fail are named on a line each unless {@code --quiet}. Its calls
   * come on the thread running the batch, so it needs no locking.
   */
  static final class Bar implements ImageBatch.Listener {
    private final PrintWriter err;
    private final int columns;
    private final boolean live;
    private final boolean quiet;
    private int drawn;

    Bar(PrintWriter err, int columns, boolean live, boolean quiet) {
      this.err = err;
      this.columns = columns;
      this.live = live;
      this.quiet = quiet;
    }

    @Override
    public void progress(ImageBatch.Summary soFar) {
      if (!live) {
        return;
      }
      String line = line(soFar);
      if (line.length() > columns - 1) {
        line = line.substring(0, columns - 1);
      }
      err.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
      err.flush();
      drawn = line.length();
    }

    @Override
    public void itemFailed(long line, String prompt, String error) {
      if (quiet) {
        return;
      }
      clear();
      err.println("failed: line " + line + ": " + Text.oneLine(error));
      err.flush();
    }

    /** Takes the line away. */
    void clear() {
      if (drawn > 0) {
        err.print("\r" + " ".repeat(drawn) + "\r");
        err.flush();
        drawn = 0;
      }
    }

    static String line(ImageBatch.Summary s) {
      Duration eta = s.eta();
      return String.format(
          Locale.ROOT,
          "%d/%d done, %d failed, %d in flight, %.1f images/min%s",
          s.done(),
          s.items(),
          s.failed(),
          s.inFlight(),
          s.imagesPerMinute(),
          eta == null ? "" : ", ETA " + duration(eta));
    }

    static String duration(Duration d) {
      long seconds = Math.max(0, d.toSeconds());
      if (seconds < 60) {
        return seconds + "s";
      }
      if (seconds < 3600) {
        return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
      }
      return String.format(
          Locale.ROOT, "%dh%02dm%02ds", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
  }
}
