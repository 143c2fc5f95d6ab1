package io.github.together4j.images;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Sets a request field named as on the wire ({@code steps}, {@code negative_prompt}) from a value
 * read from a batch's input, checking its type: a mistake is an {@link ImageBatchException} naming
 * the file, the line and the field. A name the request does not know goes through {@link
 * ImageGenerationRequest.Builder#putExtra(String, Object)}.
 */
final class BatchFields {
  private BatchFields() {}

  static void set(
      ImageGenerationRequest.Builder builder,
      String name,
      @Nullable Object value,
      @Nullable Path file,
      long line) {
    Field field = new Field(name, value, file, line);
    try {
      switch (name) {
        case "prompt" -> builder.prompt(field.requiredString());
        case "model" -> builder.model(field.string());
        case "n" -> builder.n(field.requiredInt());
        case "width" -> builder.width(field.requiredInt());
        case "height" -> builder.height(field.requiredInt());
        case "steps" -> builder.steps(field.integer());
        case "seed" -> builder.seed(field.integer());
        case "negative_prompt" -> builder.negativePrompt(field.string());
        case "image_url" -> builder.imageUrl(field.string());
        case "guidance_scale" -> builder.guidanceScale(field.decimal());
        case "disable_safety_checker" -> builder.disableSafetyChecker(field.bool());
        case "response_format" ->
            builder.responseFormat(
                field.choice(
                    ImageGenerationRequest.ResponseFormat.class,
                    Map.of(
                        "base64", ImageGenerationRequest.ResponseFormat.BASE64,
                        "url", ImageGenerationRequest.ResponseFormat.URL)));
        case "output_format" ->
            builder.outputFormat(
                field.choice(
                    ImageGenerationRequest.OutputFormat.class,
                    Map.of(
                        "jpeg", ImageGenerationRequest.OutputFormat.JPEG,
                        "png", ImageGenerationRequest.OutputFormat.PNG)));
        case "reference_images" -> builder.referenceImages(field.strings());
        case "image_loras" -> builder.imageLoras(field.loras());
        default -> {
          if (value == null) {
            throw field.wrong("a value (null is not sent)");
          }
          builder.putExtra(name, value);
        }
      }
    } catch (IllegalArgumentException e) {
      throw ImageBatchException.input(file, line, name, e.getMessage());
    }
  }

  /** Builds the request, turning a bound the builder checks into an error at this line. */
  static ImageGenerationRequest build(
      ImageGenerationRequest.Builder builder, @Nullable Path file, long line) {
    try {
      return builder.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      // The builder's messages start with the property: "width = 0 is out of range: …".
      String message = String.valueOf(e.getMessage());
      String first = message.split("[ =]", 2)[0];
      String field = first.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
      if (!Validation.KNOWN_PROPERTIES.contains(field)) {
        throw ImageBatchException.input(file, line, null, message);
      }
      String rest = message.substring(first.length()).strip();
      throw ImageBatchException.input(
          file, line, field, rest.startsWith("= ") ? rest.substring(2) : rest);
    }
  }

  /**
   * A CSV cell for a field the request does not know: a JSON number, {@code true}, {@code false},
   * an array or an object when it reads as one, else the text.
   */
  static Object csvValue(String column, String cell) {
    if (Validation.KNOWN_PROPERTIES.contains(column)) {
      return cell;
    }
    String text = cell.strip();
    if (text.equals("true") || text.equals("false")) {
      return Boolean.valueOf(text);
    }
    if (text.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
      return BatchInput.Json.number(text);
    }
    if (text.startsWith("[") || text.startsWith("{")) {
      Object json = parse(text);
      if (json != null) {
        return json;
      }
    }
    return cell;
  }

  private static @Nullable Object parse(String text) {
    try {
      JsonReader reader = JsonReader.of(new Buffer().writeUtf8(text));
      Object value = BatchInput.Json.value(reader);
      return reader.peek() == JsonReader.Token.END_DOCUMENT ? value : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** One value for one field; CSV gives text, which the typed readers parse. */
  private record Field(String name, @Nullable Object value, @Nullable Path file, long line) {
    IllegalArgumentException wrong(String expected) {
      return new IllegalArgumentException(
          "expected " + expected + ", got " + BatchInput.Json.describe(value));
    }

    String requiredString() {
      String text = string();
      if (text == null) {
        throw wrong("a string");
      }
      return text;
    }

    @Nullable String string() {
      if (value == null || value instanceof String) {
        return (String) value;
      }
      throw wrong("a string");
    }

    int requiredInt() {
      Integer number = integer();
      if (number == null) {
        throw wrong("a whole number");
      }
      return number;
    }

    @Nullable Integer integer() {
      Object v = value instanceof String text ? parseNumber(text.strip(), "a whole number") : value;
      if (v == null) {
        return null;
      }
      if (v instanceof Integer number) {
        return number;
      }
      if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
        return (int) (double) d;
      }
      throw wrong("a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
    }

    @Nullable Double decimal() {
      Object v = value instanceof String text ? parseNumber(text.strip(), "a number") : value;
      if (v == null) {
        return null;
      }
      if (v instanceof Number number) {
        return number.doubleValue();
      }
      throw wrong("a number");
    }

    @Nullable Boolean bool() {
      if (value instanceof String text) {
        String flag = text.strip().toLowerCase(Locale.ROOT);
        if (flag.equals("true") || flag.equals("false")) {
          return Boolean.valueOf(flag);
        }
        throw wrong("true or false");
      }
      if (value == null || value instanceof Boolean) {
        return (Boolean) value;
      }
      throw wrong("true or false");
    }

    <E extends Enum<E>> @Nullable E choice(Class<E> type, Map<String, E> choices) {
      if (value == null) {
        return null;
      }
      E choice =
          value instanceof String text ? choices.get(text.strip().toLowerCase(Locale.ROOT)) : null;
      if (choice == null) {
        throw wrong(String.join(" or ", choices.keySet().stream().sorted().toList()));
      }
      return choice;
    }

    @Nullable List<String> strings() {
      Object v = value instanceof String text ? parseJson(text, "a JSON array of strings") : value;
      if (v == null) {
        return null;
      }
      if (v instanceof List<?> list && list.stream().allMatch(item -> item instanceof String)) {
        List<String> strings = new ArrayList<>();
        list.forEach(item -> strings.add((String) item));
        return strings;
      }
      throw wrong("an array of strings");
    }

    @Nullable List<ImageGenerationRequest.Lora> loras() {
      Object v =
          value instanceof String text
              ? parseJson(text, "a JSON array of {\"path\": …, \"scale\": …}")
              : value;
      if (v == null) {
        return null;
      }
      String expected = "an array of {\"path\": string, \"scale\": number}";
      if (!(v instanceof List<?> list)) {
        throw wrong(expected);
      }
      List<ImageGenerationRequest.Lora> loras = new ArrayList<>();
      for (Object item : list) {
        if (!(item instanceof Map<?, ?> lora)
            || !(lora.get("path") instanceof String path)
            || !(lora.get("scale") instanceof Number scale)
            || lora.size() != 2) {
          throw wrong(expected);
        }
        loras.add(new ImageGenerationRequest.Lora(path, scale.doubleValue()));
      }
      return loras;
    }

    private @Nullable Object parseNumber(String text, String expected) {
      if (text.isEmpty()) {
        return null;
      }
      if (!text.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
        throw wrong(expected);
      }
      return BatchInput.Json.number(text);
    }

    private @Nullable Object parseJson(String text, String expected) {
      if (text.isBlank()) {
        return null;
      }
      Object json = parse(text.strip());
      if (json == null) {
        throw wrong(expected);
      }
      return json;
    }
  }
}
