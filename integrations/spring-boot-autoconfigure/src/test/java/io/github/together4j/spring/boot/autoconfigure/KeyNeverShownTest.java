package io.github.together4j.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.together4j.images.testkit.FakeTogetherServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.image.ImageModel;
import org.springframework.ai.image.ImagePrompt;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A real application with every logger at DEBUG, a refused key and an accepted one: the keys appear
 * nowhere in the output, the exceptions or the beans' toString().
 */
@ExtendWith(OutputCaptureExtension.class)
class KeyNeverShownTest {
  private static final String RIGHT = "not_a_key_SPRINGCANARY0123456789abcdef";
  private static final String WRONG = "not_a_key_WRONGSPRINGCANARY987654321fedc";

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {}

  private static ConfigurableApplicationContext start(FakeTogetherServer server, String key) {
    return new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE)
        .properties(
            "logging.level.root=debug",
            "together.api-key=" + key,
            "together.base-url=" + server.baseUrl(),
            "together.max-retries=0")
        .run();
  }

  @Test
  void keysAppearInNoLogExceptionOrToString(CapturedOutput output) {
    StringBuilder seen = new StringBuilder();
    try (FakeTogetherServer server = FakeTogetherServer.builder().apiKey(RIGHT).start()) {
      try (ConfigurableApplicationContext context = start(server, WRONG)) {
        Throwable refused =
            catchThrowable(() -> context.getBean(ImageModel.class).call(new ImagePrompt("a fox")));
        assertThat(refused).isNotNull();
        for (Throwable t = refused; t != null; t = t.getCause()) {
          seen.append(t).append('\n');
        }
        seen.append(context.getBean(TogetherProperties.class)).append('\n');
        seen.append(context.getBean(ImageModel.class)).append('\n');
      }
      try (ConfigurableApplicationContext context = start(server, RIGHT)) {
        seen.append(context.getBean(ImageModel.class).call(new ImagePrompt("a fox"))).append('\n');
      }
      assertThat(server.requestCount()).isEqualTo(2);
    }

    assertThat(output.getAll()).contains("DEBUG").doesNotContain(RIGHT, WRONG);
    assertThat(seen.toString()).contains("AuthenticationException").doesNotContain(RIGHT, WRONG);
  }
}
