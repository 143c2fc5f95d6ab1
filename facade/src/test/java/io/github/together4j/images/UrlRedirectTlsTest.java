package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.generated.model.ImageChoicesData;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
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

  /** Plays a public image host reached at a documentation address (see {@link #mapping}). */
  @StartStop final MockWebServer publicHost = new MockWebServer();

  /** Plays a host inside the user's network, at 127.0.0.1. */
  @StartStop final MockWebServer intranet = new MockWebServer();

  final byte[] png = TestImages.png(8, 8);
  OkHttpClient trusting;

  @BeforeEach
  void serveHttps() {
    HeldCertificate certificate =
        new HeldCertificate.Builder()
            .addSubjectAlternativeName(secure.url("/").host())
            .addSubjectAlternativeName("storage.test")
            .addSubjectAlternativeName("intranet.test")
            .addSubjectAlternativeName("rebind.test")
            .build();
    HandshakeCertificates server =
        new HandshakeCertificates.Builder().heldCertificate(certificate).build();
    HandshakeCertificates client =
        new HandshakeCertificates.Builder()
            .addTrustedCertificate(certificate.certificate())
            .build();
    secure.useHttps(server.sslSocketFactory());
    publicHost.useHttps(server.sslSocketFactory());
    intranet.useHttps(server.sslSocketFactory());
    trusting =
        new OkHttpClient.Builder()
            .sslSocketFactory(client.sslSocketFactory(), client.trustManager())
            .dns(
                host ->
                    host.endsWith(".test")
                        ? List.of(InetAddress.getLoopbackAddress())
                        : Dns.SYSTEM.lookup(host))
            .build();
  }

  @Test
  void httpsToHttpsRedirectIsFollowed() {
    secure.enqueue(
        new MockResponse.Builder()
            .code(302)
            .addHeader("Location", secure.url("/moved.png").toString())
            .build());
    secure.enqueue(new MockResponse.Builder().body(new Buffer().write(png)).build());

    assertThat(image(secure.url("/img.png?sig=s").toString()).bytes()).isEqualTo(png);
  }

  @Test
  void httpsToPlainHttpRedirectIsRefused() {
    secure.enqueue(
        new MockResponse.Builder()
            .code(302)
            .addHeader("Location", plain.url("/img.png?sig=leak").toString())
            .build());

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
    secure.enqueue(
        new MockResponse.Builder()
            .code(302)
            .addHeader("Location", secure.url("/internal.png").toString())
            .build());

    assertThatThrownBy(() -> image(remote("/img.png")).bytes())
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("an internal address");
    assertThat(secure.getRequestCount()).isEqualTo(1);
  }

  @Test
  void remoteHostCannotRedirectToANameThatResolvesInternally() {
    secure.enqueue(
        new MockResponse.Builder()
            .code(302)
            .addHeader("Location", "https://intranet.test:" + secure.getPort() + "/admin.png")
            .build());

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

  /**
   * DNS rebinding: rebind.test answers a public address to the first lookup and 127.0.0.1 to the
   * next. A check that looks the name up itself sees the public answer, and the connection made
   * after it reaches the intranet host. The guard judges the address the connection reached.
   */
  @Test
  void aNameThatRebindsAfterTheFirstLookupIsJudgedByTheAddressReached() {
    AtomicInteger lookups = new AtomicInteger();
    OkHttpClient client =
        trusting
            .newBuilder()
            .dns(rebinding(lookups, PUBLIC, InetAddress.getLoopbackAddress()))
            .socketFactory(mapping(publicHost.getPort()))
            .build();
    secure.enqueue(
        new MockResponse.Builder()
            .code(302)
            .addHeader("Location", "https://rebind.test:" + intranet.getPort() + "/secret.png")
            .build());
    publicHost.enqueue(new MockResponse.Builder().body(new Buffer().write(png)).build());

    assertThat(image(remote("/img.png"), client).bytes()).isEqualTo(png);
    assertThat(intranet.getRequestCount()).as("requests that reached the intranet host").isZero();
    assertThat(publicHost.getRequestCount()).isEqualTo(1);
    assertThat(lookups).as("rebind.test lookups: one, the connection's").hasValue(1);
  }

  @Test
  void aNameThatAnswersPrivateToTheConnectionIsRefused() {
    AtomicInteger lookups = new AtomicInteger();
    OkHttpClient client =
        trusting
            .newBuilder()
            .dns(rebinding(lookups, InetAddress.getLoopbackAddress(), PUBLIC))
            .socketFactory(mapping(publicHost.getPort()))
            .build();
    secure.enqueue(
        new MockResponse.Builder()
            .code(302)
            .addHeader("Location", "https://rebind.test:" + intranet.getPort() + "/secret.png")
            .build());

    assertThatThrownBy(() -> image(remote("/img.png"), client).bytes())
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("an internal address");
    assertThat(intranet.getRequestCount()).isZero();
    assertThat(publicHost.getRequestCount()).isZero();
  }

  /** A documentation address (TEST-NET-3) standing for a public host; never connected to. */
  private static final InetAddress PUBLIC = address(203, 0, 113, 7);

  private static InetAddress address(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * *.test as 127.0.0.1, but rebind.test: {@code first} to the first lookup, then {@code later}.
   */
  private static Dns rebinding(AtomicInteger lookups, InetAddress first, InetAddress later) {
    return host -> {
      if (!host.equals("rebind.test")) {
        return host.endsWith(".test")
            ? List.of(InetAddress.getLoopbackAddress())
            : Dns.SYSTEM.lookup(host);
      }
      return List.of(lookups.getAndIncrement() == 0 ? first : later);
    };
  }

  /**
   * Sockets that reach {@link #PUBLIC} at {@code publicPort} on loopback (where publicHost
   * listens), and refuse every other address that is not loopback: nothing leaves this machine.
   */
  private static SocketFactory mapping(int publicPort) {
    return new SocketFactory() {
      @Override
      public Socket createSocket() {
        return new Socket() {
          @Override
          public void connect(SocketAddress endpoint, int timeout) throws IOException {
            InetAddress target = ((InetSocketAddress) endpoint).getAddress();
            if (target.equals(PUBLIC)) {
              super.connect(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), publicPort), timeout);
            } else if (target.isLoopbackAddress()) {
              super.connect(endpoint, timeout);
            } else {
              throw new ConnectException("test: refusing " + endpoint + ", which is not loopback");
            }
          }
        };
      }

      @Override
      public Socket createSocket(String host, int port) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Socket createSocket(InetAddress host, int port) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Socket createSocket(
          InetAddress address, int port, InetAddress localAddress, int localPort) {
        throw new UnsupportedOperationException();
      }
    };
  }

  /** The secure server, addressed as a remote host name. */
  private String remote(String path) {
    return "https://storage.test:" + secure.getPort() + path;
  }

  private GeneratedImage image(String url) {
    return image(url, trusting);
  }

  private GeneratedImage image(String url, OkHttpClient client) {
    Downloader downloader =
        new Downloader(
            client, RetryPolicy.standard(0), Downloader.DEFAULT_MAX_BYTES, "together4j-test");
    ImageChoicesData data = ImageChoicesData.builder().index(0).url(url).build();
    return ImageGenerationResult.of(TestImages.response(List.of(data)), downloader).images().get(0);
  }
}
