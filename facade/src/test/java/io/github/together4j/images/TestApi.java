package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;

/** What the facade's tests send and answer over loopback: one place for bodies and responses. */
final class TestApi {
  /** The key the test clients send; tests check it never leaks. */
  static final String API_KEY = "sk-test-key";

  /** A storage URL's query the way S3 presigns it; it must stay out of messages and logs. */
  static final String SIGNATURE = "X-Amz-Signature=secret123";

  /** The images the url tests serve. */
  static final byte[] PNG = TestImages.png(64, 48);

  static final byte[] JPEG = TestImages.jpeg(40, 30);

  /** The smallest valid answer: one base64 image (a PNG signature). */
  static final String OK_BODY =
      """
      {"id":"gen-1","model":"m","object":"list",\
      "data":[{"index":0,"b64_json":"iVBORw0KGgo=","type":"b64_json"}]}""";

  private TestApi() {}

  /** A JSON answer with {@code status}. */
  static MockResponse json(int status, String body) {
    return new MockResponse.Builder()
        .code(status)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static ImageGenerationRequest urlRequest(int n) {
    return ImageGenerationRequest.builder("a cat").n(n).responseFormat(ResponseFormat.URL).build();
  }

  /** Together's answer listing {@code urls} as images 0, 1, … */
  static MockResponse generation(String... urls) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < urls.length; i++) {
      data.append(i == 0 ? "" : ",")
          .append("{\"index\":")
          .append(i)
          .append(",\"url\":\"")
          .append(urls[i])
          .append("\",\"type\":\"url\"}");
    }
    return new MockResponse.Builder()
        .addHeader("Content-Type", "application/json")
        .body("{\"id\":\"gen-1\",\"model\":\"m\",\"object\":\"list\",\"data\":[" + data + "]}")
        .build();
  }

  static MockResponse image(byte[] bytes, String contentType) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", contentType)
        .body(new Buffer().write(bytes))
        .build();
  }

  static MockResponse status(int code) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/xml")
        .body("<Error><Code>AccessDenied</Code></Error>")
        .build();
  }

  static MockResponse redirect(int code, String location) {
    return new MockResponse.Builder().code(code).addHeader("Location", location).build();
  }

  static MockResponse unexpected() {
    return new MockResponse.Builder()
        .code(418)
        .body("no answer was enqueued for this request")
        .build();
  }

  static RecordedRequest take(MockWebServer server) throws InterruptedException {
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request).as("request reached the server").isNotNull();
    return request;
  }
}
