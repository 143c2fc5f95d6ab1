package io.github.together4j.cli;

import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogetherServer;
import okhttp3.OkHttpClient;

/**
 * Starts the testkit's fake server. The only class that names it, so that with a key none of the
 * server's classes (MockWebServer, SnakeYAML, the image renderer) are loaded.
 */
final class EmbeddedServer {
  private EmbeddedServer() {}

  /** A running server and a client pointed at it. */
  record Started(AutoCloseable server, TogetherImages client, String baseUrl) {}

  static Started start(OkHttpClient http) {
    FakeTogetherServer server = FakeTogetherServer.start();
    try {
      return new Started(
          server, server.clientBuilder().okHttpClient(http).build(), server.baseUrl());
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }
}
