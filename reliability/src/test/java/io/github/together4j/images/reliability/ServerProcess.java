package io.github.together4j.images.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.Fault;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link FakeTogetherServer} in a JVM of its own, so that the threads, file descriptors and heap
 * of the JVM under test are the client's alone: an in-process server keeps a thread per connection
 * (idle for a minute after), a socket per connection and every request it recorded.
 *
 * <p>The parent scripts it over the child's stdin, one command per line, each answered by one line
 * on its stdout: {@code fail-every EVERY COUNT} (the next COUNT requests: every EVERY-th, the first
 * included, a 500, the others answered normally), {@code delay MILLIS COUNT}, {@code count}. The
 * child exits when its stdin closes, so it never outlives the test JVM.
 */
final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final BufferedReader replies;
  private final Writer commands;
  private final String baseUrl;

  private ServerProcess(Process process) throws IOException {
    this.process = process;
    this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
    this.commands = new OutputStreamWriter(process.getOutputStream(), UTF_8);
    String ready = replies.readLine();
    if (ready == null || !ready.startsWith("READY ")) {
      process.destroyForcibly();
      throw new IllegalStateException("the fake server process did not start: " + ready);
    }
    this.baseUrl = ready.substring("READY ".length());
  }

  /** Starts a server drawing images from prompt and seed. */
  static ServerProcess start() {
    return start(List.of());
  }

  /** Starts a server answering every base64 request with {@code image} (benchmark mode). */
  static ServerProcess startFixed(Path image) {
    return start(List.of(image.toString()));
  }

  private static ServerProcess start(List<String> args) {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-Djava.awt.headless=true",
                "-cp",
                classPath,
                ServerProcess.class.getName()));
    command.addAll(args);
    try {
      Path log =
          Path.of(System.getProperty("basedir", "."), "target", "reliability", "fake-server.log");
      Files.createDirectories(log.getParent());
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      return new ServerProcess(process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake server process", e);
    }
  }

  String baseUrl() {
    return baseUrl;
  }

  /** A client builder pointed at this server with its key. */
  TogetherImages.Builder clientBuilder() {
    return TogetherImages.builder().apiKey(FakeTogetherServer.DEFAULT_API_KEY).baseUrl(baseUrl);
  }

  /** Scripts the next {@code count} requests: every {@code every}-th a 500, from the first. */
  void failEvery(int every, int count) {
    command("fail-every " + every + " " + count);
  }

  /** Delays the answer to each of the next {@code count} requests by {@code delay}. */
  void delay(Duration delay, int count) {
    command("delay " + delay.toMillis() + " " + count);
  }

  /** How many image generation requests the server has received. */
  int requestCount() {
    return Integer.parseInt(command("count"));
  }

  private synchronized String command(String line) {
    try {
      commands.write(line + "\n");
      commands.flush();
      String reply = replies.readLine();
      if (reply == null || !reply.startsWith("OK")) {
        throw new IllegalStateException(
            "the fake server process answered " + line + " with " + reply);
      }
      return reply.substring(2).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("the fake server process is gone", e);
    }
  }

  @Override
  public void close() {
    try {
      commands.close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /**
   * The child: {@code ServerProcess [FIXED_IMAGE_FILE]}; prints {@code READY <base URL>}, then
   * answers commands until stdin closes.
   *
   * @param args an optional image file for benchmark mode
   * @throws IOException if stdin or the image cannot be read
   */
  public static void main(String[] args) throws IOException {
    FakeTogetherServer.Builder builder = FakeTogetherServer.builder();
    if (args.length == 1) {
      builder.fixedImage(Files.readAllBytes(Path.of(args[0])));
    }
    try (FakeTogetherServer server = builder.start()) {
      System.out.println("READY " + server.baseUrl());
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] words = line.strip().split(" ");
        String reply = "OK";
        switch (words[0]) {
          case "fail-every" -> {
            int every = Integer.parseInt(words[1]);
            int count = Integer.parseInt(words[2]);
            for (int k = 0; k < count; k++) {
              server.enqueue(
                  k % every == 0
                      ? Fault.error(500, "server_error", "scripted failure " + k)
                      : Fault.delay(Duration.ZERO));
            }
          }
          case "delay" -> {
            Duration delay = Duration.ofMillis(Long.parseLong(words[1]));
            for (int k = Integer.parseInt(words[2]); k > 0; k--) {
              server.enqueue(Fault.delay(delay));
            }
          }
          case "count" -> reply = "OK " + server.requestCount();
          default -> reply = "ERROR unknown command " + line;
        }
        System.out.println(reply);
        System.out.flush();
      }
    }
  }
}
