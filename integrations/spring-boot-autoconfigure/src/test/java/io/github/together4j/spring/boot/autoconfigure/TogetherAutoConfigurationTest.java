package io.github.together4j.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.ApiTimeoutException;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogether;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.RecordedImageRequest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The TogetherImages bean: every together.* property, the environment fallbacks, the failures. */
@FakeTogether
class TogetherAutoConfigurationTest {
  private static final String KEY = FakeTogetherServer.DEFAULT_API_KEY;

  /** A runner whose environment variables are exactly {@code env}, not the machine's. */
  static ApplicationContextRunner runner(Map<String, Object> env) {
    return new ApplicationContextRunner()
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            new HashMap<>(env))))
        .withConfiguration(
            AutoConfigurations.of(
                TogetherAutoConfiguration.class, TogetherImageModelAutoConfiguration.class));
  }

  static ApplicationContextRunner runner() {
    return runner(Map.of());
  }

  static TogetherPropertyException startupFailure(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    Throwable failure = context.getStartupFailure();
    while (failure != null && !(failure instanceof TogetherPropertyException)) {
      failure = failure.getCause();
    }
    assertThat(failure)
        .as("a TogetherPropertyException in %s", context.getStartupFailure())
        .isNotNull();
    return (TogetherPropertyException) failure;
  }

  @Test
  void clientIsBuiltFromTheProperties(FakeTogetherServer server) {
    runner()
        .withPropertyValues(
            "together.api-key=" + KEY,
            "together.base-url=" + server.baseUrl(),
            "together.default-model=black-forest-labs/FLUX.1-dev",
            "together.max-retries=0")
        .run(
            context -> {
              assertThat(context).hasSingleBean(TogetherImages.class);
              TogetherImages client = context.getBean(TogetherImages.class);
              assertThat(client.baseUrl()).isEqualTo(server.baseUrl());
              assertThat(client.defaultModel()).isEqualTo("black-forest-labs/FLUX.1-dev");
              assertThat(client.toString()).contains("maxRetries=0");

              client.generate("a lighthouse");

              RecordedImageRequest request = server.takeRequest();
              assertThat(request.authorized()).isTrue();
              assertThat(request.field("model")).isEqualTo("black-forest-labs/FLUX.1-dev");
            });
  }

  @Test
  void keyAndBaseUrlFallBackToTheEnvironmentVariables(FakeTogetherServer server) {
    runner(Map.of("TOGETHER_API_KEY", KEY, "TOGETHER_BASE_URL", server.baseUrl()))
        .run(context -> assertSendsAuthorizedTo(server, context));
  }

  @Test
  void propertiesWinOverTheEnvironmentVariables(FakeTogetherServer server) {
    runner(
            Map.of(
                "TOGETHER_API_KEY",
                "wrong-test-key",
                "TOGETHER_BASE_URL",
                "https://example.com/v1"))
        .withPropertyValues("together.api-key=" + KEY, "together.base-url=" + server.baseUrl())
        .run(context -> assertSendsAuthorizedTo(server, context));
  }

  /** The context's client sends to {@code server} with the key it accepts. */
  private static void assertSendsAuthorizedTo(
      FakeTogetherServer server, AssertableApplicationContext context) {
    TogetherImages client = context.getBean(TogetherImages.class);
    assertThat(client.baseUrl()).isEqualTo(server.baseUrl());
    client.generate("a lighthouse");
    assertThat(server.takeRequest().authorized()).isTrue();
  }

  @Test
  void noKeyFailsStartupNamingThePropertyAndTheVariable() {
    runner()
        .run(
            context -> {
              TogetherPropertyException failure = startupFailure(context);
              assertThat(failure.property()).isEqualTo("together.api-key");
              assertThat(failure)
                  .hasMessage(
                      "No Together API key: set the property together.api-key or the environment"
                          + " variable TOGETHER_API_KEY.");
            });
  }

  @Test
  void blankKeyIsNoKey() {
    runner(Map.of("TOGETHER_API_KEY", " "))
        .withPropertyValues("together.api-key=")
        .run(
            context ->
                assertThat(startupFailure(context).property()).isEqualTo("together.api-key"));
  }

  @Test
  void keyThatCannotBeSentFailsStartupWithoutShowingIt() {
    String key = "fake key with spaces";
    runner()
        .withPropertyValues("together.api-key=" + key)
        .run(
            context -> {
              TogetherPropertyException failure = startupFailure(context);
              assertThat(failure.property()).isEqualTo("together.api-key");
              assertThat(failure.getMessage()).contains("together.api-key").doesNotContain(key);
              for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(key);
              }
            });
  }

  @Test
  void plainHttpToARemoteHostFailsStartupNamingTheBaseUrlProperty() {
    runner()
        .withPropertyValues("together.api-key=" + KEY, "together.base-url=http://example.com/v1")
        .run(
            context -> {
              TogetherPropertyException failure = startupFailure(context);
              assertThat(failure.property()).isEqualTo("together.base-url");
              assertThat(failure.getMessage())
                  .startsWith(
                      "Invalid together.base-url (or TOGETHER_BASE_URL) = http://example.com/v1")
                  .contains("plain http")
                  .doesNotContain(KEY);
              assertThat(failure.action()).contains("https://");
            });
  }

  @Test
  void plainHttpToARemoteHostFromTheVariableFailsTheSameWay() {
    runner(Map.of("TOGETHER_BASE_URL", "http://example.com/v1"))
        .withPropertyValues("together.api-key=" + KEY)
        .run(
            context ->
                assertThat(startupFailure(context).property()).isEqualTo("together.base-url"));
  }

  @Test
  void httpsRemoteBaseUrlIsAcceptedWithoutAnyCall() {
    runner()
        .withPropertyValues("together.api-key=" + KEY, "together.base-url=https://example.com/v1")
        .run(
            context ->
                assertThat(context.getBean(TogetherImages.class).baseUrl())
                    .isEqualTo("https://example.com/v1/"));
  }

  @Test
  void invalidMaxRetriesFailsStartupNamingTheProperty() {
    runner()
        .withPropertyValues("together.api-key=" + KEY, "together.max-retries=-1")
        .run(
            context -> {
              TogetherPropertyException failure = startupFailure(context);
              assertThat(failure.property()).isEqualTo("together.max-retries");
              assertThat(failure.getMessage())
                  .startsWith("Invalid together.max-retries = -1: maxRetries");
            });
  }

  @Test
  void readTimeoutIsBoundAndApplied(FakeTogetherServer server) {
    try (FakeTogetherServer slow =
        FakeTogetherServer.builder().generationLatency(java.time.Duration.ofSeconds(3)).start()) {
      runner()
          .withPropertyValues(
              "together.api-key=" + KEY,
              "together.base-url=" + slow.baseUrl(),
              "together.read-timeout=200ms",
              "together.max-retries=0")
          .run(
              context ->
                  assertThatThrownBy(
                          () -> context.getBean(TogetherImages.class).generate("a lighthouse"))
                      .isInstanceOf(ApiTimeoutException.class));
    }
  }

  @Test
  void invalidTimeoutFailsStartupNamingTheProperty() {
    runner()
        .withPropertyValues("together.api-key=" + KEY, "together.call-timeout=-5s")
        .run(
            context ->
                assertThat(startupFailure(context).property()).isEqualTo("together.call-timeout"));
  }

  @Test
  void applicationsOwnClientWinsAndNoKeyIsNeeded(FakeTogetherServer server) {
    runner()
        .withUserConfiguration(OwnClient.class)
        .withPropertyValues("together.base-url=" + server.baseUrl())
        .run(
            context -> {
              assertThat(context).hasSingleBean(TogetherImages.class);
              assertThat(context.getBean(TogetherImages.class))
                  .isSameAs(context.getBean(OwnClient.class).client);
            });
  }

  @Test
  void customizersRunInOrderAfterTheProperties(FakeTogetherServer server) {
    runner()
        .withUserConfiguration(Customizers.class)
        .withPropertyValues("together.api-key=" + KEY, "together.base-url=" + server.baseUrl())
        .run(
            context -> {
              context.getBean(TogetherImages.class).generate("a lighthouse");
              assertThat(server.takeRequest().header("X-Team")).isEqualTo("second");
            });
  }

  @Test
  void keyFromACustomizerIsEnoughWithoutTheProperty(FakeTogetherServer server) {
    runner()
        .withBean(TogetherImagesBuilderCustomizer.class, () -> builder -> builder.apiKey(KEY))
        .withPropertyValues("together.base-url=" + server.baseUrl())
        .run(context -> assertSendsAuthorizedTo(server, context));
  }

  @Test
  void clientIsClosedWithTheContext(FakeTogetherServer server) {
    TogetherImages[] client = new TogetherImages[1];
    runner()
        .withPropertyValues("together.api-key=" + KEY, "together.base-url=" + server.baseUrl())
        .run(context -> client[0] = context.getBean(TogetherImages.class));

    assertThatThrownBy(() -> client[0].generate("a lighthouse"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("client is closed");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void propertiesNeverShowTheKey() {
    runner()
        .withPropertyValues("together.api-key=" + KEY)
        .run(
            context ->
                assertThat(context.getBean(TogetherProperties.class).toString())
                    .contains("apiKey=(set)")
                    .doesNotContain(KEY));
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnClient {
    final TogetherImages client =
        TogetherImages.builder().apiKey(KEY).baseUrl("https://example.com/v1").build();

    @Bean
    TogetherImages myClient() {
      return client;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Customizers {
    @Bean
    @Order(2)
    TogetherImagesBuilderCustomizer second() {
      return builder -> builder.addHeader("X-Team", "second");
    }

    @Bean
    @Order(1)
    TogetherImagesBuilderCustomizer first() {
      return builder -> builder.addHeader("X-Team", "first");
    }
  }
}
