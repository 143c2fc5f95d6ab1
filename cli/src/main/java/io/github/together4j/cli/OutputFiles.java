package io.github.together4j.cli;

import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where {@code generate} writes, checked before Together is called (a refused file should not cost
 * a generation), and file-system errors told by the image's final path: the hidden temporary file
 * an image is streamed into first is an implementation detail the user never sees.
 */
final class OutputFiles {
  /**
   * The hidden temporary files the streaming save writes for image {@code n}: {@code
   * ..together4j-<n>.<hex>.part}.
   */
  private static final Pattern PART =
      Pattern.compile("\\.{1,2}together4j-(\\d+)\\.[0-9a-fA-F]+\\.part");

  private final Path directory;
  private final String pattern;
  private final String extension;

  /**
   * @param directory {@code --out}
   * @param pattern the file name before the extension, {@code {index}} replaced per image
   * @param format what was asked for; the server's default, JPEG, when null
   */
  OutputFiles(Path directory, String pattern, @Nullable OutputFormat format) {
    this.directory = directory;
    this.pattern = pattern;
    this.extension = format == OutputFormat.PNG ? "png" : "jpg";
  }

  /** The file image {@code index} will most likely be saved as (the bytes decide the extension). */
  Path expected(int index) {
    return directory.resolve(pattern.replace("{index}", Integer.toString(index)) + "." + extension);
  }

  /**
   * Fails unless {@code n} images can be written: the directory is one (or can be created under
   * one), a file can be created there, and, without {@code overwrite}, no image would replace a
   * file.
   *
   * @throws Failure naming the directory or the image's path
   */
  void check(int n, boolean overwrite) {
    Path absolute = directory.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw Failure.failed("cannot create --out " + directory + ": no such file system");
    }
    if (!Files.isDirectory(existing)) {
      throw Failure.failed(
          existing.equals(absolute)
              ? "--out " + directory + " is a file, not a directory"
              : "cannot create --out " + directory + ": " + existing + " is a file");
    }
    try {
      // The only sure test: permissions, read-only mounts, ACLs and root all have their say. Not
      // Files.createTempFile: its SecureRandom costs a cold start about 80 ms.
      Path probe =
          existing.resolve(
              ".together4j-check-"
                  + Long.toHexString(ThreadLocalRandom.current().nextLong())
                  + ".tmp");
      Files.delete(Files.createFile(probe));
    } catch (IOException e) {
      throw Failure.failed("cannot write " + expected(0) + ": " + reason(e), e);
    }
    List<Path> targets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      targets.add(expected(i));
    }
    for (Path target : targets) {
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw Failure.failed(target + " is a directory");
      }
      if (!overwrite && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw Failure.failed(target + " already exists; pass --overwrite to replace it");
      }
    }
  }

  /** A file-system failure of the save, told by the final path of the image it concerns. */
  Failure failure(UncheckedIOException e) {
    IOException cause = e.getCause();
    Path file =
        cause instanceof FileSystemException fs && fs.getFile() != null
            ? Path.of(fs.getFile())
            : null;
    Path shown = expected(0);
    if (file != null) {
      Matcher part = PART.matcher(String.valueOf(file.getFileName()));
      if (part.matches()) {
        shown = expected(Integer.parseInt(part.group(1)));
      } else if (!file.toAbsolutePath().equals(directory.toAbsolutePath())) {
        shown = relativeToOut(file);
      }
    }
    return Failure.failed("cannot write " + shown + ": " + reason(cause), e);
  }

  /** {@code file} as under {@code --out} as the user gave it, when it is there. */
  private Path relativeToOut(Path file) {
    Path absoluteOut = directory.toAbsolutePath().normalize();
    Path absolute = file.toAbsolutePath().normalize();
    return absolute.startsWith(absoluteOut)
        ? directory.resolve(absoluteOut.relativize(absolute))
        : file;
  }

  /** Why a file operation failed, in words, without the (temporary) path it was about. */
  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException exists) {
      String reason = exists.getReason();
      return reason != null && reason.contains("directory")
          ? "is a directory"
          : "already exists; pass --overwrite to replace it";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      String reason = fs.getReason();
      return reason.isEmpty()
          ? "file system error"
          : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
    }
    String message = e.getMessage();
    if (message == null) {
      return e.getClass().getSimpleName();
    }
    return PART.matcher(message).replaceAll("(temporary file)");
  }
}
