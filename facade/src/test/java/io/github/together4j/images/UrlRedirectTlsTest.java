package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.generated.model.ImageChoicesData;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import java.net.InetAddress;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import okio.Buffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where downloads may go: redirects from an https image host are followed to https, never
 * downgraded; a remote host cannot redirect into loopback, link-local or private addresses; plain
 * http is for loopback hosts only. A DNS that maps {@code *.test} names to 127.0.0.1 plays the
 * remote hosts, so nothing leaves loopback.
 */
class UrlRedirectTlsTest {
  @StartStop final MockWebServer secure = new MockWebServer();
  @StartStop final MockWebServer plain = new MockWebServer();
  final byte[] png = TestImages.png(8, 8);
  OkHttpClient trusting;

  @BeforeEach
  void serveHttps() {
    HeldCertificate certificate = new HeldCertificate.Builder()
        .addSubjectAlternativeName(secure.url("/").host())
        .addSubjectAlternativeName("storage.test")
        .build();
    HandshakeCertificates server = new HandshakeCertificates.Builder().heldCertificate(certificate).build();
    HandshakeCertificates client = new HandshakeCertificates.Builder()
        .addTrustedCertificate(certificate.certificate()).build();
    secure.useHttps(server.sslSocketFactory());
    trusting = new OkHttpClient.Builder()
        .sslSocketFactory(client.sslSocketFactory(), client.trustManager())
        .dns(host -> host.endsWith(".test")
            ? List.of(InetAddress.getLoopbackAddress())
            : Dns.SYSTEM.lookup(host))
        .build();
  }

  @Test
  void httpsToHttpsRedirectIsFollowed() {
    secure.enqueue(new MockResponse.Builder().code(302)
        .addHeader("Location", secure.url("/moved.png").toString()).build());
    secure.enqueue(new MockResponse.Builder().body(new Buffer().write(png)).build());

    assertThat(image(secure.url("/img.png?sig=s").toString()).bytes()).isEqualTo(png);
  }

  @Test
  void httpsToPlainHttpRedirectIsRefused() {
    secure.enqueue(new MockResponse.Builder().code(302)
        .addHeader("Location", plain.url("/img.png?sig=leak").toString()).build());

    assertThatThrownBy(() -> image(secure.url("/img.png?sig=s").toString()).bytes())
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("plain http")
        .hasMessageNotContaining("sig=leak");
    assertThat(plain.getRequestCount()).isZero();
  }

  @Test
  void plainHttpToARemoteHostIsRefusedBeforeAnyRequest() {
    String url = "http://storage.test:" + plain.getPort() + "/img.png?sig=s";

    assertThatThrownBy(() -> image(url).bytes())
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("https only")
        .hasMessageNotContaining("sig=s");
    assertThat(plain.getRequestCount()).isZero();
  }

  @Test
  void remoteHostCannotRedirectIntoLoopback() {
    secure.enqueue(new MockResponse.Builder().code(302)
        .addHeader("Location", secure.url("/internal.png").toString()).build());

    assertThatThrownBy(() -> image(remote("/img.png")).bytes())
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("an internal address");
    assertThat(secure.getRequestCount()).isEqualTo(1);
  }

  @Test
  void remoteHostCannotRedirectToANameThatResolvesInternally() {
    secure.enqueue(new MockResponse.Builder().code(302)
        .addHeader("Location", "https://intranet.test:" + secure.getPort() + "/admin.png").build());

    assertThatThrownBy(() -> image(remote("/img.png")).bytes())
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("an internal address");
    assertThat(secure.getRequestCount()).isEqualTo(1);
  }

  @Test
  void remoteHttpsHostServesTheImage() {
    secure.enqueue(new MockResponse.Builder().body(new Buffer().write(png)).build());

    assertThat(image(remote("/img.png")).bytes()).isEqualTo(png);
  }

  /** The secure server, addressed as a remote host name. */
  private String remote(String path) {
    return "https://storage.test:" + secure.getPort() + path;
  }

  private GeneratedImage image(String url) {
    Downloader downloader = new Downloader(trusting, RetryPolicy.standard(0),
        Downloader.DEFAULT_MAX_BYTES, "together4j-test");
    ImageChoicesData data = ImageChoicesData.builder().index(0).url(url).build();
    return ImageGenerationResult.of(TestImages.response(List.of(data)), downloader).images().get(0);
  }
}
