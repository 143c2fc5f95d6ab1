package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.ImageGenerationRequest.Builder;
import io.github.together4j.images.ImageGenerationRequest.Lora;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

class ImageGenerationRequestTest {
  /** How the test sets each bounded property of the spec's ImageRequest, by JSON name. */
  private static final Map<String, BiFunction<Builder, Integer, Builder>> BOUNDED_SETTERS =
      Map.of(
          "n", Builder::n,
          "width", Builder::width,
          "height", Builder::height,
          "steps", Builder::steps);

  /** Schema keywords that constrain a value; the test knows how to check only "minimum". */
  private static final Set<String> CONSTRAINTS =
      Set.of(
          "minimum",
          "maximum",
          "exclusiveMinimum",
          "exclusiveMaximum",
          "multipleOf",
          "minLength",
          "maxLength",
          "pattern",
          "minItems",
          "maxItems");

  private static ImageGenerationRequest full() {
    return ImageGenerationRequest.builder("a lighthouse")
        .model("acme/painter")
        .n(2)
        .size(768, 512)
        .steps(4)
        .seed(42)
        .negativePrompt("fog")
        .responseFormat(ResponseFormat.URL)
        .guidanceScale(7.5)
        .outputFormat(OutputFormat.PNG)
        .imageUrl("https://img.example/in.png")
        .addImageLora("https://lora.example/a", 0.8)
        .referenceImages(List.of("https://ref.example/1.png"))
        .disableSafetyChecker(true)
        .putExtra("aspect_ratio", "16:9")
        .build();
  }

  @Test
  void ofAppliesFacadeDefaults() {
    ImageGenerationRequest request = ImageGenerationRequest.of("a cat");
    assertThat(request.prompt()).isEqualTo("a cat");
    assertThat(request.n()).isEqualTo(1);
    assertThat(request.width()).isEqualTo(1024);
    assertThat(request.height()).isEqualTo(1024);
    assertThat(request.model()).isNull();
    assertThat(request.steps()).isNull();
    assertThat(request.imageLoras()).isNull();
    assertThat(request.extras()).isEmpty();
  }

