package io.github.together4j.examples.spring;

import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.SaveOption;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.spring.ai.TogetherImageGenerationMetadata;
import io.github.together4j.spring.ai.TogetherImageOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.image.ImageModel;
import org.springframework.ai.image.ImagePrompt;
import org.springframework.ai.image.ImageResponse;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application that injects Spring AI's {@link ImageModel} (Together's, from the
 * starter) and together4j's {@link TogetherImages}, and makes one poster with each.
 *
 * <p>Configuration: {@code TOGETHER_API_KEY} (or {@code --together.api-key=…}); without it, the
 * testkit's fake server, started here, with {@code together.base-url} pointing at it. Defaults of
 * the image model are in {@code application.properties} ({@code
 * spring.ai.together.image.options.*}). Argument: the output directory (default {@code
 * generated-images/spring-boot}).
 */
@SpringBootApplication
public class SpringBootExample {
  /** Creates the configuration; Spring does. */
  public SpringBootExample() {}

  /**
   * Runs the example.
   *
   * @param args optionally, the output directory
   */
  public static void main(String[] args) {
    Path out = args.length > 0 ? Path.of(args[0]) : Path.of("generated-images", "spring-boot");
    String key = System.getenv(TogetherImages.API_KEY_ENV);
    FakeTogetherServer fake = key == null || key.isBlank() ? FakeTogetherServer.start() : null;
    try {
      List<String> properties = new ArrayList<>();
      if (fake != null) {
        System.err.println("No TOGETHER_API_KEY set: using the embedded fake Together server");
        properties.add("--together.api-key=" + fake.apiKey());
        properties.add("--together.base-url=" + fake.baseUrl());
      }
      try (ConfigurableApplicationContext context =
          SpringApplication.run(SpringBootExample.class, properties.toArray(String[]::new))) {
        run(context, out).forEach(path -> System.out.println("saved " + path));
      }
    } finally {
      close(fake);
    }
  }

  /** Makes the two posters with the context's beans; returns their files. */
  static List<Path> run(ConfigurableApplicationContext context, Path out) {
    // Spring AI's API: portable options in the prompt; the rest of the defaults from properties.
    ImageModel imageModel = context.getBean(ImageModel.class);
    ImageResponse response =
        imageModel.call(
            new ImagePrompt(
                "A lighthouse at dusk, watercolor",
                TogetherImageOptions.builder().responseFormat("b64_json").steps(4).build()));
    // Together's own metadata gives back together4j's image, with saveTo and the detected format.
    TogetherImageGenerationMetadata metadata =
        (TogetherImageGenerationMetadata) response.getResult().getMetadata();
    System.out.println("ImageModel: " + metadata + ", format " + metadata.getFormat());
    Path viaModel =
        metadata.generatedImage().saveTo(out.resolve("image-model"), SaveOption.OVERWRITE);

    // together4j's API, from the same auto-configured client.
    GeneratedImage image =
        context.getBean(TogetherImages.class).generate("A lighthouse at dawn").images().get(0);
    Path viaClient = image.saveTo(out.resolve("together-images"), SaveOption.OVERWRITE);
    return List.of(viaModel, viaClient);
  }

  private static void close(@Nullable FakeTogetherServer fake) {
    if (fake != null) {
      fake.close();
    }
  }
}
