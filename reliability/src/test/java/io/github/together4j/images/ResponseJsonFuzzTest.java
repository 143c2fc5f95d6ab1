package io.github.together4j.images;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.together4j.images.FuzzSupport.SyntheticServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import okhttp3.Headers;

/**
 * Hostile 200 responses: arbitrary bytes as the {@code application/json} body of a successful call,
 * through the public {@code generate()} and {@code generateAndSave()} paths (Retrofit, Moshi, the
 * facade, the streaming decoder). What may come out is a result whose every image can be touched,
 * or a {@link TogetherException} whose message is short and never holds the API key. Anything else
 * (an NPE, an AssertionError, a Moshi exception leaking, a partial file left behind) is a finding.
 */
class ResponseJsonFuzzTest {
  /** Messages quote at most excerpts of what the server sent. */
  static final int MAX_MESSAGE = 2000;

  private static final SyntheticServer SERVER = new SyntheticServer();
  private static final TogetherImages CLIENT = FuzzSupport.client(SERVER);
  private static final Path ROOT = FuzzSupport.tempDirectory("together4j-fuzz-json");
  private static final ImageGenerationRequest REQUEST =
      ImageGenerationRequest.of("a lighthouse at dusk");
  private static final Headers HEADERS = Headers.of("x-request-id", "req-fuzz");

  /** Keys, values and fragments of the contract, so mutations reach past the parser. */
  @DictionaryEntries({
    "\"id\"",
    "\"model\"",
    "\"object\"",
    "\"list\"",
    "\"data\"",
    "\"index\"",
    "\"b64_json\"",
    "\"url\"",
    "\"type\"",
    "null",
    "\"iVBORw0KGgo",
    "\"/9j/",
    "\"UklGR",
    "\"R0lGOD",
    "==\"",
    "\\n",
    "\\u0041",
    "\\/",
    "\"https://img.example/a.png\"",
    "\"http://127.0.0.1:9/a.png\"",
    "\"" + FuzzSupport.API_KEY + "\"",
    "1e400",
    "-1",
    "2147483648",
    "[",
    "]",
    "{",
    "}"
  })
  @FuzzTest(maxDuration = "60s")
  void generate(byte[] body) {
    SERVER.respond(200, HEADERS, body, "application/json");
    ImageGenerationResult result;
    try {
      result = CLIENT.generate(REQUEST);
    } catch (TogetherException e) {
      checkMessage(e);
      return;
    }
    checkResult(result);
  }

  /**
   * The same bytes through the streaming save: a {@link TogetherException} and an empty directory,
   * or files that hold exactly what {@code generate()} decodes from the same body.
   */
  @DictionaryEntries({
    "\"id\"",
    "\"model\"",
    "\"object\"",
    "\"list\"",
    "\"data\"",
    "\"index\"",
    "\"b64_json\"",
    "\"url\"",
    "null",
    "\"iVBORw0KGgo",
    "\"/9j/",
    "\"UklGR",
    "\"R0lGOD",
    "==\"",
    "\\n",
    "\\u0041",
    "\\/",
    "\"https://img.example/a.png\"",
    "\"" + FuzzSupport.API_KEY + "\"",
    "-1"
  })
  @FuzzTest(maxDuration = "60s")
  void generateAndSave(byte[] body) throws IOException {
    SERVER.respond(200, HEADERS, body, "application/json");
    Path dir = ROOT.resolve("out");
    FuzzSupport.empty(ROOT);
    try {
      SavedImages saved;
      try {
        saved = CLIENT.generateAndSave(REQUEST, dir);
      } catch (TogetherException e) {
        checkMessage(e);
        List<String> left = FuzzSupport.contents(ROOT);
        if (!left.isEmpty() && !left.equals(List.of("out"))) {
          throw new AssertionError("a failed save left " + left + " behind", e);
        }
        return;
      } catch (UncheckedIOException e) {
        throw new AssertionError("an I/O error saving into a fresh temporary directory", e);
      }
      checkSaved(saved, dir);
    } finally {
      FuzzSupport.empty(ROOT);
    }
  }

  /** Checks an exception from the 200 path: short message, never the key. */
  static void checkMessage(TogetherException e) {
    FuzzSupport.checkMessage(e, MAX_MESSAGE);
  }

