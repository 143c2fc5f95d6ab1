package io.github.together4j.cli;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import io.github.together4j.images.ImageGenerationRequest.Lora;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okio.Buffer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Turns option values into request values. Each message says what is wrong and what is allowed; the
 * error handler puts the option and the value in front of it.
 */
final class Converters {
  private Converters() {}

  /** A whole number. */
  static final class Int implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        return Integer.parseInt(value.strip());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("not a whole number");
      }
    }
  }

  /** A finite decimal number. */
  static final class Decimal implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      return number(value, "not a number");
    }
  }

  /** {@code --size WIDTHxHEIGHT}. */
  record Size(int width, int height) {}

  static final class SizeConverter implements ITypeConverter<Size> {
    private static final Pattern SIZE =
        Pattern.compile("\\s*(\\d{1,9})\\s*[xX×]\\s*(\\d{1,9})\\s*");

    @Override
    public Size convert(String value) {
      Matcher m = SIZE.matcher(value);
      if (!m.matches()) {
        throw new TypeConversionException("expected WIDTHxHEIGHT in pixels, e.g. 1024x768");
      }
      int width = Integer.parseInt(m.group(1));
      int height = Integer.parseInt(m.group(2));
      if (width < 1 || height < 1) {
        throw new TypeConversionException(
            "width and height must be 1 or more pixels, e.g. 1024x768");
      }
      return new Size(width, height);
    }
  }

  /** {@code --format jpeg|png}; {@code jpg} is taken for {@code jpeg}. */
  static final class Format implements ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String value) {
      return switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "jpeg", "jpg" -> OutputFormat.JPEG;
        case "png" -> OutputFormat.PNG;
        default -> throw new TypeConversionException("expected jpeg or png");
      };
    }
  }

  /** {@code --response-format base64|url}. */
  static final class Delivery implements ITypeConverter<ResponseFormat> {
    @Override
    public ResponseFormat convert(String value) {
      return switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "base64", "b64_json" -> ResponseFormat.BASE64;
        case "url" -> ResponseFormat.URL;
        default -> throw new TypeConversionException("expected base64 or url");
      };
    }
  }

  /**
   * {@code --lora URL[:SCALE]}: the scale is what follows the last colon, unless that colon belongs
   * to the URL ({@code https://…}, {@code host:8443/…}: what follows it has a slash). Scale 1 when
   * none is given.
   */
  static final class LoraConverter implements ITypeConverter<Lora> {
    @Override
    public Lora convert(String value) {
      String text = value.strip();
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || text.indexOf('/', colon) >= 0) {
        if (text.isEmpty()) {
          throw new TypeConversionException(
              "expected URL[:SCALE], e.g. https://…/lora.safetensors:0.8");
        }
        return new Lora(text, 1.0);
      }
      String scale = text.substring(colon + 1);
      return new Lora(
          text.substring(0, colon),
          number(scale, "the scale \"" + Text.oneLine(scale) + "\" is not a number, e.g. URL:0.8"));
    }
  }

  /** {@code --extra NAME=JSON}. */
  record Extra(String name, Object value) {}

  static final class ExtraConverter implements ITypeConverter<Extra> {
    @Override
    public Extra convert(String value) {
      int eq = value.indexOf('=');
      if (eq <= 0) {
        throw new TypeConversionException("expected NAME=JSON, e.g. aspect_ratio='\"16:9\"'");
      }
      String name = value.substring(0, eq).strip();
      String json = value.substring(eq + 1);
      try {
        return new Extra(name, Json.parse(json));
      } catch (IllegalArgumentException e) {
        boolean bare = !json.isBlank() && Character.isLetter(json.strip().charAt(0));
        throw new TypeConversionException(
            bare
                ? "not JSON; a string needs quotes: " + name + "='\"" + json.strip() + "\"'"
                : "not JSON (" + e.getMessage() + ")");
      }
    }
  }

  private static double number(String value, String message) {
    try {
      double number = Double.parseDouble(value.strip());
      if (Double.isFinite(number)) {
        return number;
      }
    } catch (NumberFormatException e) {
      // The message below.
    }
    throw new TypeConversionException(message);
  }

  /** Reads one JSON value into what {@code putExtra} takes. */
  static final class Json {
    private Json() {}

    /**
     * Parses {@code text} as exactly one JSON value: strings, booleans, null, numbers (whole ones
     * as {@code Long}, others as {@code Double}), lists and objects of those.
     *
     * @throws IllegalArgumentException saying why it is not JSON
     */
    static @Nullable Object parse(String text) {
      try {
        JsonReader reader = JsonReader.of(new Buffer().writeUtf8(text));
        Object value = read(reader);
        if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
          throw new IllegalArgumentException("more than one value");
        }
        return value;
      } catch (JsonEncodingException | JsonDataException e) {
        throw new IllegalArgumentException("malformed", e);
      } catch (IOException e) {
        throw new IllegalArgumentException(text.isBlank() ? "nothing after =" : "it ends early", e);
      }
    }

    private static @Nullable Object read(JsonReader reader) throws IOException {
      switch (reader.peek()) {
        case BEGIN_ARRAY -> {
          List<@Nullable Object> list = new ArrayList<>();
          reader.beginArray();
          while (reader.hasNext()) {
            list.add(read(reader));
          }
          reader.endArray();
          return list;
        }
        case BEGIN_OBJECT -> {
          Map<String, @Nullable Object> map = new LinkedHashMap<>();
          reader.beginObject();
          while (reader.hasNext()) {
            map.put(reader.nextName(), read(reader));
          }
          reader.endObject();
          return map;
        }
        case STRING -> {
          return reader.nextString();
        }
        case NUMBER -> {
          String number = reader.nextString();
          if (number.matches("-?\\d+")) {
            try {
              return Long.parseLong(number);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("the number " + number + " is too large", e);
            }
          }
          return Double.parseDouble(number);
        }
        case BOOLEAN -> {
          return reader.nextBoolean();
        }
        case NULL -> {
          return reader.nextNull();
        }
        default ->
            throw new IllegalArgumentException("expected a JSON value at " + reader.getPath());
      }
    }
  }
}
