package io.github.together4j.cli;

import com.squareup.moshi.JsonWriter;
import io.github.together4j.images.ImageModelInfo;
import io.github.together4j.images.SavedImages;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import okio.Buffer;

/**
 * The {@code --json} documents. Pretty-printed, and ASCII only (other characters as {@code \\u}
 * escapes), so no console encoding can garble a path.
 */
final class Report {
  private Report() {}

  /** {@code generate --json}: the response's id and model, each file, and the timings. */
  static String json(SavedImages saved, String prompt, String baseUrl, Timings timings) {
    return write(
        w -> {
          w.beginObject();
          w.name("id").value(saved.id());
          w.name("model").value(saved.model());
          w.name("prompt").value(prompt);
          w.name("base_url").value(baseUrl);
          w.name("files").beginArray();
          for (SavedImages.Image image : saved.images()) {
            w.beginObject();
            w.name("index").value(image.index());
            w.name("path").value(image.path().toAbsolutePath().normalize().toString());
            w.name("format").value(image.format().name().toLowerCase(Locale.ROOT));
            w.name("bytes").value(image.size());
            w.name("sha256").value(sha256(image.path()));
            w.endObject();
          }
          w.endArray();
          w.name("timings").beginObject();
          w.name("total_ms").value(Timings.millis(timings.totalNanos()));
          w.name("generation_ms").value(Timings.millis(timings.generationNanos()));
          w.name("transfer_ms").value(Timings.millis(timings.transferNanos()));
          w.endObject();
          w.endObject();
        });
  }

  /** {@code models --json}: every model with what Together says of it. */
  static String json(List<ImageModelInfo> models) {
    return write(
        w -> {
          w.beginArray();
          for (ImageModelInfo model : models) {
            w.beginObject();
            w.name("id").value(model.id());
            w.name("type").value(model.type());
            w.name("display_name").value(model.displayName());
            w.name("organization").value(model.organization());
            w.name("link").value(model.link());
            w.name("license").value(model.license());
            w.name("context_length").value(model.contextLength());
            w.name("created").value(model.created().toString());
            ImageModelInfo.Pricing pricing = model.pricing();
            w.name("pricing");
            if (pricing == null) {
              w.nullValue();
            } else {
              w.beginObject();
              w.name("base").value(pricing.base());
              w.name("input").value(pricing.input());
              w.name("output").value(pricing.output());
              w.name("hourly").value(pricing.hourly());
              w.name("finetune").value(pricing.finetune());
              w.endObject();
            }
            w.endObject();
          }
          w.endArray();
        });
  }

  private interface Body {
    void write(JsonWriter writer) throws IOException;
  }

  private static String write(Body body) {
    Buffer buffer = new Buffer();
    try (JsonWriter writer = JsonWriter.of(buffer)) {
      writer.setIndent("  ");
      writer.setSerializeNulls(true);
      body.write(writer);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // A Buffer does not fail.
    }
    return ascii(buffer.readUtf8());
  }

  /** {@code json} with every character past ASCII as a JSON {@code \\u} escape. */
  static String ascii(String json) {
    StringBuilder out = new StringBuilder(json.length());
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

  /** The SHA-256 of a file, in hex. */
  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) != -1; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw Failure.failed("cannot read back " + file + ": " + OutputFiles.reason(e), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
