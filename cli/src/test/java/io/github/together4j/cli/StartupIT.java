package io.github.together4j.cli;

import static io.github.together4j.cli.Processes.median;
import static io.github.together4j.cli.Processes.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.github.together4j.cli.Processes.Result;
import io.github.together4j.images.testkit.FakeTogetherServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures, never judges: the cold start of the tool, from starting the process to its first image
 * on disk, against a running fake server, with {@code java -jar} (no AppCDS) and with
 * bin/together4j (the AppCDS archive built at package time), runs interleaved so that a busy
 * machine slows both alike. Runs only when asked:
 *
 * <pre>
 * ./mvnw -pl cli -am verify -Dit.test=StartupIT -Dtogether4j.startup.runs=10
 * </pre>
 *
 * The medians are printed and written to cli/target/startup.txt.
 */
class StartupIT {
  @TempDir Path dir;

  private int count;

  @Test
  void coldStartToTheFirstImage() throws Exception {
    int runs = Integer.getInteger("together4j.startup.runs", 0);
    assumeThat(runs).as("-Dtogether4j.startup.runs=N asks for N runs of each").isPositive();
    Map<String, Function<String[], List<String>>> variants = new LinkedHashMap<>();
    variants.put("java -jar (no AppCDS)", Processes::jar);
    variants.put("bin/together4j (AppCDS)", Processes::launcher);
    Map<String, List<Double>> millis = new LinkedHashMap<>();
    try (FakeTogetherServer server = FakeTogetherServer.start()) {
      Map<String, String> env =
          Map.of("TOGETHER_API_KEY", server.apiKey(), "TOGETHER_BASE_URL", server.baseUrl());
      // One run each, not counted: the server's own first drawing, and the disk cache.
      for (var variant : variants.entrySet()) {
        firstImage(variant.getValue(), env);
      }
      for (int i = 0; i < runs; i++) {
        for (var variant : variants.entrySet()) {
          millis
              .computeIfAbsent(variant.getKey(), k -> new ArrayList<>())
              .add(firstImage(variant.getValue(), env));
        }
      }
    }
    StringBuilder report = new StringBuilder();
    millis.forEach(
        (variant, values) ->
            report.append(
                String.format(
                    Locale.ROOT,
                    "cold start to the first image, %s: median %.0f ms of %d %s%n",
                    variant,
                    median(values),
                    values.size(),
                    values.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList())));
    System.out.print(report);
    Files.writeString(
        Processes.JAR.resolveSibling("startup.txt"), report.toString(), StandardCharsets.UTF_8);
  }

  private double firstImage(Function<String[], List<String>> command, Map<String, String> env)
      throws Exception {
    Path out = dir.resolve("run-" + ++count);
    Result result =
        run(
            command.apply(
                new String[] {
                  "generate",
                  "a lighthouse at dusk",
                  "--size",
                  "256x256",
                  "-q",
                  "--out",
                  out.toString()
                }),
            dir,
            env,
            out.resolve("a_lighthouse_at_dusk_0.jpg"));
    assertThat(result.status()).as(result.toString()).isZero();
    return result.fileAfterStartMillis();
  }
}
