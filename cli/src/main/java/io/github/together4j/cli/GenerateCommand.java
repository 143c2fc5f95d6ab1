package io.github.together4j.cli;

import io.github.together4j.cli.Converters.Extra;
import io.github.together4j.cli.Converters.Size;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.Lora;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.SaveOption;
import io.github.together4j.images.SavedImages;
import io.github.together4j.images.TogetherImages;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
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
  /** Request properties that have their own option, for {@code --extra} to point at. */
  private static final Map<String, String> OPTIONS =
      Map.ofEntries(
          Map.entry("prompt", "PROMPT"),
          Map.entry("model", "--model"),
          Map.entry("n", "--n"),
          Map.entry("width", "--width"),
          Map.entry("height", "--height"),
          Map.entry("steps", "--steps"),
          Map.entry("seed", "--seed"),
          Map.entry("negative_prompt", "--negative-prompt"),
          Map.entry("response_format", "--response-format"),
          Map.entry("guidance_scale", "--guidance"),
          Map.entry("output_format", "--format"),
          Map.entry("image_url", "--image-url"),
          Map.entry("image_loras", "--lora"),
          Map.entry("reference_images", "--reference-image"),
          Map.entry("disable_safety_checker", "--disable-safety-checker"));

  @ParentCommand Together4j parent;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "PROMPT",
      description = "What the images should show; - reads it from standard input.")
  String prompt;

  @Option(
      names = {"-n", "--n"},
      paramLabel = "N",
      converter = Converters.Int.class,
      description = "How many images (default: 1; Together allows 1 to 4).")
  int n = 1;

  @Option(
      names = "--size",
      paramLabel = "WxH",
      converter = Converters.SizeConverter.class,
      description = "Width x height in pixels (default: 1024x1024).")
  @Nullable Size size;

  @Option(
      names = "--width",
      paramLabel = "PX",
      converter = Converters.Int.class,
      description = "Width in pixels, instead of --size.")
  @Nullable Integer width;

  @Option(
      names = "--height",
      paramLabel = "PX",
      converter = Converters.Int.class,
      description = "Height in pixels, instead of --size.")
  @Nullable Integer height;

  @Option(
      names = {"-m", "--model"},
      paramLabel = "MODEL",
      description = {
        "The model (together4j models lists them); default:",
        TogetherImages.DEFAULT_MODEL
      })
  @Nullable String model;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      converter = Converters.Int.class,
      description = "Seed: the same prompt and seed give the same image.")
  @Nullable Integer seed;

  @Option(
      names = "--steps",
      paramLabel = "STEPS",
      converter = Converters.Int.class,
      description = "Generation steps (default: the model's own; more steps cost more).")
  @Nullable Integer steps;

  @Option(
      names = "--negative-prompt",
      paramLabel = "TEXT",
      description = "What the images should not show.")
  @Nullable String negativePrompt;

  @Option(
      names = "--guidance",
      paramLabel = "SCALE",
      converter = Converters.Decimal.class,
      description = "How closely to follow the prompt: 8 to 10 faithful, 1 to 5 creative.")
  @Nullable Double guidance;

  @Option(
      names = "--format",
      paramLabel = "jpeg|png",
      converter = Converters.Format.class,
      description = "The encoding Together should produce (default: its own, JPEG).")
  @Nullable OutputFormat format;

  @Option(
      names = "--response-format",
      paramLabel = "base64|url",
      converter = Converters.Delivery.class,
      description = "How images travel: inside the response (default) or as URLs to download.")
  @Nullable ResponseFormat responseFormat;

  @Option(
      names = "--image-url",
      paramLabel = "URL",
      description = "An input image, for models that edit one (e.g. FLUX.1-kontext-pro).")
  @Nullable String imageUrl;

  @Option(
      names = "--lora",
      paramLabel = "URL[:SCALE]",
      converter = Converters.LoraConverter.class,
      description = "A LoRA to apply, with its strength (default 1); repeatable.")
  List<Lora> loras = new ArrayList<>();

  @Option(
      names = "--reference-image",
      paramLabel = "URL",
      description = "An image guiding appearance and style; repeatable.")
  List<String> referenceImages = new ArrayList<>();

  @Option(
      names = "--disable-safety-checker",
      description = "Turn the safety checker off, where the model and account allow it.")
  boolean disableSafetyChecker;

  @Option(
      names = "--extra",
      paramLabel = "NAME=JSON",
      converter = Converters.ExtraConverter.class,
      description = "A request property this tool does not know yet, e.g. steps_x=4; repeatable.")
  List<Extra> extras = new ArrayList<>();

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
        Connection.configure(context, transfers, responseFormat == ResponseFormat.URL)) {
      files.check(n, overwrite);
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
        progress.start("Generating " + images(n) + " with " + modelName, "Receiving " + images(n));
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
    atLeastOne("--n", n);
    if (size != null && (width != null || height != null)) {
      throw Failure.usage("--size and --width/--height: give one or the other");
    }
    ImageGenerationRequest.Builder builder = ImageGenerationRequest.builder(text).n(n);
    if (size != null) {
      builder.size(size.width(), size.height());
    }
    if (width != null) {
      builder.width(atLeastOne("--width", width));
    }
    if (height != null) {
      builder.height(atLeastOne("--height", height));
    }
    if (steps != null) {
      builder.steps(atLeastOne("--steps", steps));
    }
    if (model != null) {
      if (model.isBlank()) {
        throw Failure.usage("--model is blank: name a model, e.g. " + TogetherImages.DEFAULT_MODEL);
      }
      builder.model(model.strip());
    }
    builder
        .seed(seed)
        .negativePrompt(negativePrompt)
        .guidanceScale(guidance)
        .outputFormat(format)
        .responseFormat(responseFormat)
        .imageUrl(imageUrl)
        .disableSafetyChecker(disableSafetyChecker ? Boolean.TRUE : null);
    if (!loras.isEmpty()) {
      builder.imageLoras(loras);
    }
    if (!referenceImages.isEmpty()) {
      builder.referenceImages(referenceImages);
    }
    for (Extra extra : extras) {
      String shown = "--extra " + extra.name() + "=…: ";
      if (OPTIONS.containsKey(extra.name())) {
        throw Failure.usage(
            shown + extra.name() + " has its own option, " + OPTIONS.get(extra.name()));
      }
      if (extra.value() == null) {
        throw Failure.usage(shown + "null is not sent; leave the property out");
      }
      try {
        builder.putExtra(extra.name(), extra.value());
      } catch (IllegalArgumentException e) {
        throw Failure.usage(shown + e.getMessage(), e);
      }
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw Failure.usage(String.valueOf(e.getMessage()), e);
    }
  }

  private static int atLeastOne(String option, int value) {
    if (value < 1) {
      throw Failure.usage(option + " " + value + ": must be 1 or more");
    }
    return value;
  }

  /** The file-name pattern: {@code --name}, or the prompt's words then {@code _{index}}. */
  private String namePattern(String text) {
    if (name == null) {
      return Text.slug(text) + "_{index}";
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
    if (n > 1 && !name.contains("{index}")) {
      throw Failure.usage(
          shown + "add {index}, e.g. " + name + "_{index}, or all " + n + " images get one name");
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
