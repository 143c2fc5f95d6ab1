package io.github.together4j.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Opens an image with the desktop's viewer, for {@code --open}. */
interface Opener {
  /**
   * Opens {@code file}, without waiting for the viewer.
   *
   * @return null when a viewer was started, else why not (one line)
   */
  @Nullable String open(Path file);

  /**
   * The desktop's own opener: {@code open} on macOS, {@code explorer} on Windows, {@code xdg-open}
   * elsewhere when a display is set. AWT's {@code Desktop} is not used: it would load a GUI toolkit
   * into a command-line tool.
   */
  static Opener desktop(Function<String, @Nullable String> env) {
    return file -> {
      String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
      List<String> command;
      if (os.contains("mac")) {
        command = List.of("open", file.toString());
      } else if (os.contains("win")) {
        command = List.of("explorer", file.toAbsolutePath().toString());
      } else {
        if (env.apply("DISPLAY") == null && env.apply("WAYLAND_DISPLAY") == null) {
          return "no display (DISPLAY and WAYLAND_DISPLAY are unset)";
        }
        if (!onPath("xdg-open", env.apply("PATH"))) {
          return "xdg-open is not installed";
        }
        command = List.of("xdg-open", file.toString());
      }
      try {
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        return null;
      } catch (IOException e) {
        return command.get(0) + " could not be started: " + e.getMessage();
      }
    };
  }

  private static boolean onPath(String program, @Nullable String path) {
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  private static File nullFile() {
    return new File(File.separatorChar == '\\' ? "NUL" : "/dev/null");
  }
}
