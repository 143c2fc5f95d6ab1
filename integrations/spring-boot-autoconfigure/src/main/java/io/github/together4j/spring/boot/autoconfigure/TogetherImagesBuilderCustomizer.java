package io.github.together4j.spring.boot.autoconfigure;

import io.github.together4j.images.TogetherImages;

/**
 * Adjusts the builder of the auto-configured {@link TogetherImages} after the {@code together.*}
 * properties are applied: headers, an {@code OkHttpClient} to share, limits, or the key itself
 * (from a secret store: the startup check for a key runs after the customizers). Declare one or
 * more as beans; they run in {@link org.springframework.core.annotation.Order} order.
 *
 * <pre>{@code
 * @Bean
 * TogetherImagesBuilderCustomizer traceHeader() {
 *   return builder -> builder.addHeader("X-Team", "posters");
 * }
 * }</pre>
 */
@FunctionalInterface
public interface TogetherImagesBuilderCustomizer {
  /**
   * Customizes the builder.
   *
   * @param builder the builder, with the properties applied
   */
  void customize(TogetherImages.Builder builder);
}
