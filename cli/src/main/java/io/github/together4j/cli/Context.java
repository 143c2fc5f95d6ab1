package io.github.together4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What one run of the tool sees of its surroundings: the environment, whether it talks to a person
 * at a terminal, and how to open an image. {@link #system()} is the real one; tests build their
 * own.
 *
 * @param env the environment variables
 * @param interactive standard output is a terminal: human-readable lines instead of bare paths
 * @param live standard error is a terminal that can redraw a line: the live status line (drawn
 *     there, so {@code together4j generate … | xargs …} still shows it)
 * @param color colour is wanted on standard error ({@code NO_COLOR} unset, a terminal)
 * @param columns the terminal's width, for the status line
 * @param stdin where {@code generate -} reads its prompt from
 * @param opener opens an image for {@code --open}
 * @param clock nanoseconds, for elapsed times
 * @param interruptible whether a signal may cancel the work (the process is the tool's own)
 */
record Context(
    Function<String, @Nullable String> env,
    boolean interactive,
    boolean live,
    boolean color,
    int columns,
    InputStream stdin,
    Opener opener,
    LongSupplier clock,
    boolean interruptible) {

  /** The process's own surroundings. */
  static Context system() {
    Function<String, @Nullable String> env = System::getenv;
    boolean dumb = "dumb".equals(env.apply("TERM"));
    boolean stdout = isTerminal(1);
    boolean stderr = isTerminal(2);
    boolean noColor = env.apply("NO_COLOR") != null && !env.apply("NO_COLOR").isEmpty();
    boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    return new Context(
        env,
        stdout,
        stderr && !dumb,
        stderr && !dumb && !noColor && !windows,
        columns(env.apply("COLUMNS")),
        System.in,
        Opener.desktop(env),
        System::nanoTime,
        true);
  }

  /** Surroundings for a test: {@code env}, no terminal, nothing opened. */
  static Context of(Map<String, String> env) {
    return new Context(
        env::get,
        false,
        false,
        false,
        80,
        InputStream.nullInputStream(),
        file -> "no desktop in tests",
        System::nanoTime,
        false);
  }

  Context withEnv(Map<String, String> newEnv) {
    return new Context(
        newEnv::get, interactive, live, color, columns, stdin, opener, clock, interruptible);
  }

  Context withTerminal(boolean isInteractive, boolean isLive) {
    return new Context(
        env, isInteractive, isLive, color, columns, stdin, opener, clock, interruptible);
  }

  Context withStdin(InputStream in) {
    return new Context(env, interactive, live, color, columns, in, opener, clock, interruptible);
  }

  Context withOpener(Opener newOpener) {
    return new Context(
        env, interactive, live, color, columns, stdin, newOpener, clock, interruptible);
  }

  /** The value of {@code name}, or null when it is unset or blank. */
  @Nullable String variable(String name) {
    String value = env.apply(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  /**
   * Whether file descriptor {@code fd} is a terminal. Java 17 can only tell whether standard input
   * and output both are ({@link System#console()}); on Linux the descriptor's link says exactly.
   */
  static boolean isTerminal(int fd) {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  private static int columns(@Nullable String value) {
    try {
      int columns = value == null ? 80 : Integer.parseInt(value.strip());
      return columns >= 20 ? columns : 80;
    } catch (NumberFormatException e) {
      return 80;
    }
  }
}
