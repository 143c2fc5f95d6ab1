package io.github.together4j.images.testkit;

import io.github.together4j.images.testkit.internal.FakeTogetherExtension;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a {@link FakeTogetherServer} for a JUnit 5 test class and injects it, and a {@link
 * io.github.together4j.images.TogetherImages} client pointed at it, into test methods.
 *
 * <pre>{@code
 * @FakeTogether
 * class ThumbnailServiceTest {
 *   @Test
 *   void savesOneThumbnailPerPrompt(TogetherImages client, FakeTogetherServer server) {
 *     new ThumbnailService(client).render("a red fox", tempDir);
 *     assertThat(server.takeRequest().field("width")).isEqualTo(256.0);
 *   }
 * }
 * }</pre>
 *
 * <p>One server serves the whole class (its nested classes included); before each test its faults,
 * recorded requests and stored images are cleared. Each test method gets its own client, closed
 * after the test; it retries as a default client does.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(FakeTogetherExtension.class)
public @interface FakeTogether {
  /**
   * Returns the API key the server accepts and the injected client sends.
   *
   * @return the key
   */
  String apiKey() default FakeTogetherServer.DEFAULT_API_KEY;
}
