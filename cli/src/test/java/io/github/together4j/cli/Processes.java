package io.github.together4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Runs the built jar, or bin/together4j, as a separate process, the way a user does. */
final class Processes {
  /** The runnable jar package built; failsafe passes its path. */
  static final Path JAR = Path.of(System.getProperty("together4j.jar", "target/together4j.jar"));

  /** bin/together4j, the launcher. */
  static final Path LAUNCHER =
      Path.of(System.getProperty("together4j.launcher", "../bin/together4j"));

  static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

  private Processes() {}

  /**
   * What a process printed and returned. {@code fileAt} and {@code exitAt} are {@link
   * System#nanoTime()} readings: when the watched file was first seen, and when the process was
   * seen to have ended (0 when there was no file to watch or it never appeared).
   */
  record Result(int status, String out, String err, long startAt, long fileAt, long exitAt) {
    List<String> errLines() {
      return err.lines().toList();
    }

    /** Milliseconds from the watched file's appearance to the process's end. */
    double exitAfterFileMillis() {
      return (exitAt - fileAt) / 1e6;
    }

    /** Milliseconds from the start of the process to the watched file's appearance. */
    double fileAfterStartMillis() {
      return (fileAt - startAt) / 1e6;
    }

    @Override
    public String toString() {
      return "status " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** {@code java -jar together4j.jar args…}. */
  static List<String> jar(String... args) {
    List<String> command = new ArrayList<>(List.of(JAVA.toString(), "-jar", JAR.toString()));
    Collections.addAll(command, args);
    return command;
  }

  /** {@code bin/together4j args…}, with this JVM's Java. */
  static List<String> launcher(String... args) {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toAbsolutePath().toString()));
    Collections.addAll(command, args);
    return command;
  }

  /**
   * Runs {@code command} in {@code dir} with only {@code env} of the Together variables set,
   * watching for {@code watch} to appear (every 0.2 ms) while it runs.
   */
  static Result run(List<String> command, Path dir, Map<String, String> env, @Nullable Path watch)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "stdout", ".txt");
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("TOGETHER_") || name.equals("NO_COLOR"));
    environment.put("JAVA_HOME", System.getProperty("java.home"));
    environment.putAll(env);
    long started = System.nanoTime();
    Process process = builder.start();
    long fileAt = 0;
    if (watch != null) {
      while (process.isAlive()) {
        if (Files.exists(watch)) {
          fileAt = System.nanoTime();
          break;
        }
        Thread.sleep(0, 200_000);
      }
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("still running after 60 s: " + command);
    }
    long exitAt = System.nanoTime();
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8),
        started,
        fileAt,
        fileAt == 0 ? 0 : exitAt);
  }

  /**
   * The testkit's server run from the jar as a process of its own: {@code FakeTogetherServer}'s
   * main.
   */
  record Server(Process process, String baseUrl, String apiKey) implements AutoCloseable {
    static Server start(Path dir) throws IOException {
      Process process =
          new ProcessBuilder(
                  JAVA.toString(),
                  "-cp",
                  JAR.toString(),
                  "io.github.together4j.images.testkit.FakeTogetherServer")
              .directory(dir.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        // "Fake Together server at http://localhost:PORT/v1/ accepting API key KEY; try:"
        String line =
            new java.io.BufferedReader(
                    new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("at (http://\\S+) accepting API key (\\S+);")
                .matcher(String.valueOf(line));
        if (!m.find()) {
          throw new IOException("the fake server said: " + line);
        }
        return new Server(process, m.group(1), m.group(2));
      } catch (IOException | RuntimeException e) {
        process.destroyForcibly();
        throw e;
      }
    }

    @Override
    public void close() {
      process.destroy();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
