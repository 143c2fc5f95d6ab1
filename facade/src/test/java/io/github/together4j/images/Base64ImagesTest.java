package io.github.together4j.images;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Base64ImagesTest {
  private static final String PREFIX = "base64 text is not valid base64: ";

  private static final byte[] PNG = TestImages.png(64, 48);
  private static final byte[] JPEG = TestImages.jpeg(40, 30);
  private static final byte[] WEBP = TestImages.webp();
  private static final byte[] GIF = TestImages.gif(9, 7);

  /** The real fixtures, named; together they cover every length remainder mod 3. */
  private static Map<String, byte[]> images() {
    Map<String, byte[]> images = new LinkedHashMap<>();
    images.put("PNG", PNG);
    images.put("JPEG", JPEG);
    images.put("WebP", WEBP);
    images.put("PNG, length % 3 == 0", Arrays.copyOf(PNG, 300));
    images.put("PNG, length % 3 == 1", Arrays.copyOf(PNG, 301));
    images.put("PNG, length % 3 == 2", Arrays.copyOf(PNG, 302));
    return images;
  }

  private static byte[] random(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A real PNG followed by junk, so it is larger than one 64 KiB copy buffer, yet still a PNG. */
  private static byte[] largePng() {
    return concat(PNG, random(200_000, 7));
  }

  /** {@code text} with {@code bad} inserted {@code fromEnd} characters before its end. */

  /** Reads {@code in} to the end with reads of at most {@code len} bytes at offset 3. */
  private static byte[] readInChunks(InputStream in, int len) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[len + 6];
    while (true) {
      Arrays.fill(buffer, (byte) 0x5a);
      int n = in.read(buffer, 3, len);
      if (n == -1) {
        break;
      }
      assertThat(n).as("bytes read with len %d", len).isBetween(1, len);
      for (int i = 0; i < buffer.length; i++) {
        if (i < 3 || i >= 3 + n) {
          assertThat(buffer[i])
              .as("byte %d outside what read(b, 3, %d) returned", i, len)
              .isEqualTo((byte) 0x5a);
        }
      }
      out.write(buffer, 3, n);
    }
    assertThat(in.read(buffer, 3, len)).as("read after the end").isEqualTo(-1);
    assertThat(in.read()).as("read() after the end").isEqualTo(-1);
    return out.toByteArray();
  }

  // ---------------------------------------------------------------------------------------------
  // decode: valid text

  @Test
  void decodesStandardPaddedText() {
    images()
        .forEach(
            (name, bytes) -> {
              String text = Base64.getEncoder().encodeToString(bytes);
              assertThat(Base64Images.decode(text)).as(name).isEqualTo(bytes);
            });
    assertThat(Base64.getEncoder().encodeToString(WEBP))
        .as("the WebP fixture is padded")
        .endsWith("==");
  }

  @Test
  void paddingIsOptional() {
    images()
        .forEach(
            (name, bytes) -> {
              String text = Base64.getEncoder().withoutPadding().encodeToString(bytes);
              assertThat(text).doesNotContain("=");
              assertThat(Base64Images.decode(text)).as(name).isEqualTo(bytes);
            });
  }

  @Test
  void fixturesAreLongEnoughForLineBreaks() {
    assertThat(Base64.getMimeEncoder().encodeToString(PNG)).contains("\r\n");
    assertThat(Base64.getMimeEncoder().encodeToString(JPEG)).contains("\r\n");
  }

  @Test
  void mimeLineBreaksEvery76CharactersWithCrlfAreAccepted() {
    images()
        .forEach(
            (name, bytes) -> {
              String text = Base64.getMimeEncoder().encodeToString(bytes);
              if (text.length() > 76) {
                assertThat(text.indexOf("\r\n")).as(name).isEqualTo(76);
              }
              assertThat(Base64Images.decode(text)).as(name).isEqualTo(bytes);
            });
  }

  @Test
  void lfOnlyLineBreaksAreAccepted() {
    images()
        .forEach(
            (name, bytes) -> {
              String text = Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(bytes);
              assertThat(text).as(name).doesNotContain("\r");
              if (text.length() > 76) {
                assertThat(text.indexOf('\n')).as(name).isEqualTo(76);
              }
              assertThat(Base64Images.decode(text)).as(name).isEqualTo(bytes);
            });
  }

  @Test
  void trailingLineBreaksAreAccepted() {
    images()
        .forEach(
            (name, bytes) -> {
              String text = Base64.getEncoder().encodeToString(bytes);
              assertThat(Base64Images.decode(text + "\n")).as(name + " + LF").isEqualTo(bytes);
              assertThat(Base64Images.decode(text + "\r\n")).as(name + " + CRLF").isEqualTo(bytes);
              assertThat(Base64Images.decode(text + "\n\n\n"))
                  .as(name + " + LF LF LF")
                  .isEqualTo(bytes);
            });
  }

  @Test
  void lineBreaksAreAcceptedAnywhereEvenInsideAQuantumAndBetweenPads() {
    String text = "QUJDREU=";
    for (int i = 0; i <= text.length(); i++) {
      String broken = text.substring(0, i) + "\r\n" + text.substring(i);
      assertThat(Base64Images.decode(broken))
          .as(broken.replace("\r\n", "\\r\\n"))
          .isEqualTo("ABCDE".getBytes(US_ASCII));
    }
    assertThat(Base64Images.decode("\nQ\nQ\n=\n=\n")).isEqualTo(new byte[] {'A'});
  }

  @Test
  void everyLengthFrom1To10MatchesJavaUtilBase64() {
    for (int length = 1; length <= 10; length++) {
      List<byte[]> samples = new ArrayList<>();
      samples.add(new byte[length]);
      byte[] ones = new byte[length];
      Arrays.fill(ones, (byte) 0xff);
      samples.add(ones);
      for (long seed = 0; seed < 20; seed++) {
        samples.add(random(length, seed * 31 + length));
      }
      for (byte[] sample : samples) {
        String padded = Base64.getEncoder().encodeToString(sample);
        String unpadded = Base64.getEncoder().withoutPadding().encodeToString(sample);
        assertThat(Base64Images.decode(padded))
            .as(padded)
            .isEqualTo(Base64.getDecoder().decode(padded))
            .isEqualTo(sample);
        assertThat(Base64Images.decode(unpadded))
            .as(unpadded)
            .isEqualTo(Base64.getDecoder().decode(unpadded))
            .isEqualTo(sample);
      }
    }
  }

  @Test
  void lengthZeroIsRejectedUnlikeJavaUtilBase64() {
    assertThat(Base64.getDecoder().decode("")).isEmpty();
    assertThatThrownBy(() -> Base64Images.decode(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(PREFIX + "the text is empty at offset 0");
  }

  @Test
  void everyOneAndTwoByteValueRoundTrips() {
    Base64.Encoder encoder = Base64.getEncoder();
    for (int a = 0; a < 256; a++) {
      byte[] one = {(byte) a};
      assertThat(Base64Images.decode(encoder.encodeToString(one))).isEqualTo(one);
      for (int b = 0; b < 256; b++) {
        byte[] two = {(byte) a, (byte) b};
        byte[] decoded = Base64Images.decode(encoder.encodeToString(two));
        if (!Arrays.equals(decoded, two)) {
          assertThat(decoded).as("bytes %02x %02x", a, b).isEqualTo(two);
        }
      }
    }
  }

  @Test
  void decodeRejectsNull() {
    assertThatThrownBy(() -> Base64Images.decode(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("base64 == null");
    assertThatThrownBy(() -> Base64Images.openStream(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("base64 == null");
    assertThatThrownBy(() -> Base64Images.detectFormat(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("base64 == null");
  }

  // ---------------------------------------------------------------------------------------------
  // decode: malformed text

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("space", "QUJD REVG", "unexpected U+0020 at offset 4"),
        Arguments.of("tab", "QUJDREVG\tSElK", "unexpected U+0009 at offset 8"),
        Arguments.of(
            "URL-safe '-'",
            "QUJD-EVG",
            "unexpected '-' at offset 4 (URL-safe base64 is not"
                + " accepted: the standard alphabet uses + and /)"),
        Arguments.of(
            "URL-safe '_'",
            "QU_D",
            "unexpected '_' at offset 2 (URL-safe base64 is not"
                + " accepted: the standard alphabet uses + and /)"),
        Arguments.of("non-ASCII", "QUJDR\u00e9==", "unexpected U+00E9 at offset 5"),
        Arguments.of("NUL", "QU\0JD", "unexpected U+0000 at offset 2"),
        Arguments.of("DEL", "QUJD\177", "unexpected U+007F at offset 4"),
        Arguments.of("'%'", "QUJDREVG%", "unexpected '%' at offset 8"),
        Arguments.of(
            "'=' at a quantum start", "QUJD=EVG", "'=' where no padding is allowed at offset 4"),
        Arguments.of("'=' after one char", "Q=JD", "'=' where no padding is allowed at offset 1"),
        Arguments.of("only padding", "==", "'=' where no padding is allowed at offset 0"),
        Arguments.of("data after padding", "QQ==QQ==", "data after padding at offset 4"),
        Arguments.of("data after one pad", "QUI=QUJD", "data after padding at offset 4"),
        Arguments.of("data between pads", "QQ=Q=", "data after padding at offset 3"),
        Arguments.of("too much padding", "QQ===", "too much padding at offset 4"),
        Arguments.of("too much padding after 3", "QUI==", "too much padding at offset 4"),
        Arguments.of("incomplete padding", "QQ=", "incomplete padding at offset 3"),
        Arguments.of("incomplete padding, line break", "QQ=\n", "incomplete padding at offset 4"),
        Arguments.of(
            "lone final char",
            "QUJDR",
            "a lone final character, so the data is truncated at offset 4"),
        Arguments.of(
            "lone char", "Q", "a lone final character, so the data is truncated at offset 0"),
        Arguments.of("empty", "", "the text is empty at offset 0"),
        Arguments.of("only line breaks", "\r\n\n\r", "the text has no base64 data at offset 0"),
        Arguments.of(
            "data URI",
            "data:image/png;base64,iVBORw0KGgo=",
            "unexpected ':' at offset 4 (this is a data URI: pass the text after its comma)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedTextIsRejectedWithTheOffset(String name, String text, String problem) {
    assertThatThrownBy(() -> Base64Images.decode(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(PREFIX + problem);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedTextFailsTheStreamWhenReadWithTheSameMessage(
      String name, String text, String problem) {
    InputStream in = Base64Images.openStream(text);
    assertThatThrownBy(in::readAllBytes)
        .isInstanceOf(IOException.class)
        .hasMessage(PREFIX + problem);
  }

  @Test
  void messagesNameCharactersByCodePointNotRaw() {
    assertThatThrownBy(() -> Base64Images.decode("QUJD\u00e9"))
        .hasMessageContaining("U+00E9")
        .hasMessageNotContaining("\u00e9");
    assertThatThrownBy(() -> Base64Images.decode("QUJD\0"))
        .hasMessageContaining("U+0000")
        .hasMessageNotContaining("\0");
    assertThatThrownBy(() -> Base64Images.decode("QUJD\uD83D\uDE00"))
        .hasMessage(PREFIX + "unexpected U+D83D at offset 4");
  }

  @Test
  void loneFinalCharacterBeforeATrailingLineBreakIsReportedAtItsOwnOffset() {
    assertThatThrownBy(() -> Base64Images.decode("QUJDR\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(PREFIX + "a lone final character, so the data is truncated at offset 4");
  }

  @Test
  void messagesNeverContainThePayload() {
    String payload = Base64.getEncoder().encodeToString(random(30_000, 99));
    String bad = TestImages.withBadCharNearEnd(payload, '*', 40);
    int offset = payload.length() - 40;

    assertThatThrownBy(() -> Base64Images.decode(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(PREFIX + "unexpected '*' at offset " + offset)
        .satisfies(
            e -> {
              String message = e.getMessage();
              assertThat(message.length()).isLessThan(100);
              for (int start = 0; start + 20 <= bad.length(); start += 997) {
                assertThat(message).doesNotContain(bad.substring(start, start + 20));
              }
              assertThat(message)
                  .doesNotContain(bad.substring(offset - 20, offset))
                  .doesNotContain(bad.substring(offset + 1, offset + 21));
            });
    assertThatThrownBy(
            () -> Base64Images.openStream(bad).transferTo(OutputStream.nullOutputStream()))
        .isInstanceOf(IOException.class)
        .hasMessage(PREFIX + "unexpected '*' at offset " + offset);

    String uri = "data:image/png;base64," + payload;
    assertThatThrownBy(() -> Base64Images.decode(uri))
        .hasMessageNotContaining(payload.substring(0, 20))
        .hasMessageNotContaining("image/png");
  }

  // ---------------------------------------------------------------------------------------------
  // openStream

  @Test
  void hugeInputIsDecodedAsAStreamThroughAFixedBuffer() throws Exception {
    // 48 KiB of bytes encode to exactly 64 Ki characters, without padding, so copies concatenate.
    byte[] chunk = random(48 * 1024, 2024);
    String chunkText = Base64.getEncoder().encodeToString(chunk);
    assertThat(chunkText).hasSize(64 * 1024);
    int repeats = 1024;
    StringBuilder text = new StringBuilder(chunkText.length() * repeats);
    MessageDigest expected = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < repeats; i++) {
      text.append(chunkText);
      expected.update(chunk);
    }
    byte[] expectedDigest = expected.digest();

    MessageDigest actual = MessageDigest.getInstance("SHA-256");
    long[] written = new long[1];
    int[] largestWrite = new int[1];
    OutputStream digesting =
        new OutputStream() {
          @Override
          public void write(int b) {
            actual.update((byte) b);
            written[0]++;
          }

          @Override
          public void write(byte[] b, int off, int len) {
            actual.update(b, off, len);
            written[0] += len;
            largestWrite[0] = Math.max(largestWrite[0], len);
          }
        };
    long transferred =
        assertTimeout(
            Duration.ofSeconds(30),
            () -> {
              try (InputStream in = Base64Images.openStream(text)) {
                return in.transferTo(digesting);
              }
            });

    assertThat(transferred).isEqualTo(48L * 1024 * 1024);
    assertThat(written[0]).isEqualTo(48L * 1024 * 1024);
    assertThat(largestWrite[0]).as("largest single write").isLessThanOrEqualTo(64 * 1024);
    assertThat(actual.digest()).isEqualTo(expectedDigest);
  }

  @Test
  void readsOfEveryLengthMatchJavaUtilBase64() throws IOException {
    Map<String, byte[]> inputs = new LinkedHashMap<>();
    for (int length : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 100, 1001}) {
      inputs.put(length + " random bytes", random(length, length));
    }
    inputs.put("WebP", WEBP);
    inputs.put("JPEG", JPEG);
    for (Map.Entry<String, byte[]> input : inputs.entrySet()) {
      byte[] bytes = input.getValue();
      String standard = Base64.getEncoder().encodeToString(bytes);
      Map<String, String> texts = new LinkedHashMap<>();
      texts.put("padded", standard);
      texts.put("unpadded", Base64.getEncoder().withoutPadding().encodeToString(bytes));
      texts.put("MIME", Base64.getMimeEncoder().encodeToString(bytes));
      texts.put("LF after every char", String.join("\n", standard.split("")) + "\n");
      for (Map.Entry<String, String> text : texts.entrySet()) {
        byte[] reference = bytes;
        String what = input.getKey() + ", " + text.getKey();
        for (int len = 1; len <= 8; len++) {
          assertThat(readInChunks(Base64Images.openStream(text.getValue()), len))
              .as("%s, read(b, 3, %d)", what, len)
              .isEqualTo(reference);
        }
        InputStream in = Base64Images.openStream(text.getValue());
        ByteArrayOutputStream single = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != -1; ) {
          assertThat(b).isBetween(0, 255);
          single.write(b);
        }
        assertThat(in.read()).isEqualTo(-1);
        assertThat(single.toByteArray()).as("%s, read()", what).isEqualTo(reference);
      }
    }
  }

  @Test
  void mixingReadLengthsKeepsTheCarriedBytes() throws IOException {
    byte[] bytes = random(1000, 5);
    String text = Base64.getEncoder().encodeToString(bytes);
    Random random = new Random(11);
    for (int round = 0; round < 50; round++) {
      InputStream in = Base64Images.openStream(text);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[16];
      while (true) {
        if (random.nextInt(4) == 0) {
          int b = in.read();
          if (b == -1) {
            break;
          }
          out.write(b);
        } else {
          int n = in.read(buffer, 0, 1 + random.nextInt(buffer.length));
          if (n == -1) {
            break;
          }
          out.write(buffer, 0, n);
        }
      }
      assertThat(out.toByteArray()).as("round %d", round).isEqualTo(bytes);
    }
  }

  @Test
  void readOfZeroBytesReturnsZeroAndBoundsAreChecked() throws IOException {
    InputStream in = Base64Images.openStream("QUJD");
    byte[] buffer = new byte[4];
    assertThat(in.read(buffer, 2, 0)).isZero();
    assertThatThrownBy(() -> in.read(buffer, 3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> in.read(buffer, -1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(in.readAllBytes()).isEqualTo("ABC".getBytes(US_ASCII));
  }

  @Test
  void openStreamDecodesLazilyAndFailsOnlyWhenReadReachesTheProblem() throws IOException {
    InputStream in = Base64Images.openStream("QUJDREVG%SElK");
    for (char expected : "ABCDEF".toCharArray()) {
      assertThat(in.read()).isEqualTo(expected);
    }
    assertThatThrownBy(in::read)
        .isInstanceOf(IOException.class)
        .hasMessage(PREFIX + "unexpected '%' at offset 8");
    // The stream stays at the problem: reading again fails the same way.
    assertThatThrownBy(() -> in.read(new byte[8], 0, 8))
        .isInstanceOf(IOException.class)
        .hasMessage(PREFIX + "unexpected '%' at offset 8");
  }

  @Test
  void openStreamOfLargeInvalidTextFailsWithTheOffset() {
    String text = TestImages.withBadCharNearEnd(TestImages.base64(largePng()), '%', 10);
    int offset = text.length() - 11;
    InputStream in = Base64Images.openStream(text);
    assertThatThrownBy(() -> in.transferTo(OutputStream.nullOutputStream()))
        .isInstanceOf(IOException.class)
        .hasMessage(PREFIX + "unexpected '%' at offset " + offset);
  }

  // ---------------------------------------------------------------------------------------------
  // detectFormat, dataUri

  @Test
  void detectFormatRecognizesEachFormat() {
    assertThat(Base64Images.detectFormat(TestImages.base64(PNG))).isEqualTo(ImageFormat.PNG);
    assertThat(Base64Images.detectFormat(TestImages.base64(JPEG))).isEqualTo(ImageFormat.JPEG);
    assertThat(Base64Images.detectFormat(TestImages.base64(WEBP))).isEqualTo(ImageFormat.WEBP);
    assertThat(Base64Images.detectFormat(TestImages.base64(GIF))).isEqualTo(ImageFormat.GIF);
    assertThat(Base64Images.detectFormat(Base64.getMimeEncoder().encodeToString(JPEG)))
        .isEqualTo(ImageFormat.JPEG);
    assertThat(Base64Images.detectFormat("\r\n" + TestImages.base64(GIF)))
        .isEqualTo(ImageFormat.GIF);
    assertThat(Base64Images.detectFormat("QUJD")).isEqualTo(ImageFormat.UNKNOWN);
    assertThat(
            Base64Images.detectFormat(
                TestImages.base64("<html><body>Bad gateway</body></html>".getBytes(US_ASCII))))
        .isEqualTo(ImageFormat.UNKNOWN);
  }

  @Test
  void detectFormatDecodesOnlyTheStart() {
    String png = TestImages.base64(PNG);
    String text = png.substring(0, 16) + "%%%% not base64 at all \u00e9\u00e9";
    assertThat(Base64Images.detectFormat(text)).isEqualTo(ImageFormat.PNG);
    assertThatThrownBy(() -> Base64Images.decode(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(PREFIX + "unexpected '%' at offset 16");
  }

  @Test
  void detectFormatRejectsAnInvalidStart() {
    assertThatThrownBy(() -> Base64Images.detectFormat("iVBOR w0KGgo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(PREFIX + "unexpected U+0020 at offset 5");
    assertThatThrownBy(() -> Base64Images.detectFormat(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(PREFIX + "the text is empty at offset 0");
    assertThatThrownBy(() -> Base64Images.detectFormat("data:image/png;base64,iVBORw0KGgo="))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset 4")
        .hasMessageContaining("data URI");
  }

  @Test
  void dataUriUsesTheDetectedMediaTypeAndDropsLineBreaks() {
    String png = TestImages.base64(PNG);
    assertThat(Base64Images.dataUri(png)).isEqualTo("data:image/png;base64," + png);
    assertThat(Base64Images.dataUri(Base64.getMimeEncoder().encodeToString(PNG)))
        .isEqualTo("data:image/png;base64," + png);
    String jpeg = TestImages.base64(JPEG);
    assertThat(
            Base64Images.dataUri(
                Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(JPEG) + "\n"))
        .isEqualTo("data:image/jpeg;base64," + jpeg);
    assertThat(Base64Images.dataUri(TestImages.base64(WEBP)))
        .isEqualTo("data:image/webp;base64," + TestImages.base64(WEBP));
    assertThat(Base64Images.dataUri(TestImages.base64(GIF)))
        .isEqualTo("data:image/gif;base64," + TestImages.base64(GIF));
    // Not an image: the generic media type, no error.
    assertThat(Base64Images.dataUri("QUJD")).isEqualTo("data:application/octet-stream;base64,QUJD");
    assertThat(Base64Images.dataUri("QUJD\r\nREVG"))
        .isEqualTo("data:application/octet-stream;base64,QUJDREVG");
    assertThatThrownBy(() -> Base64Images.dataUri("QU-D"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset 2");
  }

  @Test
  void dataUriChecksOnlyTheStartOfTheText() {
    // Observed: like detectFormat, dataUri decodes only the first characters, so text that is
    // invalid later still becomes a data: URI, invalid as it is.
    String png = TestImages.base64(PNG);
    String broken = png.substring(0, 16) + "%%%%";
    assertThat(Base64Images.dataUri(broken)).isEqualTo("data:image/png;base64," + broken);
  }

  // ---------------------------------------------------------------------------------------------
  // save

  @Test
  void saveAddsTheDetectedExtensionToANameWithout(@TempDir Path dir) throws IOException {
    Map<String, byte[]> cases = new LinkedHashMap<>();
    cases.put("png", PNG);
    cases.put("jpg", JPEG);
    cases.put("webp", WEBP);
    cases.put("gif", GIF);
    for (Map.Entry<String, byte[]> c : cases.entrySet()) {
      Path file =
          Base64Images.save(TestImages.base64(c.getValue()), dir.resolve("pic_" + c.getKey()));
      assertThat(file).isEqualTo(dir.resolve("pic_" + c.getKey() + "." + c.getKey()));
      assertThat(Files.readAllBytes(file)).isEqualTo(c.getValue());
    }
    assertThat(TestImages.names(dir))
        .containsExactly("pic_gif.gif", "pic_jpg.jpg", "pic_png.png", "pic_webp.webp");
  }

  @Test
  void saveDecodesMimeText(@TempDir Path dir) throws IOException {
    Path file =
        Base64Images.save(Base64.getMimeEncoder().encodeToString(JPEG), dir.resolve("photo"));
    assertThat(file).isEqualTo(dir.resolve("photo.jpg"));
    assertThat(Files.readAllBytes(file)).isEqualTo(JPEG);
  }

  @Test
  void saveIntoAnExistingDirectoryWritesImage0(@TempDir Path dir) throws IOException {
    Path file = Base64Images.save(TestImages.base64(PNG), dir);
    assertThat(file).isEqualTo(dir.resolve("image_0.png"));
    assertThat(Files.readAllBytes(file)).isEqualTo(PNG);
    assertThat(TestImages.names(dir)).containsExactly("image_0.png");
  }

  @Test
  void saveCreatesMissingDirectories(@TempDir Path dir) throws IOException {
    Path file = Base64Images.save(TestImages.base64(WEBP), dir.resolve("a/b/c/out"));
    assertThat(file).isEqualTo(dir.resolve("a/b/c/out.webp"));
    assertThat(Files.readAllBytes(file)).isEqualTo(WEBP);
  }

  @Test
  void saveKeepsAMatchingExtensionAndRefusesAnotherUnlessKeepExtension(@TempDir Path dir)
      throws IOException {
    assertThat(Base64Images.save(TestImages.base64(JPEG), dir.resolve("a.jpeg")))
        .isEqualTo(dir.resolve("a.jpeg"));
    Path wrong = dir.resolve("b.png");
    assertThatThrownBy(() -> Base64Images.save(TestImages.base64(JPEG), wrong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(wrong.toString())
        .hasMessageContaining("JPEG")
        .hasMessageContaining("SaveOption.KEEP_EXTENSION");
    assertThat(wrong).doesNotExist();
    assertThat(Base64Images.save(TestImages.base64(JPEG), wrong, SaveOption.KEEP_EXTENSION))
        .isEqualTo(wrong);
    assertThat(Files.readAllBytes(wrong)).isEqualTo(JPEG);
  }

  @Test
  void saveRefusesContentThatIsNoImageAndWritesNothing(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("sub/out");
    assertThatThrownBy(() -> Base64Images.save("QUJDREVGR0hJSktM", target))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "base64 text decodes to bytes that are not a PNG, JPEG, WebP or GIF image"
                + " (starts with 41 42 43 44 45 46 47 48 49 4a 4b 4c)");
    assertThatThrownBy(() -> Base64Images.save("QUJD", dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("(starts with 41 42 43)");
    assertThat(TestImages.names(dir)).isEmpty();
  }

  @Test
  void saveOfInvalidBase64ThrowsAndLeavesNoFileAndNoPartFile(@TempDir Path dir) throws IOException {
    String text = TestImages.withBadCharNearEnd(TestImages.base64(largePng()), '%', 100);
    int offset = text.length() - 101;
    assertThatThrownBy(() -> Base64Images.save(text, dir.resolve("broken")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(PREFIX + "unexpected '%' at offset " + offset);
    assertThatThrownBy(() -> Base64Images.save(text, dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset " + offset);
    assertThat(TestImages.names(dir)).isEmpty();
  }

  @Test
  void saveNeverReplacesAnExistingFileWithoutOverwrite(@TempDir Path dir) throws IOException {
    Path existing = dir.resolve("out.png");
    Files.writeString(existing, "precious");
    for (Path target : List.of(existing, dir.resolve("out"))) {
      assertThatThrownBy(() -> Base64Images.save(TestImages.base64(PNG), target))
          .isInstanceOf(UncheckedIOException.class)
          .hasCauseInstanceOf(FileAlreadyExistsException.class)
          .hasMessageContaining(existing.toString());
    }
    assertThat(Files.readString(existing)).isEqualTo("precious");
    assertThat(TestImages.names(dir)).containsExactly("out.png");
  }

  @Test
  void saveWithOverwriteReplacesTheFile(@TempDir Path dir) throws IOException {
    Path existing = dir.resolve("out.png");
    Files.writeString(existing, "old");
    assertThat(Base64Images.save(TestImages.base64(PNG), dir.resolve("out"), SaveOption.OVERWRITE))
        .isEqualTo(existing);
    assertThat(Files.readAllBytes(existing)).isEqualTo(PNG);
    assertThat(TestImages.names(dir)).containsExactly("out.png");
  }

  @Test
  void saveRejectsNullArguments(@TempDir Path dir) {
    String png = TestImages.base64(PNG);
    assertThatThrownBy(() -> Base64Images.save(null, dir))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("base64 == null");
    assertThatThrownBy(() -> Base64Images.save(png, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("target == null");
    assertThatThrownBy(() -> Base64Images.save(png, dir, (SaveOption) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("options contains null");
  }
}
