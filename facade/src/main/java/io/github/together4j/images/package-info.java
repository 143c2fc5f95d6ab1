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
 * <p>How a call flows, on every path (sync, async, streaming):
 *
 * <ol>
 *   <li>prompt → {@link ImageGenerationRequest}, validated, with the client's defaults;
 *   <li>request → the HTTP request the generated {@code ImagesApi} describes;
 *   <li>HTTP → {@code ApiCall} sends it through OkHttp ({@code ApiInterceptor} adds the key, logs,
 *       limits the body); {@code Retrier} repeats failed attempts as {@code RetryPolicy} says;
 *   <li>response → a 2xx body read by the path's reader, with status and headers in hand; any other
 *       status → {@code ErrorMapper}'s one table of {@link TogetherException}s;
 *   <li>image → {@link GeneratedImage} (base64 decoded, or a url that {@code Downloader} fetches);
 *   <li>file → written to a hidden temporary file, then moved into place.
 * </ol>
 *
 * <p>Everything in this package is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package io.github.together4j.images;

import org.jspecify.annotations.NullMarked;
