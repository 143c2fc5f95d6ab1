package io.github.together4j.spring.boot.autoconfigure;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code together.*} properties the {@link io.github.together4j.images.TogetherImages} bean is
 * built from. Unset ones keep the client's defaults.
 */
@ConfigurationProperties(TogetherProperties.PREFIX)
public class TogetherProperties {
  /** The prefix of these properties. */
  public static final String PREFIX = "together";

  /**
   * Together API key. Falls back to the TOGETHER_API_KEY environment variable. Required: startup
   * fails without one.
   */
  private @Nullable String apiKey;

  /**
   * Base URL of the API (default https://api.together.ai/v1/). Falls back to the TOGETHER_BASE_URL
   * environment variable. Plain http is accepted only for loopback hosts (tests, local fakes).
   */
  private @Nullable String baseUrl;

  /** Model used when a request names none (default black-forest-labs/FLUX.1-schnell-Free). */
  private @Nullable String defaultModel;

  /** How many times a failed call is retried (default 2; 0 disables retries). */
  private @Nullable Integer maxRetries;

  /** Timeout for opening a connection (default 10s). */
  private @Nullable Duration connectTimeout;

  /** Timeout between two reads of the response (default 2m). */
  private @Nullable Duration readTimeout;

  /** Timeout for a whole call, retries included (default 5m). */
  private @Nullable Duration callTimeout;

  /** {@return the API key, or null} */
  public @Nullable String getApiKey() {
    return apiKey;
  }

  /**
   * Sets the API key.
   *
   * @param apiKey the key, or null
   */
  public void setApiKey(@Nullable String apiKey) {
    this.apiKey = apiKey;
  }

  /** {@return the base URL, or null for the default} */
  public @Nullable String getBaseUrl() {
    return baseUrl;
  }

  /**
   * Sets the base URL.
   *
   * @param baseUrl the URL, or null for the default
   */
  public void setBaseUrl(@Nullable String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** {@return the default model, or null for the client's} */
  public @Nullable String getDefaultModel() {
    return defaultModel;
  }

  /**
   * Sets the default model.
   *
   * @param defaultModel the model, or null for the client's
   */
  public void setDefaultModel(@Nullable String defaultModel) {
    this.defaultModel = defaultModel;
  }

  /** {@return the retry count, or null for the client's} */
  public @Nullable Integer getMaxRetries() {
    return maxRetries;
  }

  /**
   * Sets how many times a failed call is retried.
   *
   * @param maxRetries 0 or more, or null for the client's
   */
  public void setMaxRetries(@Nullable Integer maxRetries) {
    this.maxRetries = maxRetries;
  }

  /** {@return the connect timeout, or null for the client's} */
  public @Nullable Duration getConnectTimeout() {
    return connectTimeout;
  }

  /**
   * Sets the connect timeout.
   *
   * @param connectTimeout the timeout, or null for the client's
   */
  public void setConnectTimeout(@Nullable Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  /** {@return the read timeout, or null for the client's} */
  public @Nullable Duration getReadTimeout() {
    return readTimeout;
  }

  /**
   * Sets the read timeout.
   *
   * @param readTimeout the timeout, or null for the client's
   */
  public void setReadTimeout(@Nullable Duration readTimeout) {
    this.readTimeout = readTimeout;
  }

  /** {@return the call timeout, or null for the client's} */
  public @Nullable Duration getCallTimeout() {
    return callTimeout;
  }

  /**
   * Sets the call timeout.
   *
   * @param callTimeout the timeout, or null for the client's
   */
  public void setCallTimeout(@Nullable Duration callTimeout) {
    this.callTimeout = callTimeout;
  }

  /** The key is never shown: this goes to logs and actuator endpoints. */
  @Override
  public String toString() {
    return "TogetherProperties{apiKey="
        + (apiKey == null || apiKey.isBlank() ? "(unset)" : "(set)")
        + ", baseUrl="
        + baseUrl
        + ", defaultModel="
        + defaultModel
        + ", maxRetries="
        + maxRetries
        + ", connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + ", callTimeout="
        + callTimeout
        + "}";
  }
}
