package io.github.together4j.images.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/** The raw streaming baseline must decode correctly, or its numbers mean nothing. */
class JsonStringInputStreamTest {
  @Test
  void unescapesWhatJsonAllowsInBase64AndStopsAtTheQuote() throws IOException {
    String json = "\"QUJD\\/\\/\\n\\r\\u0041\\u000a\"";
    assertThat(bulk(json)).isEqualTo("QUJD//A");
    assertThat(single(json)).isEqualTo("QUJD//A");
  }

  @Test
  void decodesALargeValueThroughTheJdkDecoder() throws IOException {
    byte[] data = new byte[300_000];
    new java.util.Random(1).nextBytes(data);
    String json = "\"" + Base64.getEncoder().encodeToString(data).replace("/", "\\/") + "\"";
    try (InputStream in = Base64.getDecoder().wrap(stream(json))) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void refusesEscapesBase64CannotHaveAndUnterminatedStrings() {
    assertThatThrownBy(() -> bulk("\"QU\\tJD\"")).hasMessageContaining("cannot be base64");
    assertThatThrownBy(() -> bulk("\"QUJD")).isInstanceOf(java.io.EOFException.class);
    assertThatThrownBy(() -> bulk("QUJD")).hasMessageContaining("not a JSON string");
  }

  private static JsonStringInputStream stream(String json) throws IOException {
    return new JsonStringInputStream(new Buffer().writeUtf8(json));
  }

  private static String bulk(String json) throws IOException {
    return new String(stream(json).readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  private static String single(String json) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = stream(json)) {
      for (int c; (c = in.read()) != -1; ) {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }
}