  private static void checkResult(ImageGenerationResult result) {
    Objects.requireNonNull(result.id(), "id");
    Objects.requireNonNull(result.model(), "model");
    Objects.requireNonNull(result.object(), "object");
    Objects.requireNonNull(result.raw(), "raw");
    Objects.requireNonNull(result.toString());
    List<GeneratedImage> images = result.images();
    if (images.isEmpty()) {
      throw new AssertionError("a result without images");
    }
    for (int i = 1; i < images.size(); i++) {
      if (images.get(i - 1).index() >= images.get(i).index()) {
        throw new AssertionError("images not in strictly increasing index order: " + images);
      }
    }
    for (GeneratedImage image : images) {
      checkImage(image);
    }
  }

  private static void checkImage(GeneratedImage image) {
    if (image.isBase64() == image.isUrl()) {
      throw new AssertionError("image " + image.index() + " is both or neither base64 and url");
    }
    Objects.requireNonNull(image.toString());
    ImageFormat format = null;
    try {
      format = image.format();
    } catch (TogetherException e) {
      checkMessage(e);
    }
    byte[] bytes;
    try {
      bytes = image.bytes();
    } catch (TogetherException e) {
      checkMessage(e);
      if (image.isBase64()) {
        // Invalid for us must be invalid for the JDK too, once our documented extras are allowed.
        byte[] jdk = Base64FuzzTest.expected(Objects.requireNonNull(image.b64Json()));
        if (jdk != null) {
          throw new AssertionError(
              "bytes() refused base64 the JDK decodes to " + jdk.length + " bytes", e);
        }
      }
      return;
    }
    if (format == null) {
      throw new AssertionError("format() failed but bytes() decoded " + bytes.length + " bytes");
    }
    if (ImageFormat.detect(bytes) != format) {
      throw new AssertionError(
          "format() said " + format + " but the bytes are " + ImageFormat.detect(bytes));
    }
    if (image.isBase64()) {
      byte[] jdk = Base64FuzzTest.expected(Objects.requireNonNull(image.b64Json()));
      if (!Arrays.equals(jdk, bytes)) {
        throw new AssertionError("bytes() differs from the JDK's decoding of the same text");
      }
      String uri = image.dataUri();
      if (!uri.startsWith("data:" + format.mimeType() + ";base64,")) {
        throw new AssertionError(
            "dataUri() starts wrongly: " + uri.substring(0, Math.min(40, uri.length())));
      }
    } else if (!Arrays.equals(bytes, FuzzSupport.PNG)) {
      throw new AssertionError("a url result did not download the served bytes");
    }
  }

  private static void checkSaved(SavedImages saved, Path dir) throws IOException {
    Objects.requireNonNull(saved.id(), "id");
    Objects.requireNonNull(saved.model(), "model");
    Objects.requireNonNull(saved.object(), "object");
    List<SavedImages.Image> images = saved.images();
    if (images.isEmpty()) {
      throw new AssertionError("a save without images");
    }
    List<String> files = FuzzSupport.contents(dir);
    if (files.size() != images.size()) {
      throw new AssertionError("saved " + images + " but the directory holds " + files);
    }
    // Whatever the streaming path accepts, the parsing path accepts too, with the same bytes.
    ImageGenerationResult parsed;
    try {
      parsed = CLIENT.generate(REQUEST);
    } catch (TogetherException e) {
      throw new AssertionError("generateAndSave() saved " + images + " but generate() failed", e);
    }
    if (parsed.images().size() != images.size()
        || !parsed.id().equals(saved.id())
        || !parsed.model().equals(saved.model())) {
      throw new AssertionError(
          "generateAndSave() and generate() disagree: " + saved + " vs " + parsed);
    }
    for (int i = 0; i < images.size(); i++) {
      SavedImages.Image image = images.get(i);
      Path file = image.path();
      if (!dir.equals(file.getParent()) || !Files.isRegularFile(file)) {
        throw new AssertionError("saved outside the directory, or not a file: " + file);
      }
      if (file.getFileName().toString().endsWith(ImageFiles.PART_SUFFIX)) {
        throw new AssertionError("a temporary file was published: " + file);
      }
      byte[] content = Files.readAllBytes(file);
      if (content.length != image.size()
          || ImageFormat.detect(content) != image.format()
          || image.format() == ImageFormat.UNKNOWN) {
        throw new AssertionError("the file does not match what the save reported: " + image);
      }
      GeneratedImage same = parsed.images().get(i);
      if (same.index() != image.index() || !Arrays.equals(same.bytes(), content)) {
        throw new AssertionError("image " + image.index() + " saved differs from generate()'s");
      }
    }
  }
}
