/**
 * Together AI's image models as a Spring AI {@link org.springframework.ai.image.ImageModel}.
 *
 * <pre>{@code
 * TogetherImages client = TogetherImages.fromEnv();                 // TOGETHER_API_KEY
 * ImageModel model = TogetherImageModel.builder().togetherImages(client).build();
 * ImageResponse response =
 *     model.call(new ImagePrompt("A watercolor sunflower field",
 *         TogetherImageOptions.builder().steps(4).responseFormat("b64_json").build()));
 * String base64 = response.getResult().getOutput().getB64Json();
 * }</pre>
 *
 * <p>Spring Boot users get the model as a bean from {@code together4j-spring-boot-starter}.
 * Everything in this package is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package io.github.together4j.spring.ai;

import org.jspecify.annotations.NullMarked;
