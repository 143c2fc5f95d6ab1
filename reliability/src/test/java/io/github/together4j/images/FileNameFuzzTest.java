package io.github.together4j.images;

import static io.github.together4j.images.FuzzSupport.checkMessage;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.together4j.images.FuzzSupport.SyntheticServer;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Headers;

/**
 * Fuzzed file-name patterns and image indexes, through {@link ImageFiles#checkPattern}, {@link
 * ImageFiles#name} and {@link ImageFiles#resolve}, and the public {@link
 * ImageGenerationResult#saveAll(Path, String, SaveOption...)} and {@code
 * TogetherImages.generateAndSave(request, dir, pattern)}. A pattern is refused with an {@link
 * IllegalArgumentException} that names it, or every file lands directly in the target directory: a
 * plain name (no separator, no control character, no lone surrogate, not {@code .} or {@code ..},
 * at most 255 bytes with its extension), nothing created anywhere else, no temporary file left.
 *
 * <p>An input is the pattern, its text first, then (from the end) how many images, their indexes
 * and the save options.
 */
class FileNameFuzzTest {
  private static final SyntheticServer SERVER = new SyntheticServer();
  private static final TogetherImages CLIENT = FuzzSupport.client(SERVER);

  /** The root holds only the target directories; anything else in it escaped them. */
  private static final Path ROOT = FuzzSupport.tempDirectory("together4j-fuzz-names");

  private static final Path DIR = ROOT.resolve("target");
  private static final Path STREAMED = ROOT.resolve("streamed");

  @FuzzTest(maxDuration = "60s")
  void pattern(FuzzedDataProvider data) {
    int count = data.consumeInt(1, 3);
    int first = data.consumeInt(-2, 12);
    int step = data.consumeInt(1, 1000);
    boolean keepExtension = data.consumeBoolean();
    boolean overwrite = data.consumeBoolean();
    String pattern = data.consumeRemainingAsString();
    List<Integer> indexes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      indexes.add(first + i * step);
    }
    SaveOption[] options = options(keepExtension, overwrite);

