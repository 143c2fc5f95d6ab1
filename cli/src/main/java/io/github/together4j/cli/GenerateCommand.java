package io.github.together4j.cli;

import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.SaveOption;
import io.github.together4j.images.SavedImages;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.internal.FileNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code together4j generate PROMPT}: generates images and streams them into files. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    header = "Generates images and saves them.",
    description = {
      "Generates images of PROMPT and saves them in --out, named after the prompt",
      "(a_lighthouse_at_dusk_0.jpg, …). The extension comes from the image bytes.",
      "Prints each file's path on standard output; messages go to standard error."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:done",
      "1:the call to Together, a download or a file failed; nothing was written",
      "2:bad command line or configuration; nothing was sent"
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  together4j generate \"a lighthouse at dusk\" --n 2 --size 1024x768",
      "  together4j generate \"a red fox\" --format png --seed 42 --out images --open",
      "  echo \"a watercolor sunflower\" | together4j generate - --json"
    })
final class GenerateCommand implements Callable<Integer> {
  @ParentCommand Together4j parent;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "PROMPT",
      description = "What the images should show; - reads it from standard input.")
  String prompt;

  @Mixin RequestOptions requestOptions;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      description = "Where to save the images (default: generated-images), created if missing.")
  Path out = Path.of("generated-images");

  @Option(
      names = "--name",
      paramLabel = "PATTERN",
      description =
          "File name without extension; {index} is the image's number (default: the"
              + " prompt's words, then _{index}).")
  @Nullable String name;

  @Option(names = "--overwrite", description = "Replace files of the same name.")
  boolean overwrite;

  @Option(names = "--open", description = "Open the first image in the desktop's viewer.")
  boolean open;

  @Option(
      names = "--json",
      description = "Print one JSON document (id, model, files, timings) and nothing else.")
  boolean json;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress or summary on standard error; errors still are.")
  boolean quiet;

  @Override
  @SuppressWarnings("try") // Interruption is held for its scope: a signal hook while saving.
  public Integer call() {
    Context context = parent.context;
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    long started = context.clock().getAsLong();
    ImageGenerationRequest request = request(context);
    String pattern = namePattern(request.prompt());
    OutputFiles files = new OutputFiles(out, pattern, request.outputFormat());
    Transfers transfers = new Transfers(context.clock());
    try (Connection connection =
        Connection.configure(
            context, transfers, requestOptions.responseFormat == ResponseFormat.URL)) {
      files.check(requestOptions.n, overwrite);
      TogetherImages client = connection.client(stderr, quiet);
      String modelName = request.model() != null ? request.model() : client.defaultModel();
      if (parent.verbose) {
        stderr.println("POST " + connection.baseUrl() + "images/generations: " + request);
        stderr.flush();
      }
      long requested = context.clock().getAsLong();
      SavedImages saved;
      try (Progress progress = progress(context, stderr, transfers);
          Interruption interruption = Interruption.watch(transfers, context.interruptible())) {
        progress.start(
            "Generating " + images(requestOptions.n) + " with " + modelName,
            "Receiving " + images(requestOptions.n));
        saved = save(client, request, pattern, files, transfers);
      }
      long done = context.clock().getAsLong();
      Timings timings = new Timings(done - started, transfers.responseAt(), requested, done);
      if (json) {
        stdout.println(Report.json(saved, request.prompt(), connection.baseUrl(), timings));
      } else {
        for (SavedImages.Image image : saved.images()) {
          stdout.println(
              context.interactive()
                  ? image.path() + "  " + image.format() + "  " + Text.bytes(image.size())
                  : image.path().toString());
        }
      }
      stdout.flush();
      if (!quiet && !json) {
        long bytes = saved.images().stream().mapToLong(SavedImages.Image::size).sum();
        stderr.println(
            "Saved "
                + images(saved.images().size())
                + " ("
                + Text.bytes(bytes)
                + ") in "
                + Text.seconds(done - started)
                + (connection.isFake() ? " from the fake server" : " with " + saved.model()));
      }
      if (parent.verbose) {
        stderr.println(timings.describe());
      }
      if (open) {
        Path first = saved.images().get(0).path();
        String why = context.opener().open(first);
        if (why != null && !quiet) {
          stderr.println("--open: " + why + "; the image is at " + first);
        }
      }
      stderr.flush();
      return 0;
    }
  }

  private SavedImages save(
      TogetherImages client,
      ImageGenerationRequest request,
      String pattern,
      OutputFiles files,
      Transfers transfers) {
    try {
      return saveOrExplain(client, request, pattern, files);
    } catch (RuntimeException e) {
      if (transfers.cancelled()) {
        throw Failure.failed("interrupted; nothing was written", e);
      }
      throw e;
    }
  }

  private SavedImages saveOrExplain(
      TogetherImages client, ImageGenerationRequest request, String pattern, OutputFiles files) {
    SaveOption[] options = overwrite ? new SaveOption[] {SaveOption.OVERWRITE} : new SaveOption[0];
    try {
      return client.generateAndSave(request, out, pattern, options);
    } catch (UncheckedIOException e) {
      throw files.failure(e);
    } catch (IllegalArgumentException e) {
      String message = Text.oneLine(String.valueOf(e.getMessage()));
      if (message.startsWith("namePattern")) {
        throw Failure.usage("--name" + message.substring("namePattern".length()), e);
      }
      throw Failure.failed(message, e);
    }
  }

  private Progress progress(Context context, PrintWriter stderr, Transfers transfers) {
    return context.live() && !quiet
        ? Progress.live(stderr, context.columns(), context.clock(), transfers)
        : Progress.none();
  }

  /** The request the options describe; every refusal names its option. */
  private ImageGenerationRequest request(Context context) {
    String text = prompt.equals("-") ? readPrompt(context) : prompt;
    if (text.isBlank()) {
      throw Failure.usage(
          "PROMPT is blank: describe the images, e.g. together4j generate \"a lighthouse at dusk\"");
    }
    ImageGenerationRequest.Builder builder = requestOptions.builder().prompt(text);
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw Failure.usage(String.valueOf(e.getMessage()), e);
    }
  }

  /** The file-name pattern: {@code --name}, or the prompt's words then {@code _{index}}. */
  private String namePattern(String text) {
    if (name == null) {
      return FileNames.slug(text) + "_{index}";
    }
    String shown = "--name " + Text.oneLine(name) + ": ";
    if (name.isBlank()) {
      throw Failure.usage(shown + "give a file name, e.g. lighthouse_{index}");
    }
    if (name.contains("/") || name.contains("\\")) {
      throw Failure.usage(shown + "a file name only; --out says the directory");
    }
    if (name.contains(".")) {
      throw Failure.usage(
          shown + "no dots: the extension is added from the image bytes (--format asks for one)");
    }
    if (requestOptions.n > 1 && !name.contains("{index}")) {
      throw Failure.usage(
          shown
              + "add {index}, e.g. "
              + name
              + "_{index}, or all "
              + requestOptions.n
              + " images get one name");
    }
    return name;
  }

  private static String readPrompt(Context context) {
    try {
      return new String(context.stdin().readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw Failure.failed("cannot read the prompt from standard input: " + e.getMessage(), e);
    }
  }

  private static String images(int count) {
    return count == 1 ? "1 image" : count + " images";
  }
}
