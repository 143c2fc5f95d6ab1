package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TogetherImages#generateAndSave}: images decoded from the wire to files, all or nothing.
 */
class StreamingSaveTest {
  @StartStop final MockWebServer api = new MockWebServer();
  @StartStop final MockWebServer storage = new MockWebServer();
  @TempDir Path dir;

  final byte[] png = TestImages.png(120, 80);
  final byte[] jpeg = TestImages.jpeg(90, 60);
  @RegisterExtension final TestClients clients = new TestClients();
  final List<Duration> delays = clients.delays;

  @Test
  void savesEveryImageWithItsNameFormatAndMetadata() throws Exception {
    api.enqueue(json(body("gen-9", item(0, png), item(1, jpeg), item(2, png))));

    SavedImages saved =
        client(0)
            .generateAndSave(
                ImageGenerationRequest.builder("a fox").n(3).build(),
                dir.resolve("out"),
                "fox_{index}");

    assertThat(saved.id()).isEqualTo("gen-9");
    assertThat(saved.model()).isEqualTo("m");
    assertThat(saved.object()).isEqualTo("list");
    assertThat(saved.paths())
        .containsExactly(
            dir.resolve("out/fox_0.png"),
            dir.resolve("out/fox_1.jpg"),
            dir.resolve("out/fox_2.png"));
    assertThat(saved.images())
        .extracting(SavedImages.Image::format)
        .containsExactly(ImageFormat.PNG, ImageFormat.JPEG, ImageFormat.PNG);
    assertThat(saved.images().get(1).size()).isEqualTo(jpeg.length);
    assertThat(dir.resolve("out/fox_1.jpg")).hasBinaryContent(jpeg);
    assertThat(TestImages.names(dir.resolve("out")))
        .containsExactly("fox_0.png", "fox_1.jpg", "fox_2.png");
    String sent = api.takeRequest().getBody().utf8();
    assertThat(sent).contains("\"response_format\":\"base64\"", "\"n\":3");
  }

  @Test
  void readsEscapesLineBreaksFieldOrderAndUnknownFields() throws Exception {
    // index after b64_json, escaped slashes, MIME line breaks, fields the contract does not know.
    String b64 =
        java.util.Base64.getMimeEncoder()
            .encodeToString(png)
            .replace("/", "\\/")
            .replace("\r\n", "\\r\\n");
    api.enqueue(
        json(
            "{\"created\":null,\"data\":[{\"b64_json\":\""
                + b64
                + "\",\"url\":null,"
                + "\"revised_prompt\":null,\"timings\":{\"inference\":1.5},\"index\":0}],"
                + "\"id\":\"gen-1\",\"model\":\"m\",\"object\":\"list\"}"));

    SavedImages saved = client(0).generateAndSave(ImageGenerationRequest.of("a fox"), dir);

    assertThat(saved.paths()).containsExactly(dir.resolve("image_0.png"));
    assertThat(dir.resolve("image_0.png")).hasBinaryContent(png);
  }

  /** A "PNG" of random bytes after the signature: base64 longer than several 64 KiB chunks. */
  byte[] largeImage() {
    byte[] image = new byte[300_000];
    new java.util.Random(21).nextBytes(image);
    System.arraycopy(png, 0, image, 0, 16);
    return image;
  }

  /**
   * Escapes the characters at {@code positions} as backslash-u sequences (both hex cases), every
   * slash as {@code \/}, and adds an escaped line break before each of {@code breaks}.
   */
  static String escaped(
      String b64, java.util.Set<Integer> positions, java.util.Set<Integer> breaks) {
    StringBuilder json = new StringBuilder();
    for (int i = 0; i < b64.length(); i++) {
      char c = b64.charAt(i);
      if (breaks.contains(i)) {
        json.append("\\n");
      }
      if (positions.contains(i)) {
        String hex = String.format(i % 2 == 0 ? "%04x" : "%04X", (int) c);
        json.append("\\u").append(hex);
      } else if (c == '/') {
        json.append("\\/");
      } else {
        json.append(c);
      }
    }
    return json.toString();
  }

