package io.github.together4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs the tool in-process, as {@code Main} does, with captured output. */
final class Runs {
  private Runs() {}

  /** What one run printed and returned. */
  record Run(int status, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }

    List<String> outLines() {
      return out.lines().toList();
    }

    @Override
    public String toString() {
      return "status " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  static Run run(Context context, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Together4j.commandLine(context);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int status = commandLine.execute(args);
    commandLine.getOut().flush();
    commandLine.getErr().flush();
    return new Run(status, out.toString(), err.toString());
  }

  /** Without a key: the embedded fake server. */
  static Run run(String... args) {
    return run(Context.of(Map.of()), args);
  }

  /** The environment that points the tool at {@code baseUrl} with {@code key}. */
  static Map<String, String> env(String key, String baseUrl) {
    return Map.of("TOGETHER_API_KEY", key, "TOGETHER_BASE_URL", baseUrl);
  }

  /** {@code text} parsed as one JSON object; numbers as Double. */
  static Map<String, Object> json(String text) throws java.io.IOException {
    return new com.squareup.moshi.Moshi.Builder()
        .build()
        .<Map<String, Object>>adapter(
            com.squareup.moshi.Types.newParameterizedType(Map.class, String.class, Object.class))
        .fromJson(text);
  }

  /** {@code text} parsed as one JSON array. */
  static List<Object> jsonArray(String text) throws java.io.IOException {
    return new com.squareup.moshi.Moshi.Builder()
        .build()
        .<List<Object>>adapter(
            com.squareup.moshi.Types.newParameterizedType(List.class, Object.class))
        .fromJson(text);
  }

  static void assertNothingIn(Path dir) throws java.io.IOException {
    if (java.nio.file.Files.exists(dir)) {
      try (var files = java.nio.file.Files.list(dir)) {
        assertThat(files).as("files in %s", dir).isEmpty();
      }
    }
  }
}