    FuzzSupport.empty(ROOT);
    try {
      boolean accepted = checkPattern(pattern, count);
      if (accepted) {
        for (int index : indexes) {
          checkName(pattern, index, keepExtension);
        }
      }
      ImageGenerationResult result = result(indexes);
      try {
        List<Path> files = result.saveAll(DIR, pattern, options);
        checkFiles(files, DIR, count, pattern);
      } catch (IllegalArgumentException | UncheckedIOException e) {
        checkRefusal(e, pattern, accepted);
        checkNothingOutside();
        checkNoPartFiles(DIR);
      }
      SERVER.respond(
          200,
          Headers.of(),
          body(indexes).getBytes(java.nio.charset.StandardCharsets.UTF_8),
          "application/json");
      try {
        SavedImages saved =
            CLIENT.generateAndSave(
                ImageGenerationRequest.builder("a cat").n(count).build(),
                STREAMED,
                pattern,
                options);
        checkFiles(saved.paths(), STREAMED, count, pattern);
      } catch (IllegalArgumentException | UncheckedIOException e) {
        checkRefusal(e, pattern, accepted);
        checkNothingOutside();
        checkNoPartFiles(STREAMED);
      }
    } finally {
      FuzzSupport.empty(ROOT);
    }
  }

  /** checkPattern: refuses with a message quoting the pattern, or accepts. */
  private static boolean checkPattern(String pattern, int count) {
    try {
      ImageFiles.checkPattern(pattern, count);
      return true;
    } catch (IllegalArgumentException e) {
      if (e.getMessage() == null || !e.getMessage().startsWith("namePattern = \"")) {
        throw new AssertionError("a refusal that does not name the pattern", e);
      }
      return false;
    }
  }

  /** An accepted pattern names a plain file in the directory, for any index. */
  private static void checkName(String pattern, int index, boolean keepExtension) {
    String name = ImageFiles.name(pattern, index);
    if (name.isEmpty()
        || name.equals(".")
        || name.equals("..")
        || name.indexOf('/') >= 0
        || name.indexOf('\\') >= 0
        || name.chars().anyMatch(Character::isISOControl)
        || !name.equals(
            new String(
                name.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.UTF_8))
        || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + ".webp".length() > 255) {
      throw new AssertionError(
          "pattern \"" + pattern + "\" gives image " + index + " the name \"" + name + "\"");
    }
    Path requested = DIR.resolve(name);
    if (!DIR.equals(requested.normalize().getParent())
        || !requested.getFileName().toString().equals(name)) {
      throw new AssertionError("\"" + name + "\" does not name a file directly in " + DIR);
    }
    for (ImageFormat format : new ImageFormat[] {ImageFormat.PNG, ImageFormat.JPEG}) {
      Path file;
      try {
        file = ImageFiles.resolve(requested, index, format, keepExtension);
      } catch (IllegalArgumentException e) {
        if (e.getMessage() == null || !e.getMessage().contains("extension")) {
          throw new AssertionError("resolve() refused \"" + name + "\" without saying why", e);
        }
        continue;
      }
      if (!DIR.equals(file.normalize().getParent())
          || file.isAbsolute() != DIR.isAbsolute()
          || file.getFileName().toString().equals("..")) {
        throw new AssertionError("resolve() put \"" + name + "\" at " + file);
      }
    }
  }

  private static void checkFiles(List<Path> files, Path dir, int count, String pattern) {
    if (files.size() != count) {
      throw new AssertionError("saved " + files + " for " + count + " images");
    }
    for (Path file : files) {
      if (!dir.equals(file.normalize().getParent()) || !Files.isRegularFile(file)) {
        throw new AssertionError("pattern \"" + pattern + "\" saved " + file + " outside " + dir);
      }
    }
    List<String> inside = FuzzSupport.contents(dir);
    if (inside.size() != count) {
      throw new AssertionError("pattern \"" + pattern + "\" left " + inside + " in " + dir);
    }
    checkNothingOutside();
  }

  /**
   * A refusal is an IllegalArgumentException: from checkPattern, or for an extension that does not
   * match the image. Never an I/O error: checkPattern lets through only names a file system takes.
   */
  private static void checkRefusal(RuntimeException e, String pattern, boolean accepted) {
    // The pattern is the caller's: quoting it is fine, even when it happens to hold the key.
    checkMessage(e, 1000, true);
    if (e instanceof UncheckedIOException) {
      throw new AssertionError("pattern \"" + pattern + "\" failed with an I/O error", e);
    }
    if (accepted && !e.getMessage().contains("extension")) {
      throw new AssertionError(
          "pattern \"" + pattern + "\" passed checkPattern but saving refused it", e);
    }
  }

  private static void checkNothingOutside() {
    for (String name : FuzzSupport.contents(ROOT)) {
      Path path = ROOT.resolve(name);
      if (!path.startsWith(DIR) && !path.startsWith(STREAMED)) {
        throw new AssertionError("created " + path + " outside the target directories");
      }
    }
  }

  /** A refused save writes nothing: every name is checked before the first file. */
  private static void checkNoPartFiles(Path dir) {
    for (String name : FuzzSupport.contents(dir)) {
      throw new AssertionError("a refused save left " + name + " in " + dir);
    }
  }

  private static SaveOption[] options(boolean keepExtension, boolean overwrite) {
    List<SaveOption> options = new ArrayList<>();
    if (keepExtension) {
      options.add(SaveOption.KEEP_EXTENSION);
    }
    if (overwrite) {
      options.add(SaveOption.OVERWRITE);
    }
    return options.toArray(SaveOption[]::new);
  }

  private static String body(List<Integer> indexes) {
    StringBuilder data = new StringBuilder();
    for (int index : indexes) {
      data.append(data.length() == 0 ? "" : ",")
          .append("{\"index\":")
          .append(index)
          .append(",\"b64_json\":\"")
          .append(FuzzSupport.PNG_BASE64)
          .append("\"}");
    }
    return "{\"id\":\"gen-names\",\"model\":\"m\",\"object\":\"list\",\"data\":[" + data + "]}";
  }

  private static ImageGenerationResult result(List<Integer> indexes) {
    SERVER.respond(
        200,
        Headers.of(),
        body(indexes).getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "application/json");
    return CLIENT.generate("a cat");
  }
}
