package io.github.together4j.images;

import static java.util.Objects.requireNonNull;

import io.github.together4j.images.generated.model.ImageRequest;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/** Checks requests against the bounds openapi/images.yaml declares, before the network. */
final class Validation {
  /** The JSON names of every property the generated request knows. */
  static final Set<String> KNOWN_PROPERTIES = knownProperties();

  private Validation() {}

  static void checkPrompt(String prompt) {
    if (prompt.isBlank()) {
      throw new IllegalArgumentException("prompt is blank: describe the image to generate");
    }
    checkUnicode("prompt", prompt);
  }

  /**
   * Refuses text that UTF-8 cannot carry: an unpaired surrogate would otherwise reach the wire as
   * {@code ?}, a silently different prompt.
   */
  static void checkUnicode(String field, @Nullable String text) {
    if (text == null) {
      return;
    }
    int i = unpairedSurrogate(text);
    if (i >= 0) {
      throw new IllegalArgumentException(
          field
              + " has an unpaired surrogate (U+"
              + Integer.toHexString(text.charAt(i)).toUpperCase(java.util.Locale.ROOT)
              + ") at index "
              + i
              + ": it is not valid Unicode and cannot be sent as UTF-8");
    }
  }

  /** The index of the first surrogate in {@code text} that is not half of a pair, or -1. */
  static int unpairedSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** Refuses a header name that is not an HTTP token (RFC 9110): no separators, no spaces. */
  static void checkHeaderName(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("header name is empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean token =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!token) {
        throw new IllegalArgumentException(
            "header name \""
                + printable(name)
                + "\" has a character"
                + " not allowed in a header name (code "
                + (int) c
                + ") at index "
                + i
                + ": allowed are letters, digits and !#$%&'*+-.^_`|~");
      }
    }
  }

  private static String printable(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      out.append(
          c < 0x20 || c == 0x7f ? "\\u" + String.format("%04x", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }

  static void checkModel(String model) {
    if (model.isBlank()) {
      throw new IllegalArgumentException(
          "model is blank: name a model such as " + TogetherImages.DEFAULT_MODEL);
    }
    checkUnicode("model", model);
  }

  static void checkBounds(int n, int width, int height, @Nullable Integer steps) {
    checkMinimum("n", n, ImageRequest.MINIMUM_N);
    checkMinimum("width", width, ImageRequest.MINIMUM_WIDTH);
    checkMinimum("height", height, ImageRequest.MINIMUM_HEIGHT);
    if (steps != null) {
      checkMinimum("steps", steps, ImageRequest.MINIMUM_STEPS);
    }
  }

  static void checkMinimum(String field, long value, long minimum) {
    if (value < minimum) {
      throw new IllegalArgumentException(
          field + " = " + value + " is out of range: allowed is " + minimum + " or more");
    }
  }

  static Duration checkPositive(String field, Duration value) {
    requireNonNull(value, field + " == null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          field + " = " + value + " is out of range: allowed is a positive duration");
    }
    return value;
  }

  /** Refuses a key that cannot be sent in a header; the message never holds the key itself. */
  static void checkApiKey(@Nullable String apiKey) {
    if (apiKey == null || apiKey.isBlank()) {
      throw new IllegalStateException(
          "apiKey is required: call apiKey(String), or use TogetherImages.fromEnv() with "
              + TogetherImages.API_KEY_ENV
              + " set");
    }
    for (int i = 0; i < apiKey.length(); i++) {
      char c = apiKey.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new IllegalArgumentException(
            "apiKey has a character that cannot be sent in a header (code "
                + (int) c
                + " at position "
                + i
                + "): check for a line break or space copied with it");
      }
    }
  }

  /**
   * Parses a base URL, refusing plain http but to loopback hosts: the key must not cross a network
   * unencrypted.
   */
  static HttpUrl baseUrl(String baseUrl) {
    HttpUrl url = HttpUrl.parse(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    if (url == null) {
      throw new IllegalArgumentException("baseUrl = " + baseUrl + " is not an http or https URL");
    }
    if (url.scheme().equals("http") && !Addresses.isLoopback(url.host())) {
      throw new IllegalArgumentException(
          "refusing to send the API key over plain http to "
              + url.host()
              + ": use https, or a loopback host (localhost, 127.0.0.1, ::1) for tests");
    }
    return url;
  }

  static void checkFinite(String field, @Nullable Double value) {
    if (value != null && !Double.isFinite(value)) {
      throw new IllegalArgumentException(
          field + " = " + value + " is out of range: allowed is a finite number");
    }
  }

  /**
   * Returns an immutable copy of a JSON value: strings, booleans, finite Integer, Long, Short,
   * Byte, Double or Float numbers, and lists and string-keyed maps of those. Anything else (for
   * example BigDecimal, which Moshi cannot write) is refused, naming the extra property.
   */
  static @Nullable Object copyJsonValue(String name, @Nullable Object value) {
    if (value instanceof String text) {
      checkUnicode("extra property \"" + name + "\"", text);
      return value;
    }
    if (value == null || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Double || value instanceof Float) {
      checkFinite("extra property \"" + name + "\"", ((Number) value).doubleValue());
      return value;
    }
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      return value;
    }
    if (value instanceof List<?> list) {
      List<@Nullable Object> copy = new ArrayList<>(list.size());
      for (Object item : list) {
        copy.add(copyJsonValue(name, item));
      }
      return Collections.unmodifiableList(copy);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, @Nullable Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String key)) {
          throw new IllegalArgumentException(
              "extra property \"" + name + "\" has a non-string map key: " + entry.getKey());
        }
        copy.put(key, copyJsonValue(name, entry.getValue()));
      }
      return Collections.unmodifiableMap(copy);
    }
    throw new IllegalArgumentException(
        "extra property \""
            + name
            + "\" has a value of type "
            + value.getClass().getName()
            + ": allowed are String, Boolean, Integer, Long, Double (finite), List and Map");
  }

  private static Set<String> knownProperties() {
    Set<String> names = new HashSet<>();
    for (RecordComponent component : ImageRequest.class.getRecordComponents()) {
      com.squareup.moshi.Json json = component.getAnnotation(com.squareup.moshi.Json.class);
      if (json != null && !component.getName().equals("additionalProperties")) {
        names.add(json.name());
      }
    }
    return Set.copyOf(names);
  }
}
