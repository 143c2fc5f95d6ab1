package io.github.together4j.images.generated;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.generated.api.ImagesApi;
import io.github.together4j.images.generated.model.ErrorData;
import io.github.together4j.images.generated.model.ImageRequest;
import io.github.together4j.images.generated.model.ImageResponse;
import java.io.IOException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import retrofit2.Response;
import retrofit2.Retrofit;
import retrofit2.converter.moshi.MoshiConverterFactory;

/** The generated Retrofit interface over real HTTP on loopback. */
class ImagesApiTest {
  @StartStop private final MockWebServer server = new MockWebServer();

  private ImagesApi api;

  @BeforeEach
  void setUp() {
    OkHttpClient client =
        new OkHttpClient.Builder()
            .addInterceptor(
                chain ->
                    chain.proceed(
                        chain
                            .request()
                            .newBuilder()
                            .header("Authorization", "Bearer test-key")
                            .build()))
            .build();
    api =
        new Retrofit.Builder()
            .baseUrl(server.url("/v1/"))
            .client(client)
            .addConverterFactory(MoshiConverterFactory.create(JSON.moshi()))
            .build()
            .create(ImagesApi.class);
  }

  @Test
  void generateImagesPostsTheRequestAndParsesTheResponse() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(Fixtures.read("b64_n4.json"))
            .build());

    ImageRequest request = ImageRequest.builder().prompt("a cat").model("m").n(4).build();
    Response<ImageResponse> response = api.generateImages(request).execute();

    assertThat(response.isSuccessful()).isTrue();
    assertThat(response.body().data()).hasSize(4);

    RecordedRequest recorded = server.takeRequest();
    assertThat(recorded.getMethod()).isEqualTo("POST");
    assertThat(recorded.getUrl().encodedPath()).isEqualTo("/v1/images/generations");
    assertThat(recorded.getHeaders().get("Authorization")).isEqualTo("Bearer test-key");
    assertThat(recorded.getHeaders().get("Content-Type"))
        .isEqualTo("application/json; charset=UTF-8");
    assertThat(recorded.getBody().utf8())
        .isEqualTo("{\"prompt\":\"a cat\",\"model\":\"m\",\"n\":4}");
  }

  @Test
  void errorBodyIsLeftToTheCallerAsErrorData() throws IOException {
    server.enqueue(
        new MockResponse.Builder()
            .code(401)
            .addHeader("Content-Type", "application/json")
            .body(Fixtures.read("error_401.json"))
            .build());

    Response<ImageResponse> response =
        api.generateImages(ImageRequest.builder().prompt("p").model("m").build()).execute();

    assertThat(response.code()).isEqualTo(401);
    assertThat(response.body()).isNull();
    ErrorData error = JSON.moshi().adapter(ErrorData.class).fromJson(response.errorBody().source());
    assertThat(error.error().type()).isEqualTo("invalid_api_key");
  }
}
