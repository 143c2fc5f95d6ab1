package io.github.together4j.cli;

import io.github.together4j.images.TogetherImages;
import java.io.PrintWriter;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The client a command talks to Together with: configured from {@code TOGETHER_API_KEY} and {@code
 * TOGETHER_BASE_URL}, or, without a key, pointed at the testkit's fake server, started in-process
 * on first use. Closing it stops everything it started, so no thread outlives the command.
 */
final class Connection implements AutoCloseable {
  static final String API_KEY_ENV = TogetherImages.API_KEY_ENV;
  static final String BASE_URL_ENV = TogetherImages.BASE_URL_ENV;

  private final Context context;
  private final Transfers transfers;
  private final OkHttpClient http;
  private @Nullable TogetherImages client;
  private @Nullable AutoCloseable server;
  private @Nullable String serverUrl;

  private Connection(Context context, Transfers transfers, boolean cleartextOnly) {
    this.context = context;
    this.transfers = transfers;
    this.http = transfers.newHttpClient(cleartextOnly);
  }

  /**
   * Reads the configuration; with a key the client is built at once, so a base URL the client
   * refuses (plain http to a remote host, say) fails here, before any file is looked at.
   *
   * @param downloads whether images may come as URLs, which could point anywhere: with a plain http
   *     base URL, the client then still speaks TLS
   * @throws Failure for a configuration that cannot work (exit status 2)
   */
  static Connection configure(Context context, Transfers transfers, boolean downloads) {
    String key = context.variable(API_KEY_ENV);
    String baseUrl = context.variable(BASE_URL_ENV);
    // The embedded server, or an http base URL (loopback only: the client refuses others).
    boolean cleartextOnly =
        key == null
            || (!downloads
                && baseUrl != null
                && baseUrl.regionMatches(true, 0, "http://", 0, "http://".length()));
    Connection connection = new Connection(context, transfers, cleartextOnly);
    if (key == null) {
      return connection;
    }
    try {
      TogetherImages.Builder builder =
          TogetherImages.builder().apiKey(key).okHttpClient(connection.http);
      if (baseUrl != null) {
        builder.baseUrl(baseUrl);
      }
      connection.client = builder.build();
      return connection;
    } catch (IllegalArgumentException | IllegalStateException e) {
      connection.close();
      String message = Text.oneLine(String.valueOf(e.getMessage()));
      String variable = message.startsWith("apiKey") ? API_KEY_ENV : BASE_URL_ENV;
      throw Failure.usage(variable + ": " + message, e);
    }
  }

  /** Whether calls go to the embedded fake server (no {@code TOGETHER_API_KEY}). */
  boolean isFake() {
    return context.variable(API_KEY_ENV) == null;
  }

  /**
   * Returns the client, starting the fake server first when there is no key and saying so in one
   * line on {@code notices} (unless {@code quiet}).
   */
  TogetherImages client(PrintWriter notices, boolean quiet) {
    if (client == null) {
      EmbeddedServer.Started started = EmbeddedServer.start(http);
      server = started.server();
      serverUrl = started.baseUrl();
      client = started.client();
      if (!quiet) {
        notices.println(
            "No "
                + API_KEY_ENV
                + " set: using the embedded fake Together server at "
                + serverUrl
                + " (its images are drawn locally, not by a model)"
                + (context.variable(BASE_URL_ENV) != null
                    ? "; " + BASE_URL_ENV + " is ignored without a key"
                    : ""));
        notices.flush();
      }
    }
    return client;
  }

  /** {@return where calls go, once {@link #client} was called} */
  String baseUrl() {
    return client != null ? client.baseUrl() : String.valueOf(serverUrl);
  }

  /** Closes the client, its HTTP threads and connections, and the fake server if one started. */
  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    Transfers.close(http);
    if (server != null) {
      try {
        server.close();
      } catch (Exception e) {
        // A fake server that fails to stop takes nothing with it: the process is ending.
      }
    }
  }
}
