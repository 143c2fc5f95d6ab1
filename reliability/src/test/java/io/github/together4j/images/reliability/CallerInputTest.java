package io.github.together4j.images.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.squareup.moshi.JsonReader;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.TogetherImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okio.Buffer;
import okio.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a caller passes in cannot be turned against them: header values cannot smuggle headers,
 * file-name patterns cannot leave the target directory, and prompts reach the wire unchanged.
 */
class CallerInputTest {
  private static final String KEY = "tgp_v1_CALLERINPUTKEY";

  @StartStop private final MockWebServer wire = new MockWebServer();
  private TogetherImages client;

  @BeforeEach
  void answerEveryRequestWithOnePng() throws IOException {
    String body =
        "{\"id\":\"r\",\"model\":\"m\",\"object\":\"list\",\"data\":[{\"index\":0,"
            + "\"type\":\"b64_json\",\"b64_json\":\""
            + Base64.getEncoder().encodeToString(png())
            + "\"}]}";
    wire.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(body)
                .build();
          }
        });
    client = TogetherImages.builder().apiKey(KEY).baseUrl(wire.url("/v1/").toString()).build();
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  private static byte[] png() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png", out);
    return out.toByteArray();
  }

  // --- Headers --------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"a\rb", "a\nb", "ok\r\nX-Injected: 1", "nul\u0000", "tab\u0001"})
  void headerValuesThatCouldSplitARequestAreRefused(String value) {
    assertThatThrownBy(() -> TogetherImages.builder().addHeader("X-Trace", value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("X-Trace");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"X-Bad\r\nX-Injected", "X-Bad\n", "X Bad", "X-Bad:", "X-Bad/1", "X-Bäd", ""})
  void headerNamesThatAreNotTokensAreRefused(String name) {
    assertThatThrownBy(() -> TogetherImages.builder().addHeader(name, "v"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r\nX-Injected: 1", "\n", "\u0000", "ключ"})
  void apiKeysThatCannotBeAHeaderAreRefusedWithoutEchoingThem(String suffix) {
    String key = "tgp_v1_SECRET" + suffix;
    assertThatThrownBy(() -> TogetherImages.builder().apiKey(key).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("apiKey")
        .hasMessageNotContaining("SECRET");
  }

  @ParameterizedTest
  @ValueSource(strings = {"model\r\nX-Injected: 1", "line\nbreak"})
  void textInTheBodyIsEscapedNotSentAsHeaders(String model) throws Exception {
    client.generate(ImageGenerationRequest.builder("a fox").model(model).build());

    RecordedRequest request = wire.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getHeaders().get("X-Injected")).isNull();
    assertThat(jsonString(request.getBody(), "model")).isEqualTo(model);
  }

  // --- File-name patterns ---------------------------------------------------------------------

  static Stream<String> escapingPatterns() {
    return Stream.of(
        "..",
        ".",
        "../img",
        "../../img_{index}",
        "a/b",
        "/tmp/img",
        "{index}/..",
        "..\\img",
        "a\\b",
        "C:\\img",
        "",
        "  ");
  }

  @ParameterizedTest
  @MethodSource("escapingPatterns")
  void patternsThatLeaveTheDirectoryAreRefusedBeforeTheCall(String pattern, @TempDir Path root)
      throws IOException {
    Path out = root.resolve("out");
    ImageGenerationRequest request = ImageGenerationRequest.of("a fox");

    assertThatThrownBy(() -> client.generateAndSave(request, out, pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namePattern");

    assertThat(wire.getRequestCount()).as("refused before the network").isZero();
    assertThat(listAll(root)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("escapingPatterns")
  void patternsThatLeaveTheDirectoryAreRefusedBySaveAll(String pattern, @TempDir Path root)
      throws IOException {
    Path out = root.resolve("out");
    ImageGenerationResult result = client.generate("a fox");

    assertThatThrownBy(() -> result.saveAll(out, pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namePattern");

    assertThat(listAll(root)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "..{index}.png",
        ".hidden_{index}",
        "{index}..{index}.png",
        "a b_{index}",
        "ünïcødé_{index}",
        "🌻_{index}",
        "{index}",
        "{{index}}"
      })
  void oddButHarmlessPatternsStayInsideTheDirectory(String pattern, @TempDir Path root)
      throws IOException {
    Path out = root.resolve("out");

    Path saved =
        client
            .generateAndSave(ImageGenerationRequest.of("a fox"), out, pattern)
            .images()
            .get(0)
            .path();
    List<Path> again = client.generate("a fox").saveAll(out.resolve("typed"), pattern);

    assertThat(saved.getParent()).isEqualTo(out);
    assertThat(again)
        .singleElement()
        .satisfies(p -> assertThat(p.getParent()).isEqualTo(out.resolve("typed")));
    assertThat(listAll(root)).allSatisfy(p -> assertThat(p).startsWith(out));
    String name = pattern.replace("{index}", "0");
    assertThat(saved.getFileName().toString())
        .isEqualTo(name.endsWith(".png") ? name : name + ".png");
  }

  // --- Prompts ---------------------------------------------------------------------------------

  static Stream<Arguments> unicodePrompts() {
    StringBuilder long10k = new StringBuilder();
    String[] pieces = {"a", "é", "中", "🌻", "ש", "e\u0301", "👩‍👩‍👧"};
    for (int i = 0; long10k.length() < 10_000; i++) {
      long10k.append(pieces[i % pieces.length]);
    }
    return Stream.of(
        Arguments.of("emoji", "a 🌻 field at 🌅, 👩🏽‍🚀 waving, 🏳️‍🌈 flag"),
        Arguments.of("right-to-left", "שדה חמניות בצבעי מים \u200F and عباد الشمس"),
        Arguments.of(
            "combining marks (NFD, not normalized)",
            "cafe\u0301 Zalgo: Z\u0351\u0300\u0301o\u0302"),
        Arguments.of("JSON specials", "quote \" backslash \\ slash / tab \t newline \n nul \u0000"),
        Arguments.of("line and paragraph separators", "a\u2028b\u2029c"),
        Arguments.of("non-BMP and noncharacters", "𝕬𝖑𝖕𝖍𝖆 \uFFFE \uFEFF BOM"),
        Arguments.of("10k characters", long10k.toString()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unicodePrompts")
  void promptsReachTheWireByteExactOnEveryPath(String name, String prompt, @TempDir Path dir)
      throws Exception {
    ImageGenerationRequest request =
        ImageGenerationRequest.builder(prompt).negativePrompt(prompt).build();

    client.generate(request);
    client.generateAsync(request).get(10, TimeUnit.SECONDS);
    client.generateAndSave(request, dir);

    for (int i = 0; i < 3; i++) {
      ByteString body = wire.takeRequest(5, TimeUnit.SECONDS).getBody();
      assertThat(jsonString(body, "prompt").getBytes(UTF_8)).isEqualTo(prompt.getBytes(UTF_8));
      assertThat(jsonString(body, "negative_prompt")).isEqualTo(prompt);
      if (prompt
          .chars()
          .noneMatch(c -> c < 0x20 || c == '"' || c == '\\' || c == 0x2028 || c == 0x2029)) {
        assertThat(body.indexOf(ByteString.encodeUtf8(prompt)))
            .as("the prompt's own UTF-8 bytes")
            .isNotNegative();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"lone high \uD83C", "\uDF3B lone low", "reversed \uDF3B\uD83C"})
  void promptsThatAreNotValidUnicodeAreRefusedNotMangled(String prompt) {
    assertThatThrownBy(() -> ImageGenerationRequest.of(prompt))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prompt")
        .hasMessageContaining("surrogate");
    assertThatThrownBy(() -> ImageGenerationRequest.builder("ok").negativePrompt(prompt).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negativePrompt");
    assertThat(wire.getRequestCount()).isZero();
  }

  static Stream<Arguments> otherTextProperties() {
    String bad = "x\uD83C";
    return Stream.of(
        Arguments.of(
            "model", (Runnable) () -> ImageGenerationRequest.builder("ok").model(bad).build()),
        Arguments.of(
            "imageUrl",
            (Runnable) () -> ImageGenerationRequest.builder("ok").imageUrl(bad).build()),
        Arguments.of(
            "referenceImages",
            (Runnable)
                () -> ImageGenerationRequest.builder("ok").referenceImages(List.of(bad)).build()),
        Arguments.of(
            "imageLoras path",
            (Runnable) () -> ImageGenerationRequest.builder("ok").addImageLora(bad, 1.0).build()),
        Arguments.of(
            "extra property \"style\"",
            (Runnable) () -> ImageGenerationRequest.builder("ok").putExtra("style", List.of(bad))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherTextProperties")
  void everyTextPropertyIsCheckedForUnpairedSurrogates(String field, Runnable build) {
    assertThatThrownBy(build::run)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + " has an unpaired surrogate (U+D83C) at index 1");
  }

  private static String jsonString(ByteString body, String field) throws IOException {
    Object value = JsonReader.of(new Buffer().write(body)).readJsonValue();
    assertThat(value).isInstanceOf(Map.class);
    return (String) ((Map<?, ?>) value).get(field);
  }

  private static List<Path> listAll(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> !p.equals(root)).toList();
    }
  }
}
