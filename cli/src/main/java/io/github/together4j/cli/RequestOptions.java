package io.github.together4j.cli;

import io.github.together4j.cli.Converters.Extra;
import io.github.together4j.cli.Converters.Size;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.Lora;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.TogetherImages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The request options {@code generate} and {@code batch} share ({@code --n}, {@code --size}, {@code
 * --model}, …, {@code --extra}): a picocli mixin. For {@code batch} they are the defaults every
 * item starts from.
 */
final class RequestOptions {
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

  /**
   * A request builder with every option given, and no prompt; every refusal names its option.
   *
   * @throws Failure for a value the options cannot take (exit status 2)
   */
  ImageGenerationRequest.Builder builder() {
    atLeastOne("--n", n);
    if (size != null && (width != null || height != null)) {
      throw Failure.usage("--size and --width/--height: give one or the other");
    }
    ImageGenerationRequest.Builder builder = ImageGenerationRequest.builder().n(n);
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
    return builder;
  }

  private static int atLeastOne(String option, int value) {
    if (value < 1) {
      throw Failure.usage(option + " " + value + ": must be 1 or more");
    }
    return value;
  }
}
