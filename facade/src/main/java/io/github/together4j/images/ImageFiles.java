package io.github.together4j.images;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Names image files and writes them so that a failure never leaves a truncated one behind. */
final class ImageFiles {
  /** The file-name stem of an image saved into a directory; {@code {index}} is replaced. */
  static final String DEFAULT_PATTERN = "image_{index}";

  /** Suffix of the temporary file an image is written to before it is moved into place. */
  static final String PART_SUFFIX = ".part";

  /** How much of the final name the temporary file's name repeats. */
  static final int PART_STEM_LENGTH = 32;

  private ImageFiles() {}

  /** Writes an image to a stream; only the stream's own failures are IOExceptions. */
  interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Saves base64 text as an image file, named as {@link #resolve} says: the shared body of {@link
   * GeneratedImage#saveTo} and {@link Base64Images#save}. {@code subject} names the text in
   * decoding errors, {@code what} the image in file-system errors; {@code keepHint}, if any, ends
   * the error for bytes that are no image.
   */
  static Path saveBase64(
      CharSequence text,
      String subject,
      String what,
      int index,
      Path target,
      SaveOption[] options,
      @org.jspecify.annotations.Nullable String keepHint)
      throws InvalidImageDataException {
    boolean overwrite = has(options, SaveOption.OVERWRITE);
    byte[] header = Base64Stream.header(text, subject);
    ImageFormat format = ImageFormat.detect(header);
    if (format == ImageFormat.UNKNOWN) {
      throw new InvalidImageDataException(
          notAnImage(subject, header) + (keepHint != null ? ": " + keepHint : ""));
    }
    Path file = resolve(target, index, format, has(options, SaveOption.KEEP_EXTENSION));
    try {
      writeAtomically(file, overwrite, out -> new Base64Stream(text, subject).transferTo(out));
    } catch (InvalidImageDataException e) {
      throw e;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot save " + what + " to " + file + ": " + e, e);
    }
    return file;
  }

  /** Says why bytes starting with {@code header} are not saved as an image. */
  static String notAnImage(String subject, byte[] header) {
    return subject
        + " decodes to bytes that are not a PNG, JPEG, WebP or GIF image ("
        + Downloader.describeStart(header)
        + ")";
  }

  /** Whether {@code options} contains {@code option}. */
  static boolean has(SaveOption[] options, SaveOption option) {
    java.util.Objects.requireNonNull(options, "options == null");
    boolean found = false;
    for (SaveOption o : options) {
      found |= java.util.Objects.requireNonNull(o, "options contains null") == option;
    }
    return found;
  }

  /**
   * Returns the file an image of {@code format} goes to: {@code requested} itself, with the
   * format's extension added when it has none, or {@code image_<index>.<ext>} inside it when it is
   * a directory.
   */
  static Path resolve(Path requested, int index, ImageFormat format, boolean keepExtension) {
    if (Files.isDirectory(requested) || requested.getFileName() == null) {
      return requested.resolve(name(DEFAULT_PATTERN, index) + "." + format.extension());
    }
    String name = requested.getFileName().toString();
    int dot = name.lastIndexOf('.');
    if (dot == name.length() - 1) {
      // "sunflower." reads as a name whose extension is left to us.
      name = name.substring(0, dot);
      dot = name.lastIndexOf('.');
    }
    if (dot <= 0) {
      return requested.resolveSibling(name + "." + format.extension());
    }
    String extension = name.substring(dot + 1);
    if (keepExtension || format.matchesExtension(extension)) {
      return requested;
    }
    throw new IllegalArgumentException(
        "cannot save image "
            + index
            + " as "
            + requested
            + ": its extension is ."
            + extension
            + " but the image is "
            + format
            + "; use "
            + name.substring(0, dot)
            + "."
            + format.extension()
            + ", a name without extension, or SaveOption.KEEP_EXTENSION");
  }

  /**
   * Writes {@code file} through a temporary file in the same directory, moved into place once
   * complete and flushed to disk. Creates missing directories. Without {@code overwrite} an
   * existing file is never replaced, not even by a file that appears while writing.
   */
  static void writeAtomically(Path file, boolean overwrite, Writer writer) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path directory = absolute.getParent();
    Files.createDirectories(directory);
    checkWritable(file, overwrite);
    Path part = partFile(directory, absolute.getFileName().toString());
    try {
      try (FileChannel channel =
              FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = Channels.newOutputStream(channel)) {
        writer.write(out);
        channel.force(true);
      }
      publish(part, file, overwrite);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /**
   * Returns a fresh name for a hidden temporary file in {@code directory}, starting with (at most
   * {@value #PART_STEM_LENGTH} characters of) {@code name}, so a final name near the file system's
   * limit still leaves room.
   */
  static Path partFile(Path directory, String name) {
    int end = Math.min(name.length(), PART_STEM_LENGTH);
    if (end < name.length() && Character.isHighSurrogate(name.charAt(end - 1))) {
      // Never half of a character outside the BMP: a path cannot hold a lone surrogate.
      end--;
    }
    String stem = name.substring(0, end);
    return directory.resolve(
        "."
            + stem
            + "."
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt())
            + PART_SUFFIX);
  }

  /**
   * Moves a complete {@code part} file to {@code file}: atomically replacing it with {@code
   * overwrite}, else only if it does not exist. {@code part} may remain (after a link); the caller
   * deletes it.
   */
  static void publish(Path part, Path file, boolean overwrite) throws IOException {
    Path absolute = file.toAbsolutePath();
    if (overwrite) {
      try {
        Files.move(
            part, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(part, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
    } else {
      publishWithoutReplacing(part, absolute, file);
    }
  }

  /**
   * The longest file name, in UTF-8 bytes, a pattern may give: the limit of ext4, XFS, Btrfs, APFS
   * and (in UTF-16 units) NTFS.
   */
  static final int MAX_NAME_BYTES = 255;

  /** The longest text {@code {index}} becomes, {@code -2147483648}. */
  private static final int MAX_INDEX_LENGTH = Integer.toString(Integer.MIN_VALUE).length();

  /** The longest extension a saved image gets, with its dot: {@code .webp}. */
  private static final int MAX_EXTENSION_LENGTH = ".webp".length();

  /**
   * Checks a file-name pattern for {@code count} images: a plain file name, with {@code {index}}
   * when there is more than one image; no directories, no control characters (NUL, line breaks), no
   * lone surrogates, and short enough that every name it gives, extension included, fits {@value
   * #MAX_NAME_BYTES} bytes. A refusal says so before any file is written.
   */
  static void checkPattern(String namePattern, int count) {
    if (namePattern.isBlank()
        || namePattern.contains("/")
        || namePattern.contains("\\")
        || namePattern.equals(".")
        || namePattern.equals("..")) {
      throw new IllegalArgumentException(
          "namePattern = \""
              + quote(namePattern)
              + "\" is not a file name: use a name like \"sunflower_{index}\", without directories");
    }
    for (int i = 0; i < namePattern.length(); i++) {
      char c = namePattern.charAt(i);
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "namePattern = \""
                + quote(namePattern)
                + "\" has a control character ("
                + String.format("U+%04X", (int) c)
                + " at "
                + i
                + "), which a file name should not have");
      }
    }
    int lone = Validation.unpairedSurrogate(namePattern);
    if (lone >= 0) {
      throw new IllegalArgumentException(
          "namePattern = \""
              + quote(namePattern)
              + "\" has half a character (the lone surrogate "
              + String.format("U+%04X", (int) namePattern.charAt(lone))
              + " at "
              + lone
              + "), which no file name can hold");
    }
    String withoutIndexes = namePattern.replace("{index}", "");
    int indexes = (namePattern.length() - withoutIndexes.length()) / "{index}".length();
    long longest =
        withoutIndexes.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
            + (long) indexes * MAX_INDEX_LENGTH
            + MAX_EXTENSION_LENGTH;
    if (longest > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          "namePattern = \""
              + quote(namePattern)
              + "\" is too long: a"
              + " name it gives, with {index} and the extension, can take "
              + longest
              + " bytes, more than"
              + " the "
              + MAX_NAME_BYTES
              + " a file name may have");
    }
    if (count > 1 && !namePattern.contains("{index}")) {
      throw new IllegalArgumentException(
          "namePattern = \""
              + quote(namePattern)
              + "\" has no {index},"
              + " so all "
              + count
              + " images would get the same name; use e.g. \""
              + quote(namePattern)
              + "_{index}\"");
    }
  }

  /**
   * {@code namePattern} for a message: control characters and lone surrogates as Java escapes, and
   * cut once 200 characters are quoted, so a refusal names the pattern without carrying all of a
   * hostile one.
   */
  private static String quote(String namePattern) {
    // A blank pattern is shown as typed: its whitespace is what the message is about.
    boolean blank = namePattern.isBlank();
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (; i < namePattern.length() && out.length() < 200; i++) {
      char c = namePattern.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < namePattern.length()
          && Character.isLowSurrogate(namePattern.charAt(i + 1))) {
        out.append(c).append(namePattern.charAt(++i));
      } else if ((Character.isISOControl(c) && !blank) || Character.isSurrogate(c)) {
        out.append(String.format("\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    return i < namePattern.length() ? out + "…" : out.toString();
  }

  /** The file name {@code namePattern} gives image {@code index}, before its extension. */
  static String name(String namePattern, int index) {
    return namePattern.replace("{index}", Integer.toString(index));
  }

  /**
   * Fails before a download when {@code target} already names the final file (it has an extension
   * and is not a directory) and may not be written.
   */
  static void checkEarly(Path target, boolean overwrite) {
    Path name = target.getFileName();
    if (name == null || Files.isDirectory(target) || name.toString().lastIndexOf('.') <= 0) {
      return;
    }
    try {
      checkWritable(target, overwrite);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot save to " + target + ": " + e, e);
    }
  }

  /** Fails early, before any download or decoding, when the file may not be written. */
  static void checkWritable(Path file, boolean overwrite) throws IOException {
    if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(file.toString(), null, "is a directory");
    }
    if (!overwrite && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(
          file.toString(), null, "already exists; pass SaveOption.OVERWRITE to replace it");
    }
  }

  /**
   * Moves {@code part} to {@code target} unless {@code target} exists. A hard link is atomic and
   * fails on an existing target; where links are not supported, a move that checks first.
   */
  private static void publishWithoutReplacing(Path part, Path target, Path shown)
      throws IOException {
    try {
      Files.createLink(target, part);
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(
          shown.toString(), null, "already exists; pass SaveOption.OVERWRITE to replace it");
    } catch (UnsupportedOperationException | FileSystemException e) {
      Files.move(part, target);
    }
  }
}
