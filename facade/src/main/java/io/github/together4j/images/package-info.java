/**
 * A Java client for Together AI's image generation API.
 *
 * <pre>{@code
 * try (TogetherImages client = TogetherImages.fromEnv()) {    // reads TOGETHER_API_KEY
 *   ImageGenerationResult result = client.generate("A watercolor sunflower field");
 *   result.images().get(0).saveTo(Path.of("sunflower"));      // sunflower.jpg or .png
 * }
 * }</pre>
 *
 * <p>Everything in this package is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package io.github.together4j.images;

import org.jspecify.annotations.NullMarked;
