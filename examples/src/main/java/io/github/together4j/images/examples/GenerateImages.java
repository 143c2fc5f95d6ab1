package io.github.together4j.images.examples;

import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.SaveOption;
import io.github.together4j.images.TogetherException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Generates images from the command line and saves them: the README's main job.
 *
 * <pre>
 * GenerateImages "a lighthouse at dusk" --n 2 --size 768x512 --seed 42 --format png --out images
 * </pre>
 *
 * <p>Configuration: {@code TOGETHER_API_KEY}, or the embedded fake server when it is unset (it says
 * so in one line). Files are named after the prompt, {@code <prompt>_<index>.<ext>}, and replace
 * files of the same name.
 */
public final class GenerateImages {
  static final String USAGE =
      String.join(
          "\n",
          "usage: GenerateImages <prompt> [--n N] [--size WxH] [--seed S] [--model M]"
              + " [--format png|jpeg] [--out DIR]",
          "  --n       number of images, 1 to 4 (default 1)",
          "  --size    width x height in pixels (default 1024x1024)",
          "  --seed    seed for reproducible images (default: the server picks)",
          "  --model   model name (default "
              + io.github.together4j.images.TogetherImages.DEFAULT_MODEL
              + ")",
          "  --format  png or jpeg (default: the server's, jpeg)",
          "  --out     directory for the images (default " + Examples.DEFAULT_OUTPUT + ")",
          "Uses TOGETHER_API_KEY, or an embedded fake Together server when it is not set.");

  private GenerateImages() {}

  /**
   * Runs the command and exits with its status: 0 done, 1 the call or a save failed, 2 bad
   * arguments.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    int status = run(args, System::getenv, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs the command with {@code env} for the environment; returns the exit status. */
  static int run(
      String[] args, Function<String, @Nullable String> env, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try (Examples.Session session = Examples.connect(env, err)) {
      long start = System.nanoTime();
      ImageGenerationResult result = session.client().generate(options.request);
      long generated = System.nanoTime();
      List<GeneratedImage> images = result.images();
      String stem = slug(options.request.prompt());
      long bytes = 0;
      for (GeneratedImage image : images) {
        Path file =
            image.saveTo(options.out.resolve(stem + "_" + image.index()), SaveOption.OVERWRITE);
        bytes += Files.size(file);
        out.println(
            images.size() > 1
                ? "[" + (image.index() + 1) + "/" + images.size() + "] " + file
                : file.toString());
      }
      long saved = System.nanoTime();
      out.printf(
          Locale.ROOT,
          "%d image%s, %.1f KB, %.2f s (generate %.2f s, save %.2f s)%s%n",
          images.size(),
          images.size() == 1 ? "" : "s",
          bytes / 1000.0,
          (saved - start) / 1e9,
          (generated - start) / 1e9,
          (saved - generated) / 1e9,
          session.isFake() ? ", fake server" : ", " + result.model());
      return 0;
    } catch (TogetherException | java.io.IOException | java.io.UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  /** A file-name stem from the prompt: lower case, letters and digits, at most 40 characters. */
  static String slug(String prompt) {
    String slug =
        prompt
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^\\p{IsAlphabetic}\\p{IsDigit}]+", "_")
            .replaceAll("^_+|_+$", "");
    if (slug.length() > 40) {
      slug = slug.substring(0, 40).replaceAll("_+$", "");
    }
    return slug.isEmpty() ? "image" : slug;
  }

  /** The parsed command line. */
  record Options(ImageGenerationRequest request, Path out) {
    static Options parse(String[] args) {
      String prompt = null;
      ImageGenerationRequest.Builder builder = ImageGenerationRequest.builder();
      Path out = Examples.DEFAULT_OUTPUT;
      List<String> rest = new ArrayList<>(List.of(args));
      while (!rest.isEmpty()) {
        String arg = rest.remove(0);
        if (!arg.startsWith("--")) {
          if (prompt != null) {
            throw new IllegalArgumentException(
                "one prompt only; quote it: \"" + prompt + " " + arg + "\"");
          }
          prompt = arg;
          continue;
        }
        if (rest.isEmpty()) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        String value = rest.remove(0);
        switch (arg) {
          case "--n" -> builder.n(number(arg, value));
          case "--size" -> {
            String[] parts = value.toLowerCase(Locale.ROOT).split("x");
            if (parts.length != 2) {
              throw new IllegalArgumentException(
                  "--size " + value + " is not WIDTHxHEIGHT, e.g. 768x512");
            }
            builder.size(number(arg, parts[0]), number(arg, parts[1]));
          }
          case "--seed" -> builder.seed(number(arg, value));
          case "--model" -> builder.model(value);
          case "--format" ->
              builder.outputFormat(
                  switch (value.toLowerCase(Locale.ROOT)) {
                    case "png" -> OutputFormat.PNG;
                    case "jpeg", "jpg" -> OutputFormat.JPEG;
                    default ->
                        throw new IllegalArgumentException(
                            "--format " + value + " is not png or jpeg");
                  });
          case "--out" -> out = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      if (prompt == null || prompt.isBlank()) {
        throw new IllegalArgumentException("a prompt is required");
      }
      return new Options(builder.prompt(prompt).build(), out);
    }

    private static int number(String option, String value) {
      try {
        return Integer.parseInt(value.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " " + value + " is not a whole number");
      }
    }
  }
}
