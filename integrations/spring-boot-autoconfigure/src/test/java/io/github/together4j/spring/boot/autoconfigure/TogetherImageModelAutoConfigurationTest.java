package io.github.together4j.spring.boot.autoconfigure;

import static io.github.together4j.spring.boot.autoconfigure.TogetherAutoConfigurationTest.runner;
import static io.github.together4j.spring.boot.autoconfigure.TogetherAutoConfigurationTest.startupFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogether;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.RecordedImageRequest;
import io.github.together4j.spring.ai.TogetherImageModel;
import io.github.together4j.spring.ai.TogetherImageOptions;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;
import org.springframework.ai.image.ImageModel;
import org.springframework.ai.image.ImagePrompt;
import org.springframework.ai.image.ImageResponse;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The ImageModel bean: its conditions, its options, and that it sends through the client bean. */
@FakeTogether
class TogetherImageModelAutoConfigurationTest {
  private static final String KEY = FakeTogetherServer.DEFAULT_API_KEY;

  private static ApplicationContextRunner withClient(FakeTogetherServer server) {
    return runner()
        .withPropertyValues("together.api-key=" + KEY, "together.base-url=" + server.baseUrl());
  }

  @Test
  void imageModelIsOnByDefaultAndSendsThroughTheClientBean(FakeTogetherServer server) {
    withClient(server)
        .run(
            context -> {
              assertThat(context).hasSingleBean(ImageModel.class);
              ImageModel model = context.getBean(ImageModel.class);
              assertThat(model).isInstanceOf(TogetherImageModel.class);

              ImageResponse response = model.call(new ImagePrompt("a lighthouse"));

              assertThat(response.getResults()).hasSize(1);
              assertThat(server.takeRequest().field("model"))
                  .isEqualTo(context.getBean(TogetherImages.class).defaultModel());
            });
  }

  @Test
  void everyOptionPropertyIsBoundAsADefaultOption(FakeTogetherServer server) {
    String prefix = "spring.ai.together.image.options.";
    withClient(server)
        .withPropertyValues(
            prefix + "model=black-forest-labs/FLUX.1-schnell",
            prefix + "n=2",
            prefix + "width=512",
            prefix + "height=256",
            prefix + "response-format=b64_json",
            prefix + "steps=4",
            prefix + "seed=42",
            prefix + "negative-prompt=blur",
            prefix + "guidance-scale=3.5",
            prefix + "output-format=png",
            prefix + "disable-safety-checker=true")
        .run(
            context -> {
              TogetherImageModel model = context.getBean(TogetherImageModel.class);
              assertThat(model.getDefaultOptions())
                  .isEqualTo(
                      TogetherImageOptions.builder()
                          .model("black-forest-labs/FLUX.1-schnell")
                          .n(2)
                          .width(512)
                          .height(256)
                          .responseFormat("b64_json")
                          .steps(4)
                          .seed(42)
                          .negativePrompt("blur")
                          .guidanceScale(3.5)
                          .outputFormat(OutputFormat.PNG)
                          .disableSafetyChecker(true)
                          .build());

              model.call(
                  new ImagePrompt("a lighthouse", TogetherImageOptions.builder().seed(7).build()));

              RecordedImageRequest request = server.takeRequest();
              assertThat(request.field("seed")).isEqualTo(7.0);
              assertThat(request.field("steps")).isEqualTo(4.0);
              assertThat(request.field("output_format")).isEqualTo("png");
              assertThat(request.field("response_format")).isEqualTo("base64");
            });
  }

  @Test
  void selectedByName(FakeTogetherServer server) {
    withClient(server)
        .withPropertyValues("spring.ai.model.image=together")
        .run(context -> assertThat(context).hasSingleBean(TogetherImageModel.class));
  }

  @Test
  void anotherImageProviderSelectedLeavesOnlyTheClient(FakeTogetherServer server) {
    withClient(server)
        .withPropertyValues("spring.ai.model.image=openai")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(ImageModel.class);
              assertThat(context).hasSingleBean(TogetherImages.class);
            });
  }

  @Test
  void noSpringAiOnTheClasspathLeavesOnlyTheClient(FakeTogetherServer server) {
    withClient(server)
        .withClassLoader(new FilteredClassLoader(ImageModel.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(TogetherImageModel.class);
              assertThat(context).hasSingleBean(TogetherImages.class);
            });
  }

  @Test
  void noTogetherSpringAiModuleLeavesOnlyTheClient(FakeTogetherServer server) {
    withClient(server)
        .withClassLoader(new FilteredClassLoader(TogetherImageModel.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(ImageModel.class);
              assertThat(context).hasSingleBean(TogetherImages.class);
            });
  }

  @Test
  void applicationsOwnModelWins(FakeTogetherServer server) {
    withClient(server)
        .withUserConfiguration(OwnModel.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(TogetherImageModel.class);
              assertThat(context.getBean(TogetherImageModel.class).getDefaultOptions().getSteps())
                  .isEqualTo(1);
            });
  }

  @Test
  void applicationsObservationRegistryIsUsed(FakeTogetherServer server) {
    withClient(server)
        .withBean(TestObservationRegistry.class, TestObservationRegistry::create)
        .run(
            context -> {
              context.getBean(ImageModel.class).call(new ImagePrompt("a lighthouse"));
              assertThat(context.getBean(TestObservationRegistry.class).getCurrentObservation())
                  .isNull();
              TestObservationRegistryAssert.assertThat(
                      context.getBean(TestObservationRegistry.class))
                  .hasObservationWithNameEqualTo("gen_ai.client.operation");
            });
  }

  @Test
  void outOfRangeOptionFailsStartupNamingThePrefixAndTheOption(FakeTogetherServer server) {
    withClient(server)
        .withPropertyValues("spring.ai.together.image.options.steps=-1")
        .run(
            context -> {
              TogetherPropertyException failure = startupFailure(context);
              assertThat(failure.property()).isEqualTo("spring.ai.together.image.options");
              assertThat(failure.getMessage())
                  .startsWith("Invalid spring.ai.together.image.options: steps = -1");
            });
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void unknownResponseFormatFailsStartupNamingTheAllowedValues(FakeTogetherServer server) {
    withClient(server)
        .withPropertyValues("spring.ai.together.image.options.response-format=png")
        .run(
            context ->
                assertThat(startupFailure(context).getMessage())
                    .isEqualTo(
                        "Invalid spring.ai.together.image.options: responseFormat = 'png' is not"
                            + " supported: allowed are url and b64_json"));
  }

  @Test
  void unknownOutputFormatFailsBindingNamingTheProperty(FakeTogetherServer server) {
    withClient(server)
        .withPropertyValues("spring.ai.together.image.options.output-format=gif")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("gif");
              StringBuilder messages = new StringBuilder();
              for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
              }
              assertThat(messages.toString())
                  .contains("spring.ai.together.image.options.output-format");
            });
  }

  @Test
  void propertyWithoutOptionsInItsNameFailsStartupInsteadOfBeingIgnored(FakeTogetherServer server) {
    withClient(server)
        .withPropertyValues("spring.ai.together.image.model=black-forest-labs/FLUX.1-dev")
        .run(
            context -> {
              assertThat(context).hasFailed();
              StringBuilder messages = new StringBuilder();
              for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
              }
              assertThat(messages.toString()).contains("spring.ai.together.image.model");
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnModel {
    @Bean
    TogetherImageModel myModel(TogetherImages client) {
      return TogetherImageModel.builder()
          .togetherImages(client)
          .defaultOptions(TogetherImageOptions.builder().steps(1).build())
          .build();
    }
  }
}
