/**
 * Together AI's image models as a LangChain4j {@link dev.langchain4j.model.image.ImageModel}.
 *
 * <pre>{@code
 * ImageModel model = TogetherImageModel.builder()
 *     .apiKey(System.getenv("TOGETHER_API_KEY"))
 *     .modelName("black-forest-labs/FLUX.1-schnell")
 *     .build();
 * Image image = model.generate("a red fox in the snow").content();
 * }</pre>
 *
 * <p>Everything is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package io.github.together4j.langchain4j;

import org.jspecify.annotations.NullMarked;
