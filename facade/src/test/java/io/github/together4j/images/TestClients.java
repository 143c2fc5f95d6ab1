package io.github.together4j.images;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Clients for the facade's tests, the one factory they share: each against a MockWebServer's {@code
 * /v1/} with {@link TestApi#API_KEY}, its retries recorded instead of slept (async retries run at
 * once), and closed after the test. Register with {@code @RegisterExtension}.
 */
final class TestClients implements AfterEachCallback {
  /** Every wait a client asked for, through the sleeper (sync) or the scheduler (async). */
  final List<Duration> delays = new CopyOnWriteArrayList<>();

  private final List<TogetherImages> clients = new CopyOnWriteArrayList<>();

  /** A client for {@code server} that retries {@code maxRetries} times, full jitter at 0. */
  TogetherImages client(MockWebServer server, int maxRetries) {
    return track(builder(server, maxRetries).build());
  }

  /** The builder behind {@link #client}, for tests that set more. */
  TogetherImages.Builder builder(MockWebServer server, int maxRetries) {
    return builder(server.url("/v1/").toString(), maxRetries);
  }

  TogetherImages.Builder builder(String baseUrl, int maxRetries) {
    return builder(baseUrl, recording(maxRetries, () -> 0.0, Clock.systemUTC()));
  }

  TogetherImages.Builder builder(String baseUrl, RetryPolicy retries) {
    return TogetherImages.builder().apiKey(TestApi.API_KEY).baseUrl(baseUrl).retryPolicy(retries);
  }

  /** Retries that add each wait to {@link #delays} and do not wait. */
  RetryPolicy recording(int maxRetries, DoubleSupplier random, Clock clock) {
    return new RetryPolicy(
        maxRetries,
        delays::add,
        (delay, task) -> {
          delays.add(delay);
          task.run();
        },
        random,
        clock);
  }

  /** Closes {@code client} after the test. */
  TogetherImages track(TogetherImages client) {
    clients.add(client);
    return client;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    clients.forEach(TogetherImages::close);
    clients.clear();
    delays.clear();
  }
}
