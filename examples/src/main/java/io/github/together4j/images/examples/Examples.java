package io.github.together4j.images.examples;

import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogetherServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where the examples get their client: Together itself when {@code TOGETHER_API_KEY} is set, else
 * the testkit's fake server, started in-process, so every example runs on a fresh machine.
 */
public final class Examples {
  /** Where examples write images unless told otherwise, relative to the working directory. */
  public static final Path DEFAULT_OUTPUT = Path.of("generated-images");

  private Examples() {}

  /**
   * A client and, when no key is set, the fake server behind it; closing closes both.
   *
   * @param client the client to generate with
   * @param fakeServer the embedded server, or null when talking to Together
   */
  public record Session(TogetherImages client, @Nullable FakeTogetherServer fakeServer)
      implements AutoCloseable {
    /**
     * Returns whether the images come from the embedded fake server.
     *
     * @return true without {@code TOGETHER_API_KEY}
     */
    public boolean isFake() {
      return fakeServer != null;
    }

    @Override
    public void close() {
      client.close();
      if (fakeServer != null) {
        fakeServer.close();
      }
    }
  }

  /**
   * Connects as {@link TogetherImages#fromEnv()} does, or, without {@code TOGETHER_API_KEY}, starts
   * the fake server and says so in one line on standard error.
   *
   * @return a session to close when done
   */
  public static Session connect() {
    return connect(System::getenv, System.err);
  }

  /** Connects using {@code env} for the environment, reporting the fallback on {@code log}. */
  static Session connect(Function<String, @Nullable String> env, PrintStream log) {
    String key = env.apply(TogetherImages.API_KEY_ENV);
    if (key != null && !key.isBlank()) {
      TogetherImages.Builder builder = TogetherImages.builder().apiKey(key.strip());
      String baseUrl = env.apply(TogetherImages.BASE_URL_ENV);
      if (baseUrl != null && !baseUrl.isBlank()) {
        builder.baseUrl(baseUrl.strip());
      }
      return new Session(builder.build(), null);
    }
    FakeTogetherServer server = FakeTogetherServer.start();
    log.println(
        "No "
            + TogetherImages.API_KEY_ENV
            + " set: using the embedded fake Together server at "
            + server.baseUrl()
            + " (its images are drawn locally, not by a model)");
    return new Session(server.newClient(), server);
  }

  /** Connects with a map for the environment, for tests. */
  static Session connect(Map<String, String> env, PrintStream log) {
    return connect(env::get, log);
  }

  /**
   * Returns {@code args[0]} as a directory, or {@link #DEFAULT_OUTPUT}/{@code name}.
   *
   * @param args the example's command line
   * @param name the example's folder under the default output
   * @return the directory to write to
   */
  public static Path outputDir(String[] args, String name) {
    return args.length > 0 ? Path.of(args[0]) : DEFAULT_OUTPUT.resolve(name);
  }
}