  @Test
  void promptIsRequiredAndMustNotBeBlank() {
    assertThatThrownBy(() -> ImageGenerationRequest.of(" \n\t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prompt is blank: describe the image to generate");
    assertThatThrownBy(() -> ImageGenerationRequest.of(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("prompt is blank");
    assertThatThrownBy(() -> ImageGenerationRequest.builder((String) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("prompt == null");
    assertThatThrownBy(() -> ImageGenerationRequest.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("prompt is required");
  }

  @Test
  void blankModelIsRejectedButNullMeansTheClientDefault() {
    assertThatThrownBy(() -> ImageGenerationRequest.builder("x").model("  ").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("model is blank")
        .hasMessageContaining(TogetherImages.DEFAULT_MODEL);
    assertThat(ImageGenerationRequest.builder("x").model("m").model(null).build().model()).isNull();
  }

  @Test
  void valuesBelowMinimumAreRejectedNamingFieldValueAndRange() {
    assertThatThrownBy(() -> ImageGenerationRequest.builder("x").n(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("n = 0 is out of range: allowed is 1 or more");
    assertThatThrownBy(() -> ImageGenerationRequest.builder("x").width(-5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("width = -5 is out of range: allowed is 1 or more");
    assertThatThrownBy(() -> ImageGenerationRequest.builder("x").height(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("height = 0 is out of range: allowed is 1 or more");
    assertThatThrownBy(() -> ImageGenerationRequest.builder("x").steps(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("steps = 0 is out of range: allowed is 1 or more");
    assertThatThrownBy(() -> ImageGenerationRequest.builder("x").size(512, 0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("height = 0");
    assertThat(ImageGenerationRequest.builder("x").steps(null).build().steps()).isNull();
  }

  @Test
  void everyMinimumInTheSpecIsEnforcedByTheBuilder() throws Exception {
    Path spec = Path.of(System.getProperty("together4j.spec", "../openapi/images.yaml"));
    Map<?, ?> properties;
    try (InputStream in = Files.newInputStream(spec)) {
      properties =
          map(path(new Yaml().load(in), "components", "schemas", "ImageRequest", "properties"));
    }
    List<String> checked = new ArrayList<>();
    properties.forEach(
        (name, value) -> {
          Map<?, ?> schema = map(value);
          Set<Object> constraints = new java.util.HashSet<>(schema.keySet());
          constraints.retainAll(CONSTRAINTS);
          if (constraints.isEmpty()) {
            return;
          }
          assertThat(constraints)
              .as("constraints of %s this test can check", name)
              .containsExactly("minimum");
          assertThat(schema.get("type"))
              .as("type of bounded property %s", name)
              .isEqualTo("integer");
          assertThat(BOUNDED_SETTERS)
              .as("the spec bounds %s: teach the facade and this test to set and check it", name)
              .containsKey((String) name);
          int minimum = ((Number) schema.get("minimum")).intValue();
          BiFunction<Builder, Integer, Builder> setter = BOUNDED_SETTERS.get(name);

          assertThatThrownBy(
                  () -> setter.apply(ImageGenerationRequest.builder("x"), minimum - 1).build())
              .as("%s = minimum - 1", name)
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessage(
                  "%s = %d is out of range: allowed is %d or more", name, minimum - 1, minimum);
          assertThatCode(() -> setter.apply(ImageGenerationRequest.builder("x"), minimum).build())
              .as("%s = minimum", name)
              .doesNotThrowAnyException();
          checked.add((String) name);
        });
    assertThat(checked)
        .as("bounded properties found in %s", spec)
        .containsExactlyInAnyOrderElementsOf(BOUNDED_SETTERS.keySet());
  }

  private static Object path(Object node, String... keys) {
    for (String key : keys) {
      node = map(node).get(key);
      assertThat(node).as("spec node %s", key).isNotNull();
    }
    return node;
  }

  private static Map<?, ?> map(Object node) {
    assertThat(node).isInstanceOf(Map.class);
    return (Map<?, ?>) node;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "prompt",
        "model",
        "guidance_scale",
        "image_loras",
        "n",
        "steps",
        "response_format",
        "disable_safety_checker",
        "reference_images",
        "negative_prompt"
      })
  void putExtraRefusesKnownPropertyNames(String name) {
    assertThatThrownBy(() -> ImageGenerationRequest.builder("x").putExtra(name, "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("extra property \"" + name + "\" is a known property: use its typed setter");
  }

  @Test
  void putExtraRefusesBlankNamesAndNonJsonValues() {
    Builder builder = ImageGenerationRequest.builder("x");
    assertThatThrownBy(() -> builder.putExtra(" ", "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank");
    assertThatThrownBy(() -> builder.putExtra("style", new Object()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"style\"")
        .hasMessageContaining("java.lang.Object");
    assertThatThrownBy(() -> builder.putExtra("style", Map.of(1, "one")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-string map key");
    assertThatThrownBy(() -> builder.putExtra("style", List.of("ok", List.of(new StringBuilder()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("StringBuilder");
    assertThatThrownBy(() -> builder.putExtra("style", null))
        .isInstanceOf(NullPointerException.class);
    assertThat(builder.build().extras()).isEmpty();
  }

  @Test
  void putExtraAcceptsJsonValuesInInsertionOrderAndRemoveExtraDropsThem() {
    ImageGenerationRequest request =
        ImageGenerationRequest.builder("x")
            .putExtra("s", "text")
            .putExtra("i", 3)
            .putExtra("d", 0.25)
            .putExtra("b", true)
            .putExtra("l", List.of(1, "two", false))
            .putExtra("m", Map.of("k", List.of(Map.of())))
            .putExtra("gone", "soon")
            .removeExtra("gone")
            .removeExtra("never-added")
            .build();

    assertThat(request.extras()).containsOnlyKeys("s", "i", "d", "b", "l", "m");
    assertThat(request.extras().keySet()).containsExactly("s", "i", "d", "b", "l", "m");
    assertThatThrownBy(() -> request.extras().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toBuilderRoundTripsEveryProperty() {
    ImageGenerationRequest request = full();
    assertThat(request.toBuilder().build()).isEqualTo(request).hasSameHashCodeAs(request);
    ImageGenerationRequest changed = request.toBuilder().seed(7).build();
    assertThat(changed.seed()).isEqualTo(7);
    assertThat(changed).isNotEqualTo(request);
    assertThat(request.seed()).isEqualTo(42);
  }

  @Test
  void equalsAndHashCodeCoverEveryProperty() {
    ImageGenerationRequest request = full();
    assertThat(full()).isEqualTo(request).hasSameHashCodeAs(request);
    assertThat(request).isNotEqualTo(null).isNotEqualTo("a lighthouse");
    List<ImageGenerationRequest> variants =
        List.of(
            request.toBuilder().prompt("other").build(),
            request.toBuilder().model(null).build(),
            request.toBuilder().n(3).build(),
            request.toBuilder().width(769).build(),
            request.toBuilder().height(513).build(),
            request.toBuilder().steps(5).build(),
            request.toBuilder().seed(null).build(),
            request.toBuilder().negativePrompt("rain").build(),
            request.toBuilder().responseFormat(ResponseFormat.BASE64).build(),
            request.toBuilder().guidanceScale(7.0).build(),
            request.toBuilder().outputFormat(OutputFormat.JPEG).build(),
            request.toBuilder().imageUrl(null).build(),
            request.toBuilder().addImageLora("https://lora.example/b", 1).build(),
            request.toBuilder().referenceImages(List.of()).build(),
            request.toBuilder().disableSafetyChecker(false).build(),
            request.toBuilder().removeExtra("aspect_ratio").build());
    for (ImageGenerationRequest variant : variants) {
      assertThat(variant).as(variant.toString()).isNotEqualTo(request);
    }
  }

  @Test
  void listsPassedInAreCopiedAndReturnedListsAreUnmodifiable() {
    List<Lora> loras = new ArrayList<>(List.of(new Lora("https://lora.example/a", 1)));
    List<String> references = new ArrayList<>(List.of("https://ref.example/1.png"));
    Builder builder =
        ImageGenerationRequest.builder("x").imageLoras(loras).referenceImages(references);
    ImageGenerationRequest request = builder.build();
    loras.add(new Lora("https://lora.example/b", 2));
    references.clear();
    builder.addImageLora("https://lora.example/c", 0.5);

    assertThat(request.imageLoras()).containsExactly(new Lora("https://lora.example/a", 1));
    assertThat(request.referenceImages()).containsExactly("https://ref.example/1.png");
    assertThatThrownBy(() -> request.imageLoras().add(new Lora("p", 1)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> request.referenceImages().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> new Lora(null, 1)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void extraValuesAreCopiedSoTheRequestStaysImmutable() {
    List<Object> tags = new ArrayList<>(List.of("a"));
    Map<String, Object> style = new HashMap<>(Map.of("k", "v"));
    ImageGenerationRequest request =
        ImageGenerationRequest.builder("x").putExtra("tags", tags).putExtra("style", style).build();
    int hash = request.hashCode();

    tags.add(new Object());
    style.put("k", "changed");

    assertThat(request.extras()).containsEntry("tags", List.of("a"));
    assertThat(request.extras()).containsEntry("style", Map.of("k", "v"));
    assertThat(request.hashCode()).isEqualTo(hash);
  }

  @Test
  void nonFiniteNumbersAreRejectedAtBuild() {
    assertThatThrownBy(() -> ImageGenerationRequest.builder("x").guidanceScale(Double.NaN).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("guidance");
    assertThatThrownBy(
            () ->
                ImageGenerationRequest.builder("x")
                    .addImageLora("https://lora.example/a", Double.POSITIVE_INFINITY)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scale");
  }

  @Test
  void toStringMentionsTheSetFields() {
    assertThat(full().toString())
        .startsWith("ImageGenerationRequest{prompt=a lighthouse")
        .contains(
            "model=acme/painter",
            "n=2",
            "size=768x512",
            "steps=4",
            "seed=42",
            "negativePrompt=fog",
            "responseFormat=URL",
            "guidanceScale=7.5",
            "outputFormat=PNG",
            "imageUrl=https://img.example/in.png",
            "imageLoras=",
            "https://lora.example/a",
            "referenceImages=[https://ref.example/1.png]",
            "disableSafetyChecker=true",
            "extras={aspect_ratio=16:9}");
    assertThat(ImageGenerationRequest.of("a cat").toString())
        .isEqualTo("ImageGenerationRequest{prompt=a cat, n=1, size=1024x1024}");
  }

  @Test
  void sizeSetsWidthAndHeight() {
    ImageGenerationRequest request = ImageGenerationRequest.builder("x").size(640, 480).build();
    assertThat(request.width()).isEqualTo(640);
    assertThat(request.height()).isEqualTo(480);
  }
}
