package io.github.together4j.images;

import java.time.Duration;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * What {@link TogetherImages.Builder#build()} checked, frozen: the client runs on it and {@link
 * TogetherImages#newBuilder()} starts from it.
 */
record ClientSettings(
    String apiKey,
    HttpUrl baseUrl,
    String defaultModel,
    int maxRetries,
    @Nullable RetryPolicy retryPolicy,
    Duration connectTimeout,
    Duration readTimeout,
    Duration callTimeout,
    @Nullable OkHttpClient okHttpClient,
    Headers headers,
    long maxDownloadBytes,
    long maxResponseBytes,
    boolean logRequests,
    boolean logResponses) {

  RetryPolicy retries() {
    return retryPolicy != null ? retryPolicy : RetryPolicy.standard(maxRetries);
  }

  /** Never the key: a record's own {@code toString()} would print every component. */
  @Override
  public String toString() {
    return "{baseUrl="
        + baseUrl
        + ", defaultModel="
        + defaultModel
        + ", maxRetries="
        + retries().maxRetries
        + ", apiKey=██}";
  }
}