  @Test
  void escapesAtChunkAndSegmentBoundariesDecodeExactly() throws Exception {
    byte[] image = largeImage();
    String b64 = TestImages.base64(image);
    java.util.Set<Integer> positions = new java.util.HashSet<>();
    for (int boundary : new int[] {0, 8192, 65536, 131072, b64.length()}) {
      for (int i = boundary - 3; i <= boundary + 3; i++) {
        if (i >= 0 && i < b64.length()) {
          positions.add(i);
        }
      }
    }
    String value = escaped(b64, positions, java.util.Set.of(1, 65535, 100_000));
    // The body trickles in uneven pieces, so values and escapes straddle Okio segments.
    api.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(
                new Buffer()
                    .writeUtf8(body("gen-1", "{\"b64_json\":\"" + value + "\",\"index\":0}")))
            .throttleBody(7777, 1, TimeUnit.MILLISECONDS)
            .build());

    SavedImages saved = client(0).generateAndSave(ImageGenerationRequest.of("a fox"), dir);

    assertThat(saved.images().get(0).size()).isEqualTo(image.length);
    assertThat(dir.resolve("image_0.png")).hasBinaryContent(image);
  }

  /**
   * Values whose ends fall on, just before and just after the 64 KiB chunks the save decodes whole,
   * padded or not, two of them in one body so a chunk read ahead holds one's closing quote and the
   * next one's start.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0} base64 characters, {1} padding")
  @org.junit.jupiter.params.provider.CsvSource({
    "65532, 0",
    "65536, 0",
    "65536, 1",
    "65536, 2",
    "65540, 0",
    "131072, 2",
    "131076, 1",
    "196608, 0"
  })
  void valuesEndingAtAndAroundChunkBoundariesDecodeExactly(int characters, int pads)
      throws Exception {
    byte[] first = imageOfBase64Length(characters, pads, 1);
    byte[] second = imageOfBase64Length(characters, pads, 2);
    assertThat(TestImages.base64(first)).hasSize(characters).endsWith("=".repeat(pads));
    api.enqueue(json(body("gen-1", item(0, first), item(1, second))));

    SavedImages saved =
        client(0).generateAndSave(ImageGenerationRequest.builder("a fox").n(2).build(), dir);

    assertThat(saved.images())
        .extracting(SavedImages.Image::size)
        .containsExactly((long) first.length, (long) second.length);
    assertThat(dir.resolve("image_0.png")).hasBinaryContent(first);
    assertThat(dir.resolve("image_1.png")).hasBinaryContent(second);
  }

  /** A "PNG" whose base64 has {@code characters} characters, the last {@code pads} of them '='. */
  byte[] imageOfBase64Length(int characters, int pads, int seed) {
    byte[] image = new byte[characters / 4 * 3 - pads];
    new java.util.Random(seed).nextBytes(image);
    System.arraycopy(png, 0, image, 0, 16);
    return image;
  }

  @Test
  void aBadCharacterInsideAWholeChunkIsReportedAtItsOffset() throws Exception {
    String b64 = TestImages.base64(largeImage());
    for (int offset : new int[] {0, 10, 65535, 65536, 70_001}) {
      String bad = b64.substring(0, offset) + "-" + b64.substring(offset + 1);
      api.enqueue(json(body("gen-1", "{\"index\":0,\"b64_json\":\"" + bad + "\"}")));

      MalformedResponseException e =
          catchThrowableOfType(
              MalformedResponseException.class,
              () -> client(0).generateAndSave(ImageGenerationRequest.of("a fox"), dir));

      assertThat(e).hasMessageContaining("unexpected '-' at offset " + offset + " (URL-safe");
      assertThat(TestImages.names(dir)).isEmpty();
    }
  }

  @Test
  void badEscapesAreMalformedAndLeaveNothing() throws Exception {
    String b64 = TestImages.base64(largeImage());
    // An unknown escape; an escaped character outside ASCII, which is no base64 at its offset.
    Map<String, String> cases =
        Map.of(
            b64.substring(0, 70_000) + "\\x" + b64.substring(70_000),
            "Invalid escape sequence: \\x",
            b64.substring(0, 65_537) + "\\u00e9" + b64.substring(65_538),
            "$.data[0] is not valid base64: unexpected U+00FF at offset 65537");
    for (Map.Entry<String, String> bad : cases.entrySet()) {
      api.enqueue(json(body("gen-1", "{\"index\":0,\"b64_json\":\"" + bad.getKey() + "\"}")));

      MalformedResponseException e =
          catchThrowableOfType(
              MalformedResponseException.class,
              () -> client(2).generateAndSave(ImageGenerationRequest.of("a fox"), dir));

      assertThat(e).hasMessageContaining(bad.getValue());
      assertThat(TestImages.names(dir)).isEmpty();
    }
    assertThat(api.getRequestCount()).isEqualTo(2);
  }

  @Test
  void bodyEndingInsideAnEscapeIsMalformedAndNotRetried() throws Exception {
    String b64 = TestImages.base64(largeImage());
    for (String cut : List.of("\\", "\\u00")) {
      api.enqueue(json("{\"id\":\"g\",\"data\":[{\"index\":0,\"b64_json\":\"" + b64 + cut));

      MalformedResponseException e =
          catchThrowableOfType(
              MalformedResponseException.class,
              () -> client(2).generateAndSave(ImageGenerationRequest.of("a fox"), dir));

      assertThat(e).as(cut).hasMessageContaining("End of input");
      assertThat(TestImages.names(dir)).isEmpty();
    }
    assertThat(api.getRequestCount()).isEqualTo(2);
  }

  @Test
  void explicitUrlFormatIsDownloaded() throws Exception {
    storage.enqueue(new MockResponse.Builder().body(new Buffer().write(jpeg)).build());
    api.enqueue(
        json(
            "{\"id\":\"g\",\"model\":\"m\",\"object\":\"list\",\"data\":[{\"index\":0,\"url\":\""
                + storage.url("/img.jpg?sig=s")
                + "\",\"type\":\"url\"}]}"));

    SavedImages saved =
        client(0)
            .generateAndSave(
                ImageGenerationRequest.builder("a fox").responseFormat(ResponseFormat.URL).build(),
                dir);

    assertThat(saved.paths()).containsExactly(dir.resolve("image_0.jpg"));
    assertThat(dir.resolve("image_0.jpg")).hasBinaryContent(jpeg);
    assertThat(api.takeRequest().getBody().utf8()).contains("\"response_format\":\"url\"");
    assertThat(storage.takeRequest().getHeaders().get("Authorization")).isNull();
  }

  @Test
  void bodyCutMidwayLeavesNothingAndIsRetried() throws Exception {
    String body = body("gen-1", item(0, png), item(1, png));
    api.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(body)
            .throttleBody(1024, 0, TimeUnit.MILLISECONDS)
            .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    api.enqueue(json(body));

    SavedImages saved =
        client(1).generateAndSave(ImageGenerationRequest.builder("a fox").n(2).build(), dir);

    assertThat(saved.paths()).hasSize(2);
    assertThat(TestImages.names(dir)).containsExactly("image_0.png", "image_1.png");
    assertThat(api.getRequestCount()).isEqualTo(2);
    assertThat(delays).hasSize(1);
  }

  @Test
  void bodyCutMidwayWithoutRetriesLeavesAnEmptyDirectory() throws Exception {
    api.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(body("gen-1", item(0, png), item(1, png)))
            .throttleBody(1024, 0, TimeUnit.MILLISECONDS)
            .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
            .build());

    ApiConnectionException e =
        catchThrowableOfType(
            ApiConnectionException.class,
            () ->
                client(0)
                    .generateAndSave(ImageGenerationRequest.builder("a fox").n(2).build(), dir));

    assertThat(e).isNotNull();
    assertThat(TestImages.names(dir)).isEmpty();
  }

  @Test
  void invalidBase64InALaterImageLeavesNothing() throws Exception {
    String bad = TestImages.withBadCharNearEnd(TestImages.base64(png), '%', 10);
    api.enqueue(json(body("gen-1", item(0, png), "{\"index\":1,\"b64_json\":\"" + bad + "\"}")));

    MalformedResponseException e =
        catchThrowableOfType(
            MalformedResponseException.class,
            () ->
                client(0)
                    .generateAndSave(ImageGenerationRequest.builder("a fox").n(2).build(), dir));

    assertThat(e)
        .hasMessageContaining("$.data[1]")
        .hasMessageContaining("unexpected '%' at offset " + (TestImages.base64(png).length() - 10));
    assertThat(e.statusCode()).isEqualTo(200);
    assertThat(TestImages.names(dir)).isEmpty();
    assertThat(api.getRequestCount()).isEqualTo(1);
  }

  @Test
  void responseThatIsNotTheContractLeavesNothing() throws Exception {
    api.enqueue(
        json(
            "{\"id\":\"g\",\"model\":\"m\",\"object\":\"list\",\"data\":[{\"b64_json\":\""
                + TestImages.base64(png)
                + "\"}]}"));

    MalformedResponseException e =
        catchThrowableOfType(
            MalformedResponseException.class,
            () -> client(0).generateAndSave(ImageGenerationRequest.of("a fox"), dir));

    assertThat(e).hasMessageContaining("index is required at $.data[0]");
    assertThat(TestImages.names(dir)).isEmpty();
  }

  @Test
  void existingFileFailsBeforeAnyFileIsPublished() throws Exception {
    Files.writeString(dir.resolve("image_1.png"), "previous");
    api.enqueue(json(body("gen-1", item(0, png), item(1, png))));

    UncheckedIOException e =
        catchThrowableOfType(
            UncheckedIOException.class,
            () ->
                client(0)
                    .generateAndSave(ImageGenerationRequest.builder("a fox").n(2).build(), dir));

    assertThat(e.getCause()).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(TestImages.names(dir)).containsExactly("image_1.png");
    assertThat(dir.resolve("image_1.png")).hasContent("previous");
  }

  @Test
  void overwriteReplacesExistingFiles() throws Exception {
    Files.writeString(dir.resolve("image_0.png"), "previous");
    api.enqueue(json(body("gen-1", item(0, png))));

    client(0).generateAndSave(ImageGenerationRequest.of("a fox"), dir, SaveOption.OVERWRITE);

    assertThat(dir.resolve("image_0.png")).hasBinaryContent(png);
  }

  @Test
  void errorStatusIsMappedAndRetryableStatusRetried() throws Exception {
    api.enqueue(
        new MockResponse.Builder()
            .code(503)
            .addHeader("Content-Type", "application/json")
            .body("{\"error\":{\"message\":\"busy\",\"type\":\"server_overloaded\"}}")
            .build());
    api.enqueue(
        new MockResponse.Builder()
            .code(400)
            .addHeader("Content-Type", "application/json")
            .body(
                "{\"error\":{\"message\":\"bad width\",\"type\":\"invalid_request_error\",\"param\":\"width\"}}")
            .build());

    BadRequestException e =
        catchThrowableOfType(
            BadRequestException.class,
            () -> client(2).generateAndSave(ImageGenerationRequest.of("a fox"), dir));

    assertThat(e.param()).isEqualTo("width");
    assertThat(e.attempts()).isEqualTo(2);
    assertThat(TestImages.names(dir)).isEmpty();
  }

  @Test
  void patternWithoutIndexForSeveralImagesIsRefusedBeforeTheCall() {
    IllegalArgumentException e =
        catchThrowableOfType(
            IllegalArgumentException.class,
            () ->
                client(0)
                    .generateAndSave(
                        ImageGenerationRequest.builder("a fox").n(2).build(), dir, "fox"));

    assertThat(e).hasMessageContaining("{index}");
    assertThat(api.getRequestCount()).isZero();
  }

  private TogetherImages client(int maxRetries) {
    return clients.client(api, maxRetries);
  }

  static String item(int index, byte[] image) {
    return "{\"index\":"
        + index
        + ",\"b64_json\":\""
        + TestImages.base64(image)
        + "\",\"type\":\"b64_json\"}";
  }

  static String body(String id, String... items) {
    return "{\"id\":\""
        + id
        + "\",\"model\":\"m\",\"object\":\"list\",\"data\":["
        + String.join(",", items)
        + "]}";
  }

  static MockResponse json(String body) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "application/json")
        .body(new Buffer().writeString(body, StandardCharsets.UTF_8))
        .build();
  }
}
