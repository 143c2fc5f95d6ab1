package io.github.together4j.images;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import io.github.together4j.images.generated.JSON;
import io.github.together4j.images.generated.model.ImageRequest;
import io.github.together4j.images.internal.FileNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * One item of a batch: its number in the input, its line, its request, and its key: the line and
 * the hash of the request as sent (defaults, client's model and base64 included), so an item whose
 * line or request changes is another item.
 */
final class BatchItem {
  private static final JsonAdapter<ImageRequest> WIRE = JSON.moshi().adapter(ImageRequest.class);

  final long number;
  final long line;
  final ImageGenerationRequest request;

  /** SHA-256 of the canonical JSON of the request as sent, in hex. */
  final String requestSha256;

  /** {@code <line>:<first 16 hex digits of requestSha256>}. */
  final String key;

  /** Attempts sent in this run, rate-limited ones included. */
  int attempts;

  /** Attempts answered 429 in this run. */
  int rateLimited;

  /** When a retry may be sent, in {@link System#nanoTime()}; 0 for a new item. */
  long readyAt;

  BatchItem(long number, long line, ImageGenerationRequest request, String defaultModel) {
    this.number = number;
    this.line = line;
    this.request = request;
    this.requestSha256 = sha256(canonical(request, defaultModel));
    this.key = line + ":" + requestSha256.substring(0, 16);
  }

  /** The first 16 hex digits of the request hash, as a long: what the manifest table keeps. */
  long fingerprint() {
    return Long.parseUnsignedLong(requestSha256.substring(0, 16), 16);
  }

  /** Whether this item belongs to shard {@code index} (1-based) of {@code count}. */
  boolean inShard(int index, int count) {
    if (count <= 1) {
      return true;
    }
    byte[] hash = digest(key.getBytes(StandardCharsets.UTF_8));
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = value << 8 | (hash[i] & 0xff);
    }
    return Long.remainderUnsigned(value, count) == index - 1;
  }

  /** The request as sent, as canonical JSON: keys sorted at every level, no spaces. */
  static String canonical(ImageGenerationRequest request, String defaultModel) {
    return canonicalJson(WIRE.toJson(StreamingSave.request(request.toWire(defaultModel))), null);
  }

  /** The defaults as sent, without the prompt; null for none. */
  static String canonicalDefaults(ImageGenerationRequest.Builder defaults, String defaultModel) {
    ImageGenerationRequest probe = defaults.copy().prompt("-").build();
    return canonicalJson(WIRE.toJson(StreamingSave.request(probe.toWire(defaultModel))), "prompt");
  }

  /** {@code json} with its object keys sorted, {@code drop} removed from the top level. */
  static String canonicalJson(String json, @Nullable String drop) {
    try {
      Object value = BatchInput.Json.value(JsonReader.of(new Buffer().writeUtf8(json)));
      if (drop != null && value instanceof Map<?, ?> map) {
        map.remove(drop);
      }
      Buffer out = new Buffer();
      try (JsonWriter writer = JsonWriter.of(out)) {
        writer.setSerializeNulls(false);
        write(writer, value);
      }
      return out.readUtf8();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(JsonWriter writer, @Nullable Object value) throws IOException {
    if (value instanceof Map<?, ?> map) {
      writer.beginObject();
      for (Map.Entry<?, ?> entry : new TreeMap<>(map).entrySet()) {
        if (entry.getValue() != null) {
          writer.name((String) entry.getKey());
          write(writer, entry.getValue());
        }
      }
      writer.endObject();
    } else if (value instanceof List<?> list) {
      writer.beginArray();
      for (Object item : list) {
        write(writer, item);
      }
      writer.endArray();
    } else if (value instanceof String text) {
      writer.value(text);
    } else if (value instanceof Boolean flag) {
      writer.value(flag);
    } else if (value instanceof Integer || value instanceof Long) {
      writer.value(((Number) value).longValue());
    } else if (value instanceof Number number) {
      writer.value(number);
    } else {
      writer.nullValue();
    }
  }

  /**
   * This item's file-name pattern for {@link TogetherImages#generateAndSave}: {@code {item}} (the
   * number, six digits at least), {@code {line}} and {@code {slug}} replaced, and {@code _{index}}
   * added for several images when the pattern has no {@code {index}}.
   */
  String namePattern(String pattern) {
    String name =
        pattern
            .replace("{item}", String.format(Locale.ROOT, "%06d", number))
            .replace("{line}", Long.toString(line))
            .replace("{slug}", FileNames.slug(request.prompt()));
    if (request.n() > 1 && !name.contains("{index}")) {
      name = name + "_{index}";
    }
    return name;
  }

  static String sha256(String text) {
    return HexFormat.of().formatHex(digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
