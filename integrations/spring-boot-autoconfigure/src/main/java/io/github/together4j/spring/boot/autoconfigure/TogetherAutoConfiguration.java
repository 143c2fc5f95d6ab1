package io.github.together4j.spring.boot.autoconfigure;

import io.github.together4j.images.TogetherImages;
import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configures one {@link TogetherImages} client from the {@code together.*} properties ({@link
 * TogetherProperties}), unless the application defines its own. The context closes it.
 *
 * <p>The key comes from {@code together.api-key}, else the {@code TOGETHER_API_KEY} environment
 * variable; the base URL from {@code together.base-url}, else {@code TOGETHER_BASE_URL}. Startup
 * fails, naming the property and the variable, without a key, and with a plain-http base URL to a
 * host that is not loopback.
 */
@AutoConfiguration
@ConditionalOnClass(TogetherImages.class)
@EnableConfigurationProperties(TogetherProperties.class)
public final class TogetherAutoConfiguration {
  /** The API key property. */
  static final String API_KEY = TogetherProperties.PREFIX + ".api-key";

  /** The base URL property. */
  static final String BASE_URL = TogetherProperties.PREFIX + ".base-url";

  /** Creates the configuration; Spring does. */
  public TogetherAutoConfiguration() {}

  /**
   * The client, built from the properties and then the customizers.
   *
   * @param properties the {@code together.*} properties
   * @param environment for the environment variables the properties fall back to
   * @param customizers customizers, in order
   * @return the client; Spring closes it with the context
   */
  @Bean
  @ConditionalOnMissingBean
  public TogetherImages togetherImages(
      TogetherProperties properties,
      Environment environment,
      ObjectProvider<TogetherImagesBuilderCustomizer> customizers) {
    String apiKey =
        firstText(properties.getApiKey(), environment.getProperty(TogetherImages.API_KEY_ENV));
    String baseUrl =
        firstText(properties.getBaseUrl(), environment.getProperty(TogetherImages.BASE_URL_ENV));
    TogetherImages.Builder builder = TogetherImages.builder();
    if (apiKey != null) {
      builder.apiKey(apiKey);
    }
    if (baseUrl != null) {
      builder.baseUrl(baseUrl);
    }
    set("together.default-model", properties.getDefaultModel(), builder::defaultModel);
    set("together.max-retries", properties.getMaxRetries(), builder::maxRetries);
    set("together.connect-timeout", properties.getConnectTimeout(), builder::connectTimeout);
    set("together.read-timeout", properties.getReadTimeout(), builder::readTimeout);
    set("together.call-timeout", properties.getCallTimeout(), builder::callTimeout);
    // A customizer may set the key (from a vault, say): the key is checked after them, by build().
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    try {
      return builder.build();
    } catch (IllegalStateException e) {
      if (apiKey == null && String.valueOf(e.getMessage()).startsWith("apiKey is required")) {
        throw missingKey();
      }
      throw e; // two OkHttps on the classpath: the message names the jars and the fix
    } catch (IllegalArgumentException e) {
      // build() checks the key's characters, then the base URL; neither message holds the key.
      String message = String.valueOf(e.getMessage());
      if (message.startsWith("apiKey")) {
        throw new TogetherPropertyException(
            API_KEY,
            "Invalid " + API_KEY + " (or " + TogetherImages.API_KEY_ENV + "): " + message,
            "Check the key in " + API_KEY + " or " + TogetherImages.API_KEY_ENV + ".");
      }
      throw new TogetherPropertyException(
          BASE_URL,
          "Invalid "
              + BASE_URL
              + " (or "
              + TogetherImages.BASE_URL_ENV
              + ") = "
              + baseUrl
              + ": "
              + message,
          "Use an https:// URL in "
              + BASE_URL
              + ", or leave it unset for "
              + TogetherImages.DEFAULT_BASE_URL
              + "; plain http:// is for loopback hosts only (tests, local fakes).");
    }
  }

  /** No key in the property, the variable or a customizer. */
  private static TogetherPropertyException missingKey() {
    return new TogetherPropertyException(
        API_KEY,
        "No Together API key: set the property "
            + API_KEY
            + " or the environment variable "
            + TogetherImages.API_KEY_ENV
            + ".",
        "Set "
            + API_KEY
            + " (application.properties, --"
            + API_KEY
            + "=…) or export "
            + TogetherImages.API_KEY_ENV
            + "; keys are at https://api.together.ai/settings/api-keys.");
  }

  /** Applies a property that is set, naming it if the builder refuses its value. */
  private static <T> void set(String property, @Nullable T value, Consumer<T> setter) {
    if (value == null) {
      return;
    }
    try {
      setter.accept(value);
    } catch (IllegalArgumentException e) {
      throw new TogetherPropertyException(
          property,
          "Invalid " + property + " = " + display(value) + ": " + e.getMessage(),
          "Change " + property + " to an allowed value, or remove it for the default.");
    }
  }

  private static String display(Object value) {
    return value instanceof Duration duration ? duration.toString() : String.valueOf(value);
  }

  private static @Nullable String firstText(@Nullable String first, @Nullable String second) {
    if (first != null && !first.isBlank()) {
      return first.strip();
    }
    return second != null && !second.isBlank() ? second.strip() : null;
  }
}
