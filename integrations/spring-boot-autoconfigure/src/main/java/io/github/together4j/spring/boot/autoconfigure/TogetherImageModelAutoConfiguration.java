package io.github.together4j.spring.boot.autoconfigure;

import io.github.together4j.images.TogetherImages;
import io.github.together4j.spring.ai.TogetherImageModel;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.ai.image.ImageModel;
import org.springframework.ai.image.observation.ImageModelObservationConvention;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures a Spring AI {@link ImageModel}, a {@link TogetherImageModel} over the {@link
 * TogetherImages} bean, with {@code spring.ai.together.image.options.*} as its default options.
 *
 * <p>Selected the Spring AI way: on when {@value #IMAGE_MODEL_PROPERTY} is {@value #PROVIDER} or
 * unset (so on by default; with a second image provider on the classpath, set the property to
 * choose one), off for any other value. Needs Spring AI and {@code together4j-spring-ai} on the
 * classpath; an application's own {@code TogetherImageModel} bean wins.
 */
@AutoConfiguration(after = TogetherAutoConfiguration.class)
@ConditionalOnClass({ImageModel.class, TogetherImageModel.class})
@ConditionalOnProperty(
    name = TogetherImageModelAutoConfiguration.IMAGE_MODEL_PROPERTY,
    havingValue = TogetherImageModelAutoConfiguration.PROVIDER,
    matchIfMissing = true)
@EnableConfigurationProperties(TogetherImageProperties.class)
public final class TogetherImageModelAutoConfiguration {
  /**
   * Spring AI's property choosing the image model ({@code SpringAIModelProperties.IMAGE_MODEL}).
   */
  public static final String IMAGE_MODEL_PROPERTY = "spring.ai.model.image";

  /** The value of {@value #IMAGE_MODEL_PROPERTY} that selects Together. */
  public static final String PROVIDER = "together";

  /** Creates the configuration; Spring does. */
  public TogetherImageModelAutoConfiguration() {}

  /**
   * The image model.
   *
   * @param client the client that sends the requests
   * @param properties the default options
   * @param observationRegistry where observations go, if the application has a registry
   * @param observationConvention a convention of the application's, if any
   * @return the model
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(TogetherImages.class)
  public TogetherImageModel togetherImageModel(
      TogetherImages client,
      TogetherImageProperties properties,
      ObjectProvider<ObservationRegistry> observationRegistry,
      ObjectProvider<ImageModelObservationConvention> observationConvention) {
    String prefix = TogetherImageProperties.PREFIX + ".options";
    try {
      return TogetherImageModel.builder()
          .togetherImages(client)
          .defaultOptions(properties.getOptions().toOptions())
          .observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP))
          .observationConvention(observationConvention.getIfUnique())
          .build();
    } catch (IllegalArgumentException e) {
      throw new TogetherPropertyException(
          prefix,
          "Invalid " + prefix + ": " + e.getMessage(),
          "Change the option under "
              + prefix
              + ".* to an allowed value, or remove it for the default.");
    }
  }
}
