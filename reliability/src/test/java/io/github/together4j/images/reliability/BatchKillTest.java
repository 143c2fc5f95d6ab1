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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a batch (SIGKILL, a real child JVM) at random points, resumes it each time, and checks that
 * every item ends done exactly once, every file whole and matching its SHA-256, and that the server
 * generated at most the items plus those in flight at each kill.
 */
class BatchKillTest {
  static final int ITEMS = 500;
  static final int CONCURRENCY = 8;
  static final int KILLS = 6;

  @TempDir Path temp;

  @Test
  void killedAtRandomPointsAndResumedEachItemIsDoneExactlyOnce() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path input = temp.resolve("prompts.txt");
    Files.write(
        input, IntStream.rangeClosed(1, ITEMS).mapToObj(i -> "prompt number " + i).toList());
    Path out = temp.resolve("out");
    try (FakeTogetherServer server =
        FakeTogetherServer.builder()
            .fixedImage(tinyPng())
            .generationLatency(Duration.ofMillis(20), Duration.ofMillis(120))
            .start()) {
      List<String> stats = new ArrayList<>();
      int inFlightAtKills = 0;
      int recorded = 0;
      for (int kill = 1; kill <= KILLS; kill++) {
        int requestsBefore = server.requestCount();
        Child child = Child.start(input, out, server);
        child.awaitLine("STARTED");
        // Somewhere in the run: once this child has sent a request, after a random delay.
        while (server.requestCount() == requestsBefore && child.process.isAlive()) {
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
      Child last = Child.start(input, out, server);
      String summary = last.awaitLine("SUMMARY");
      assertThat(last.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(last.process.exitValue()).as(summary).isZero();

      BatchManifests.assertEachDoneOnce(out, ITEMS);
      assertThat(BatchManifests.runs(out)).hasSize(KILLS + 1);
      int served = server.generationsServed();
      System.out.printf(
          "BatchKillTest (seed %d): %s; %d generations served for %d items, %d in flight at"
              + " kills%n",
          seed, stats, served, ITEMS, inFlightAtKills);
      assertThat(recorded).as("the kills landed before the end").isLessThan(ITEMS);
      assertThat(served).isBetween(ITEMS, ITEMS + inFlightAtKills);
    }
  }

  /** A batch in a child JVM, its output lines queued. */
  record Child(Process process, LinkedBlockingQueue<String> lines) {
    static Child start(Path input, Path out, FakeTogetherServer server) throws IOException {
      String classPath =
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      Process process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xshare:auto",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  classPath,
                  BatchChild.class.getName(),
                  input.toString(),
                  out.toString(),
                  server.baseUrl(),
                  server.apiKey(),
                  Integer.toString(CONCURRENCY))
              .redirectErrorStream(true)
              .start();
      LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                  for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                  }
                } catch (IOException e) {
                  // The child was killed.
                }
              });
      reader.setDaemon(true);
      reader.start();
      return new Child(process, lines);
    }

    String awaitLine(String prefix) throws InterruptedException {
      List<String> seen = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null) {
          if (line.startsWith(prefix)) {
            return line;
          }
          seen.add(line);
        } else if (!process.isAlive() && lines.isEmpty()) {
          break;
        }
      }
      throw new AssertionError("the child printed no " + prefix + " line: " + seen);
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
