/**
 * Spring Boot auto-configuration for together4j: a {@link
 * io.github.together4j.images.TogetherImages} bean from {@code together.*} properties and, with
 * Spring AI on the classpath, a {@link io.github.together4j.spring.ai.TogetherImageModel} from
 * {@code spring.ai.together.image.*}.
 *
 * <pre>{@code
 * # application.properties (or TOGETHER_API_KEY in the environment)
 * together.api-key=${TOGETHER_API_KEY}
 * spring.ai.together.image.options.model=black-forest-labs/FLUX.1-schnell
 * }</pre>
 *
 * <p>Depend on {@code together4j-spring-boot-starter}, which brings this module, the client and the
 * Spring AI model. Everything in this package is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package io.github.together4j.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
