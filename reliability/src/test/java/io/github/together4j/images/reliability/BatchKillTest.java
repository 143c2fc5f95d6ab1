package io.github.together4j.images.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.testkit.FakeTogetherServer;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kills a batch (SIGKILL, a real process) at random points, resumes it each time, and checks that
 * every item ends done exactly once, every file whole and matching its SHA-256, and that the server
 * generated at most the items plus those in flight at each kill. Twice: the library's {@code
 * ImageBatch} in a JVM of its own, and the command-line tool, {@code java -jar together4j.jar
 * batch}, as a user runs it.
 */
class BatchKillTest {
  static final int ITEMS = 500;
  static final int CONCURRENCY = 8;
  static final int KILLS = 6;

  /** The runnable jar cli/ packages (the reactor builds it before this module). */
  static final Path CLI_JAR =
      Path.of(System.getProperty("together4j.cli.jar", "../cli/target/together4j.jar"));

  /** What runs the batch in the child process. */
  enum Front {
    /** {@link BatchChild}: {@code ImageBatch} with a client built from the arguments. */
    LIBRARY {
      @Override
      List<String> command(Path input, Path out) {
        String classPath =
            System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(
            JAVA,
            "-Xshare:auto",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            classPath,
            BatchChild.class.getName(),
            input.toString(),
            out.toString(),
            server.baseUrl(),
            server.apiKey(),
            Integer.toString(CONCURRENCY));
      }
    },
    /** {@code together4j batch}, the key and base URL from the environment. */
    CLI {
      @Override
      List<String> command(Path input, Path out) {
        assertThat(CLI_JAR).as("the cli's jar: build it with ./mvnw -pl cli -am package").exists();
        return List.of(
            JAVA,
            "-jar",
            CLI_JAR.toString(),
            "batch",
            input.toString(),
            "--out",
            out.toString(),
            "--concurrency",
            Integer.toString(CONCURRENCY),
            "--size",
            "16x16",
            "--json");
      }
    };

    abstract List<String> command(Path input, Path out);
  }

  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  static FakeTogetherServer server;

  @TempDir Path temp;

  @BeforeAll
  static void startServer() {
    server =
        FakeTogetherServer.builder()
            .fixedImage(tinyPng())
            .generationLatency(Duration.ofMillis(20), Duration.ofMillis(120))
            .start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @ParameterizedTest
  @EnumSource(Front.class)
  void killedAtRandomPointsAndResumedEachItemIsDoneExactlyOnce(Front front) throws Exception {
    server.reset();
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path input = temp.resolve("prompts.txt");
    Files.write(
        input, IntStream.rangeClosed(1, ITEMS).mapToObj(i -> "prompt number " + i).toList());
    Path out = temp.resolve("out");
    List<String> stats = new ArrayList<>();
    int inFlightAtKills = 0;
    int recorded = 0;
    for (int kill = 1; kill <= KILLS; kill++) {
      int requestsBefore = server.requestCount();
      Child child = Child.start(front.command(input, out));
      // Somewhere in the run: once this child has sent a request, after a random delay.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (server.requestCount() == requestsBefore) {
        assertThat(child.process.isAlive() && System.nanoTime() < deadline)
            .as("child %d sent no request: %s", kill, child.output())
            .isTrue();
        Thread.sleep(5);
      }
      Thread.sleep(random.nextInt(700));
      child.process.destroyForcibly();
      assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      int sent = server.requestCount() - requestsBefore;
      int nowRecorded = BatchManifests.items(out).size();
      int inFlight = sent - (nowRecorded - recorded);
      recorded = nowRecorded;
      stats.add("kill " + kill + ": " + sent + " sent, " + inFlight + " in flight");
      assertThat(inFlight).as("in flight at kill %d", kill).isBetween(0, CONCURRENCY);
      inFlightAtKills += inFlight;
    }
    Child last = Child.start(front.command(input, out));
    assertThat(last.process.waitFor(120, TimeUnit.SECONDS)).as("the last run ended").isTrue();
    assertThat(last.process.exitValue()).as(last.output()).isZero();

    BatchManifests.assertEachDoneOnce(out, ITEMS);
    assertThat(BatchManifests.runs(out)).hasSize(KILLS + 1);
    int served = server.generationsServed();
    System.out.printf(
        "BatchKillTest %s (seed %d): %s; %d generations served for %d items, %d in flight at"
            + " kills%n",
        front, seed, stats, served, ITEMS, inFlightAtKills);
    assertThat(recorded).as("the kills landed before the end").isLessThan(ITEMS);
    assertThat(served).isBetween(ITEMS, ITEMS + inFlightAtKills);
  }

  /** A batch in a child process, its output (stdout and stderr) collected. */
  record Child(Process process, StringBuffer lines) {
    static Child start(List<String> command) throws IOException {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().keySet().removeIf(name -> name.startsWith("TOGETHER_"));
      builder.environment().put("TOGETHER_API_KEY", server.apiKey());
      builder.environment().put("TOGETHER_BASE_URL", server.baseUrl());
      Process process = builder.start();
      StringBuffer lines = new StringBuffer();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                  for (String line; (line = in.readLine()) != null; ) {
                    lines.append(line).append('\n');
                  }
                } catch (IOException e) {
                  // The child was killed.
                }
              });
      reader.setDaemon(true);
      reader.start();
      return new Child(process, lines);
    }

    /** What the child has printed so far. */
    String output() {
      return lines.toString();
    }
  }

  static byte[] tinyPng() {
    BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    image.setRGB(3, 3, 0xff8800);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
