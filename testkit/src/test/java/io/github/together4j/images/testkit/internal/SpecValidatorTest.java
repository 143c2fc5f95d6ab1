package io.github.together4j.images.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import io.github.together4j.images.testkit.internal.SpecValidator.Violation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpecValidatorTest {

  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);
  private static final SpecValidator SPEC = SpecValidator.fromClasspath();
  private static final String VALID_FULL =
      """
      {"prompt": "cat floating in space, cinematic", "model": "black-forest-labs/FLUX.1-schnell",
       "steps": 4, "image_url": "https://example.com/in.png", "seed": 42, "n": 2,
       "height": 768, "width": 512, "negative_prompt": "blurry", "response_format": "base64",
       "guidance_scale": 3.5, "output_format": "png",
       "image_loras": [{"path": "https://example.com/lora.safetensors", "scale": 0.8}],
       "reference_images": ["https://example.com/ref.png"], "disable_safety_checker": false}
      """;

  @TempDir Path tempDir;

  @Test
  void validFullRequestHasNoViolations() {
    assertThat(SPEC.validateRequest(json(VALID_FULL))).isEmpty();
  }

  @Test
  void requestWithOnlyPromptAndModelIsValid() {
    assertThat(SPEC.validateRequest(json("{\"prompt\": \"cat\", \"model\": \"m\"}"))).isEmpty();
  }

  @Test
  void validateRequestUsesTheImageRequestSchema() {
    Object body = json("{\"prompt\": \"cat\", \"width\": 0}");

    assertThat(SPEC.validateRequest(body)).isEqualTo(SPEC.validate("ImageRequest", body));
  }

  @Test
  void missingPromptIsRequired() {
    assertThat(SPEC.validateRequest(json("{\"model\": \"m\"}")))
        .containsExactly(new Violation("prompt", "prompt is required"));
  }

  @Test
  void missingModelIsRequired() {
    assertThat(SPEC.validateRequest(json("{\"prompt\": \"cat\"}")))
        .containsExactly(new Violation("model", "model is required"));
  }

  @Test
  void emptyObjectMissesEveryRequiredFieldInSpecOrder() {
    assertThat(SPEC.validateRequest(json("{}")))
        .extracting(Violation::param)
        .containsExactly("prompt", "model");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      prompt                 | 5                 | prompt must be a string, got 5
      model                  | true              | model must be a string, got true
      image_url              | ["a"]             | image_url must be a string, got an array
      negative_prompt        | {}                | negative_prompt must be a string, got an object
      steps                  | "20"              | steps must be an integer >= 1, got "20"
      seed                   | 1.5               | seed must be an integer, got 1.5
      seed                   | "42"              | seed must be an integer, got "42"
      n                      | 2.25              | n must be an integer >= 1, got 2.25
      height                 | false             | height must be an integer >= 1, got false
      width                  | "1024"            | width must be an integer >= 1, got "1024"
      guidance_scale         | "high"            | guidance_scale must be a number, got "high"
      disable_safety_checker | "true"            | disable_safety_checker must be a boolean, got "true"
      disable_safety_checker | 1                 | disable_safety_checker must be a boolean, got 1
      image_loras            | {}                | image_loras must be an array of objects, got an object
      reference_images       | "https://x/y.png" | reference_images must be an array of strings, got "https://x/y.png"
      response_format        | 1                 | response_format must be one of [base64, url], got 1
      """)
  void wrongTypeNamesParamExpectationAndValue(String field, String value, String message) {
    assertThat(SPEC.validateRequest(request(field, value)))
        .containsExactly(new Violation(field, message));
  }

  @ParameterizedTest
  @ValueSource(strings = {"seed", "n", "width", "height", "steps"})
  void integerWithZeroFractionIsAnInteger(String field) {
    assertThat(SPEC.validateRequest(request(field, "4.0"))).isEmpty();
  }

  @Test
  void integerGuidanceScaleIsANumber() {
    assertThat(SPEC.validateRequest(request("guidance_scale", "7"))).isEmpty();
  }

  @Test
  void responseFormatOutsideEnumListsAllowedValues() {
    assertThat(SPEC.validateRequest(request("response_format", "\"png\"")))
        .containsExactly(
            new Violation(
                "response_format", "response_format must be one of [base64, url], got \"png\""));
  }

  @Test
  void outputFormatOutsideEnumListsAllowedValues() {
    assertThat(SPEC.validateRequest(request("output_format", "\"webp\"")))
        .containsExactly(
            new Violation(
                "output_format", "output_format must be one of [jpeg, png], got \"webp\""));
  }

  @Test
  void enumIsCaseSensitive() {
    assertThat(SPEC.validateRequest(request("output_format", "\"PNG\""))).hasSize(1);
  }

  @ParameterizedTest
  @CsvSource({"n, 0", "width, 0", "height, 0", "steps, 0", "n, -3", "width, -1024"})
  void integerBelowMinimumNamesParam(String field, String value) {
    assertThat(SPEC.validateRequest(request(field, value)))
        .containsExactly(new Violation(field, field + " must be an integer >= 1, got " + value));
  }

  @Test
  void widthBelowMinimumNamesParam() {
    assertThat(SPEC.validateRequest(request("width", "0")))
        .containsExactly(new Violation("width", "width must be an integer >= 1, got 0"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"n", "width", "height", "steps"})
  void minimumItselfIsAccepted(String field) {
    assertThat(SPEC.validateRequest(request(field, "1"))).isEmpty();
  }

  @Test
  void loraItemMissingPathNamesNestedParam() {
    assertThat(SPEC.validateRequest(request("image_loras", "[{\"scale\": 1}]")))
        .containsExactly(new Violation("image_loras[0].path", "image_loras[0].path is required"));
  }

  @Test
  void loraItemMissingScaleNamesNestedParam() {
    assertThat(
            SPEC.validateRequest(
                request("image_loras", "[{\"path\": \"a\", \"scale\": 1}, {\"path\": \"b\"}]")))
        .containsExactly(new Violation("image_loras[1].scale", "image_loras[1].scale is required"));
  }

  @Test
  void loraScaleOfWrongTypeNamesNestedParam() {
    assertThat(
            SPEC.validateRequest(
                request("image_loras", "[{\"path\": \"a\", \"scale\": \"strong\"}]")))
        .containsExactly(
            new Violation(
                "image_loras[0].scale", "image_loras[0].scale must be a number, got \"strong\""));
  }

  @Test
  void loraItemThatIsNotAnObjectNamesItsIndex() {
    assertThat(SPEC.validateRequest(request("image_loras", "[\"https://x\"]")))
        .containsExactly(
            new Violation("image_loras[0]", "image_loras[0] must be an object, got \"https://x\""));
  }

  @Test
  void referenceImageOfWrongTypeNamesItsIndex() {
    assertThat(SPEC.validateRequest(request("reference_images", "[\"a\", 2]")))
        .containsExactly(
            new Violation("reference_images[1]", "reference_images[1] must be a string, got 2"));
  }

  @Test
  void unknownExtraPropertiesAreAcceptedBecauseAdditionalPropertiesIsTrue() {
    Object body =
        json(
            """
        {"prompt": "cat", "model": "m", "aspect_ratio": "16:9", "future": {"x": [1, 2]},
         "image_loras": [{"path": "a", "scale": 1, "trigger": "xyz"}]}
        """);

    assertThat(SPEC.validateRequest(body)).isEmpty();
  }

  @Test
  void nullForNonNullableFieldIsRejected() {
    assertThat(SPEC.validateRequest(request("seed", "null")))
        .containsExactly(new Violation("seed", "seed must be an integer, got null"));
  }

  @Test
  void nullForNullableFieldIsAccepted() {
    Object choice = json("{\"index\": 0, \"b64_json\": null, \"url\": \"https://x\"}");

    assertThat(SPEC.validate("ImageChoicesData", choice)).isEmpty();
  }

  @Test
  void nullableFieldStillChecksItsType() {
    assertThat(SPEC.validate("ImageChoicesData", json("{\"index\": 0, \"b64_json\": 5}")))
        .containsExactly(new Violation("b64_json", "b64_json must be a string or null, got 5"));
  }

  @Test
  void nullForRequiredFieldIsAWrongValueNotAMissingOne() {
    assertThat(SPEC.validateRequest(json("{\"prompt\": null, \"model\": \"m\"}")))
        .containsExactly(new Violation("prompt", "prompt must be a string, got null"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      []           | body must be an object, got an array
      "a string"   | body must be an object, got "a string"
      42           | body must be an object, got 42
      null         | body must be an object, got null
      """)
  void bodyThatIsNotAnObjectHasNoParam(String body, String message) {
    assertThat(SPEC.validateRequest(json(body))).containsExactly(new Violation(null, message));
  }

  @Test
  void violationsComeRequiredFirstThenInSchemaPropertyOrder() {
    Object body =
        json(
            """
        {"image_loras": [{}], "width": 0, "n": "two", "steps": 0, "response_format": "x"}
        """);

    assertThat(SPEC.validateRequest(body))
        .extracting(Violation::param)
        .containsExactly(
            "prompt",
            "model",
            "steps",
            "n",
            "width",
            "response_format",
            "image_loras[0].path",
            "image_loras[0].scale");
  }

  @Test
  void longStringValuesAreTruncatedInMessages() {
    String value = "x".repeat(200);

    List<Violation> violations =
        SPEC.validateRequest(request("response_format", '"' + value + '"'));

    assertThat(violations)
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.message())
                    .isEqualTo(
                        "response_format must be one of [base64, url], got \""
                            + "x".repeat(50)
                            + "\"..."));
  }

  @Test
  void specialCharactersInValuesAreEscaped() {
    assertThat(SPEC.validateRequest(request("output_format", "\"a\\\"b\\nc\"")))
        .singleElement()
        .extracting(Violation::message)
        .isEqualTo("output_format must be one of [jpeg, png], got \"a\\\"b\\nc\"");
  }

  @Test
  void unknownSchemaNameIsRejected() {
    assertThatThrownBy(() -> SPEC.validate("NoSuchSchema", json("{}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NoSuchSchema")
        .hasMessageContaining("ImageRequest");
  }

  @Test
  void classpathSpecHasTheContractSchemas() {
    assertThat(SPEC.schemaNames()).contains("ImageRequest", "ImageLora", "ImageResponse");
  }

  @Test
  void specLoadsFromAStream() throws IOException {
    try (InputStream in = new ByteArrayInputStream(spec().getBytes(StandardCharsets.UTF_8))) {
      assertThat(SpecValidator.from(in).validateRequest(request("width", "0"))).hasSize(1);
    }
  }

  // --- The validator follows the YAML: edits to a copy change what is accepted. ---

  @Test
  void raisedMinimumInSpecRejectsTheOldMinimum() throws IOException {
    SpecValidator edited =
        specWith(
            """
                n:
                  type: integer
                  minimum: 1
        """,
            """
                n:
                  type: integer
                  minimum: 2
        """);

    assertThat(SPEC.validateRequest(request("n", "1"))).isEmpty();
    assertThat(edited.validateRequest(request("n", "2"))).isEmpty();
    assertThat(edited.validateRequest(request("n", "1")))
        .containsExactly(new Violation("n", "n must be an integer >= 2, got 1"));
  }

  @Test
  void addedEnumValueInSpecIsAccepted() throws IOException {
    SpecValidator edited =
        specWith(
            """
                    - jpeg
                    - png
        """,
            """
                    - jpeg
                    - png
                    - webp
        """);

    assertThat(edited.validateRequest(request("output_format", "\"webp\""))).isEmpty();
  }

  @Test
  void addedRequiredFieldInSpecIsReported() throws IOException {
    SpecValidator edited =
        specWith(
            """
                - prompt
                - model
        """,
            """
                - prompt
                - model
                - width
        """);

    assertThat(edited.validateRequest(json("{\"prompt\": \"cat\", \"model\": \"m\"}")))
        .containsExactly(new Violation("width", "width is required"));
  }

  @Test
  void closedAdditionalPropertiesInSpecRejectsUnknownProperty() throws IOException {
    SpecValidator edited =
        specWith(
            """
              additionalProperties: true
              required:
                - prompt
        """,
            """
              additionalProperties: false
              required:
                - prompt
        """);

    assertThat(edited.validateRequest(request("aspect_ratio", "\"16:9\"")))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.param()).isEqualTo("aspect_ratio");
              assertThat(v.message()).startsWith("aspect_ratio is not a known property");
            });
  }

  @Test
  void addedMinimumInSpecAcceptsTheBoundAndRejectsLess() throws IOException {
    SpecValidator edited =
        specWith(
            """
                guidance_scale:
                  type: number
        """,
            """
                guidance_scale:
                  type: number
                  minimum: 0.5
        """);

    assertThat(SPEC.validateRequest(request("guidance_scale", "0.25"))).isEmpty();
    assertThat(edited.validateRequest(request("guidance_scale", "0.5"))).isEmpty();
    assertThat(edited.validateRequest(request("guidance_scale", "0.25")))
        .containsExactly(
            new Violation("guidance_scale", "guidance_scale must be a number >= 0.5, got 0.25"));
  }

  @Test
  void changedTypeInSpecChangesWhatIsAccepted() throws IOException {
    SpecValidator edited =
        specWith(
            """
                seed:
                  type: integer
        """,
            """
                seed:
                  type: string
        """);

    assertThat(edited.validateRequest(request("seed", "\"42\""))).isEmpty();
    assertThat(edited.validateRequest(request("seed", "42")))
        .containsExactly(new Violation("seed", "seed must be a string, got 42"));
  }

  @Test
  void addedNullableInSpecAcceptsNullAndStillChecksTheType() throws IOException {
    SpecValidator edited =
        specWith(
            """
                seed:
                  type: integer
        """,
            """
                seed:
                  type: integer
                  nullable: true
        """);

    assertThat(SPEC.validateRequest(request("seed", "null"))).hasSize(1);
    assertThat(edited.validateRequest(request("seed", "null"))).isEmpty();
    assertThat(edited.validateRequest(request("seed", "1.5")))
        .containsExactly(new Violation("seed", "seed must be an integer or null, got 1.5"));
  }

  @Test
  void changedItemsInSpecChecksEveryItem() throws IOException {
    SpecValidator edited =
        specWith(
            """
                  items:
                    type: string
                    description: URL of a reference image.
        """,
            """
                  items:
                    type: integer
                    description: URL of a reference image.
        """);

    assertThat(edited.validateRequest(request("reference_images", "[1, 2]"))).isEmpty();
    assertThat(edited.validateRequest(request("reference_images", "[1, \"a\"]")))
        .containsExactly(
            new Violation(
                "reference_images[1]", "reference_images[1] must be an integer, got \"a\""));
  }

  @Test
  void additionalPropertiesSchemaInSpecChecksUnknownProperties() throws IOException {
    SpecValidator edited =
        specWith(
            """
              additionalProperties: true
              required:
                - prompt
        """,
            """
              additionalProperties:
                type: string
              required:
                - prompt
        """);

    assertThat(edited.validateRequest(request("aspect_ratio", "\"16:9\""))).isEmpty();
    assertThat(edited.validateRequest(request("aspect_ratio", "5")))
        .containsExactly(new Violation("aspect_ratio", "aspect_ratio must be a string, got 5"));
  }

  @Test
  void int32FormatInSpecRejectsLargerInteger() throws IOException {
    SpecValidator edited =
        specWith(
            """
                seed:
                  type: integer
        """,
            """
                seed:
                  type: integer
                  format: int32
        """);

    assertThat(SPEC.validateRequest(request("seed", "3000000000"))).isEmpty();
    assertThat(edited.validateRequest(request("seed", "2147483647"))).isEmpty();
    assertThat(edited.validateRequest(request("seed", "3000000000")))
        .containsExactly(
            new Violation(
                "seed",
                "seed must be within the int32 range [-2147483648, 2147483647], got 3000000000"));
  }

  @Test
  void requestSchemaIsFoundThroughTheOperationNotByName() throws IOException {
    SpecValidator edited = SpecValidator.from(write(spec().replace("ImageRequest", "GenRequest")));

    assertThat(edited.schemaNames()).contains("GenRequest").doesNotContain("ImageRequest");
    assertThat(edited.validateRequest(request("width", "0")))
        .containsExactly(new Violation("width", "width must be an integer >= 1, got 0"));
  }

  @Test
  void unsupportedKeywordInSpecFailsAtLoad() {
    assertThatThrownBy(
            () ->
                specWith(
                    """
                n:
                  type: integer
        """,
                    """
                n:
                  type: integer
                  const: 1
        """))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'const'")
        .hasMessageContaining("#/components/schemas/ImageRequest/properties/n");
  }

  /**
   * Keywords {@code openapi/images.yaml} does not use are not implemented: a copy that adds one
   * does not load, and the message names the keyword and where it stands.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "maximum: 4",
        "exclusiveMinimum: true",
        "exclusiveMaximum: true",
        "multipleOf: 2",
        "minLength: 1",
        "maxLength: 5",
        "pattern: '^[0-9]+$'",
        "minItems: 1",
        "maxItems: 1",
        "uniqueItems: true",
        "minProperties: 1",
        "maxProperties: 1",
        "allOf: [{type: integer}]",
        "anyOf: [{type: integer}]",
        "oneOf: [{type: integer}]",
        "not: {type: string}",
        "discriminator: {propertyName: kind}"
      })
  void keywordTheSpecDoesNotUseFailsAtLoadNamingIt(String line) {
    String keyword = line.substring(0, line.indexOf(':'));

    assertThatThrownBy(
            () ->
                specWith(
                    """
                n:
                  type: integer
        """,
                    """
                n:
                  type: integer
                  %s
        """
                        .formatted(line)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unsupported or invalid spec at #/components/schemas/ImageRequest/properties/n:"
                + " unsupported schema keyword '"
                + keyword
                + "'");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      type: int    | type must be one of [array, boolean, integer, number, object, string], got int
      nullable: 1  | nullable must be a boolean, got 1
      minimum: one | minimum must be a number, got one
      enum: []     | enum must be a non-empty list, got []
      required: id | required must be a list of property names, got id
      """)
  void malformedValueOfASupportedKeywordFailsAtLoad(String line, String problem) {
    assertThatThrownBy(
            () ->
                specWith(
                    """
                seed:
                  type: integer
        """,
                    """
                seed:
                  %s
        """
                        .formatted(line)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unsupported or invalid spec at #/components/schemas/ImageRequest/properties/seed: "
                + problem);
  }

  @Test
  void unresolvableRefInSpecFailsAtLoad() {
    assertThatThrownBy(
            () ->
                specWith(
                    "$ref: '#/components/schemas/ImageLora'",
                    "$ref: '#/components/schemas/Missing'"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("#/components/schemas/Missing");
  }

  @Test
  void specWithoutTheOperationCannotValidateRequests() throws IOException {
    SpecValidator edited =
        SpecValidator.from(write(spec().replace("  /images/generations:", "  /images/other:")));

    assertThatThrownBy(() -> edited.validateRequest(json("{}")))
        .isInstanceOf(IllegalStateException.class);
    assertThat(edited.validate("ImageRequest", json("{}"))).hasSize(2);
  }

  private SpecValidator specWith(String find, String replacement) throws IOException {
    String original = spec();
    assertThat(original).as("the spec still contains the text this test edits").contains(find);
    return SpecValidator.from(write(original.replace(find, replacement)));
  }

  private Path write(String yaml) throws IOException {
    Path file = tempDir.resolve("images.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static String spec() {
    try (InputStream in =
        Objects.requireNonNull(
            SpecValidator.class.getResourceAsStream(SpecValidator.CLASSPATH_RESOURCE))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A valid minimal request with one field set (or replaced) to the given JSON text. */
  private static @Nullable Object request(String field, String valueJson) {
    StringBuilder body = new StringBuilder("{");
    if (!field.equals("prompt")) {
      body.append("\"prompt\": \"cat\", ");
    }
    if (!field.equals("model")) {
      body.append("\"model\": \"m\", ");
    }
    return json(
        body.append('"').append(field).append("\": ").append(valueJson).append('}').toString());
  }

  private static @Nullable Object json(String text) {
    try {
      return JSON.fromJson(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
