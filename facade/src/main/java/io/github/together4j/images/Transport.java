package io.github.together4j.images;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.OkHttpClient;

/**
 * The OkHttp clients one {@link TogetherImages} sends with, and their shutdown: {@link #api} for
 * API calls (through {@link ApiInterceptor}, which adds the key) and {@link #downloads} for url
 * results (no interceptor, so the key never leaves). Both share one connection pool and dispatcher:
 * the caller's, which stays the caller's to close, or our own.
 */
final class Transport {
  static final String VERSION = readVersion();
  static final String USER_AGENT =
      "together4j/" + VERSION + " Java/" + System.getProperty("java.version");

  /**
   * The client before our interceptor and timeouts: the pools and threads derived clients share.
   */
  final OkHttpClient shared;

  final OkHttpClient api;
  final OkHttpClient downloads;
  private final boolean owned;
  private final AtomicBoolean closed = new AtomicBoolean();

  Transport(ClientSettings settings) {
    this.owned = settings.okHttpClient() == null;
    this.shared = owned ? new OkHttpClient() : settings.okHttpClient();
    this.downloads =
        shared
            .newBuilder()
            .connectTimeout(settings.connectTimeout())
            .readTimeout(settings.readTimeout())
            .callTimeout(settings.callTimeout())
            .build();
    this.api =
        downloads
            .newBuilder()
            .writeTimeout(settings.readTimeout())
            // Only RetryPolicy repeats a generation (each one is billed): left on, OkHttp sends a
            // request again by itself after a 408, or when a pooled connection fails once the
            // request is sent, which neither maxRetries nor attempts() would count. Failing to
            // connect to one of a host's addresses still falls back to the next.
            .retryOnConnectionFailure(false)
            .addInterceptor(
                new ApiInterceptor(
                    settings.baseUrl(),
                    settings.apiKey(),
                    USER_AGENT,
                    settings.headers(),
                    settings.maxResponseBytes(),
                    settings.logRequests(),
                    settings.logResponses()))
            .addNetworkInterceptor(ApiInterceptor.NO_SILENT_RETRY_ON_503)
            .build();
  }

  /**
   * @throws IllegalStateException if {@link #close()} was called
   */
  void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("client is closed");
    }
  }

  /** Whether a retry may still be sent: not once our own threads are shut down. */
  boolean canSend() {
    return !(closed.get() && owned);
  }

  /** Shuts down the threads and pooled connections we own; a caller's client is left alone. */
  void close() {
    if (closed.compareAndSet(false, true) && owned) {
      api.dispatcher().executorService().shutdown();
      api.connectionPool().evictAll();
    }
  }

  /** After close(), a call that just ended hands back a connection nobody will use: close it. */
  void releaseIfClosed() {
    if (closed.get() && owned) {
      api.connectionPool().evictAll();
    }
  }

  private static String readVersion() {
    Properties properties = new Properties();
    try (InputStream in = Transport.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // Fall through to "unknown".
    }
    return properties.getProperty("version", "unknown");
  }
}
