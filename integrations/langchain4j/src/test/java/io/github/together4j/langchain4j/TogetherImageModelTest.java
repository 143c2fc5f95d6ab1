package io.github.together4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.image.Image;
import dev.langchain4j.model.image.ImageModel;
import dev.langchain4j.model.output.Response;
import io.github.together4j.images.ImageFormat;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogether;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.RecordedImageRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TogetherImageModel against the testkit's fake server, over real HTTP on loopback. */
@FakeTogether
class TogetherImageModelTest {
  static final String SCHNELL = "black-forest-labs/FLUX.1-schnell";
  static final String KONTEXT = "black-forest-labs/FLUX.1-kontext-pro";

  static TogetherImageModel.Builder model(FakeTogetherServer server) {
    return TogetherImageModel.builder()
        .apiKey(server.apiKey())
        .baseUrl(server.baseUrl())
        .modelName(SCHNELL);
  }

  /** The bytes the fake server draws for {@code request}: same request, same bytes. */
  static byte[] testkitBytes(FakeTogetherServer server, ImageGenerationRequest request, int index) {
    try (TogetherImages client = server.newClient()) {
      return client.generate(request).images().get(index).bytes();
    }
  }

  static byte[] download(URI url) throws IOException {
    try (InputStream in = url.toURL().openStream()) {
      return in.readAllBytes();
    }
  }

  @Test
  void generateTwoReturnsTheTestkitsImagesFromOneRequest(FakeTogetherServer server)
      throws IOException {
    ImageModel model = model(server).build();

    Response<List<Image>> response = model.generate("a fox", 2);

    assertThat(server.requestCount()).isEqualTo(1);
    RecordedImageRequest sent = server.takeRequest();
    assertThat(sent.field("n")).isEqualTo(2.0);
    assertThat(sent.field("model")).isEqualTo(SCHNELL);
    assertThat(sent.field("prompt")).isEqualTo("a fox");
    List<Image> images = response.content();
    assertThat(images).hasSize(2);
    ImageGenerationRequest same =
        ImageGenerationRequest.builder("a fox").model(SCHNELL).n(2).build();
    for (int i = 0; i < 2; i++) {
      Image image = images.get(i);
      assertThat(image.url()).as("the server's default is url results").isNotNull();
      assertThat(image.base64Data()).isNull();
      assertThat(image.revisedPrompt()).isNull();
      assertThat(download(image.url())).isEqualTo(testkitBytes(server, same, i));
    }
    assertThat(images.get(0)).isNotEqualTo(images.get(1));
  }

  @Test
  void base64ResultsCarryTheMimeTypeTheBytesSay(FakeTogetherServer server) {
    TogetherImageModel png = model(server).responseFormat("base64").outputFormat("png").build();
    TogetherImageModel jpeg = model(server).responseFormat(ResponseFormat.BASE64).build();

    Image pngImage = png.generate("a fox").content();
    Image jpegImage = jpeg.generate("a fox").content();

    byte[] pngBytes = Base64.getDecoder().decode(pngImage.base64Data());
    assertThat(ImageFormat.detect(pngBytes)).isEqualTo(ImageFormat.PNG);
    assertThat(pngImage.mimeType()).isEqualTo("image/png");
    assertThat(pngImage.url()).isNull();
    byte[] jpegBytes = Base64.getDecoder().decode(jpegImage.base64Data());
    assertThat(ImageFormat.detect(jpegBytes)).isEqualTo(ImageFormat.JPEG);
    assertThat(jpegImage.mimeType()).isEqualTo("image/jpeg");
    assertThat(pngBytes)
        .isEqualTo(
            testkitBytes(
                server,
                ImageGenerationRequest.builder("a fox")
                    .model(SCHNELL)
                    .responseFormat(ResponseFormat.BASE64)
                    .outputFormat(ImageGenerationRequest.OutputFormat.PNG)
                    .build(),
                0));
  }

  @Test
  void mimeTypeComesFromTheBytesNotFromTheRequestedFormat() {
    byte[] png = pngFrom(FakeTogetherServer::start);
    try (FakeTogetherServer server = FakeTogetherServer.builder().fixedImage(png).start()) {
      TogetherImageModel model =
          model(server).responseFormat("b64_json").outputFormat("jpeg").build();

      Image image = model.generate("a fox").content();

      assertThat(server.takeRequest().field("output_format")).isEqualTo("jpeg");
      assertThat(image.mimeType()).isEqualTo("image/png");
      assertThat(Base64.getDecoder().decode(image.base64Data())).isEqualTo(png);
    }
  }

  private static byte[] pngFrom(java.util.function.Supplier<FakeTogetherServer> start) {
    try (FakeTogetherServer server = start.get();
        TogetherImages client = server.newClient()) {
      return client
          .generate(
              ImageGenerationRequest.builder("a lighthouse")
                  .size(64, 48)
                  .responseFormat(ResponseFormat.BASE64)
                  .outputFormat(ImageGenerationRequest.OutputFormat.PNG)
                  .build())
          .images()
          .get(0)
          .bytes();
    }
  }

  @Test
  void fourImagesInOneCall(FakeTogetherServer server) {
    TogetherImageModel model = model(server).responseFormat("base64").size("256x128").build();

    List<Image> images = model.generate("four foxes", 4).content();

    assertThat(server.requestCount()).isEqualTo(1);
    RecordedImageRequest sent = server.takeRequest();
    assertThat(sent.field("n")).isEqualTo(4.0);
    assertThat(sent.field("width")).isEqualTo(256.0);
    assertThat(sent.field("height")).isEqualTo(128.0);
    assertThat(images).hasSize(4).extracting(Image::base64Data).doesNotHaveDuplicates();
    assertThat(images).extracting(Image::mimeType).containsOnly("image/jpeg");
  }

  @Test
  void metadataCarriesTogethersIdAndModel(FakeTogetherServer server) {
    Response<Image> response = model(server).build().generate("a fox");

    assertThat(response.metadata())
        .containsOnlyKeys(TogetherImageModel.METADATA_ID, TogetherImageModel.METADATA_MODEL)
        .containsEntry(TogetherImageModel.METADATA_MODEL, SCHNELL);
    assertThat((String) response.metadata().get(TogetherImageModel.METADATA_ID))
        .startsWith("fake-");
    assertThat(response.tokenUsage()).isNull();
    assertThat(response.finishReason()).isNull();
  }

  @Test
  void everyOptionIsSentAsNamed(FakeTogetherServer server) {
    model(server)
        .width(512)
        .height(384)
        .steps(4)
        .seed(42)
        .negativePrompt("blur")
        .guidanceScale(3.5)
        .responseFormat("url")
        .outputFormat("png")
        .customHeaders(Map.of("X-Trace", "trace-1"))
        .build()
        .generate("a fox");

    RecordedImageRequest sent = server.takeRequest();
    assertThat(sent.field("width")).isEqualTo(512.0);
    assertThat(sent.field("height")).isEqualTo(384.0);
    assertThat(sent.field("steps")).isEqualTo(4.0);
    assertThat(sent.field("seed")).isEqualTo(42.0);
    assertThat(sent.field("negative_prompt")).isEqualTo("blur");
    assertThat(sent.field("guidance_scale")).isEqualTo(3.5);
    assertThat(sent.field("response_format")).isEqualTo("url");
    assertThat(sent.field("output_format")).isEqualTo("png");
    assertThat(sent.header("X-Trace")).isEqualTo("trace-1");
  }

  @Test
  void unsetOptionsAreNotSent(FakeTogetherServer server) {
    model(server).build().generate("a fox");

    RecordedImageRequest sent = server.takeRequest();
    for (String field :
        List.of(
            "steps",
            "seed",
            "negative_prompt",
            "guidance_scale",
            "response_format",
            "output_format",
            "image_url")) {
      assertThat(sent.field(field)).as(field).isNull();
      assertThat(sent.body()).doesNotContain("\"" + field + "\"");
    }
  }

  @Test
  void withoutModelNameTheClientsDefaultModelIsUsed(FakeTogetherServer server) {
    TogetherImageModel model =
        TogetherImageModel.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();

    model.generate("a fox");

    assertThat(model.modelName()).isEqualTo(TogetherImages.DEFAULT_MODEL);
    assertThat(server.takeRequest().field("model")).isEqualTo(TogetherImages.DEFAULT_MODEL);
  }

  @Test
  void editSendsTheImagesUrlAsImageUrl(FakeTogetherServer server) throws IOException {
    TogetherImageModel kontext = model(server).modelName(KONTEXT).build();
    Image source = model(server).build().generate("a fox").content();
    server.takeRequest();

    Response<Image> edited = kontext.edit(source, "make it winter");

    RecordedImageRequest sent = server.takeRequest();
    assertThat(sent.field("image_url")).isEqualTo(source.url().toString());
    assertThat(sent.field("model")).isEqualTo(KONTEXT);
    assertThat(sent.field("prompt")).isEqualTo("make it winter");
    assertThat(sent.field("n")).isEqualTo(1.0);
    assertThat(edited.metadata()).containsEntry(TogetherImageModel.METADATA_MODEL, KONTEXT);
    assertThat(ImageFormat.detect(download(edited.content().url()))).isEqualTo(ImageFormat.JPEG);
  }

  @Test
  void editOfBase64OnlyImageIsUnsupportedAndSendsNothing(FakeTogetherServer server) {
    TogetherImageModel model = model(server).modelName(KONTEXT).build();
    Image base64Only = Image.builder().base64Data("iVBORw0KGgo=").mimeType("image/png").build();

    assertThatThrownBy(() -> model.edit(base64Only, "make it winter"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Operation is not supported")
        .hasMessageContaining("only base64 data")
        .hasMessageContaining("image_url");
    assertThatThrownBy(() -> model.edit(Image.builder().build(), "make it winter"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("neither a URL nor base64 data");
    assertThatThrownBy(
            () ->
                model.edit(
                    Image.builder().url("data:image/png;base64,iVBORw0KGgo=").build(), "winter"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Operation is not supported")
        .hasMessageContaining("scheme 'data'");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void editWithMaskIsUnsupportedAndSendsNothing(FakeTogetherServer server) {
    TogetherImageModel model = model(server).modelName(KONTEXT).build();
    Image image = Image.builder().url("https://example.com/fox.png").build();

    assertThatThrownBy(() -> model.edit(image, image, "make it winter"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Operation is not supported")
        .hasMessageContaining("no mask parameter");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void sharedClientIsUsedAndLeftOpen(TogetherImages client, FakeTogetherServer server) {
    TogetherImageModel model = TogetherImageModel.builder().client(client).build();
    model.generate("a fox");
    model.close();

    assertThat(client.generate("still open").images()).hasSize(1);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void sharedClientWithOptionsIsDerivedAndTheSharedOneLeftOpen(
      TogetherImages client, FakeTogetherServer server) {
    TogetherImageModel model =
        TogetherImageModel.builder()
            .client(client)
            .maxRetries(0)
            .customHeaders(Map.of("X-Team", "imaging"))
            .build();
    server.enqueue(io.github.together4j.images.testkit.Fault.overloaded());

    assertThatThrownBy(() -> model.generate("a fox"))
        .isInstanceOf(dev.langchain4j.exception.InternalServerException.class);
    assertThat(server.requestCount()).as("maxRetries(0): one request").isEqualTo(1);
    assertThat(server.takeRequest().header("X-Team")).isEqualTo("imaging");
    model.close();

    assertThat(client.generate("still open").images()).hasSize(1);
  }

  @Test
  void blankPromptAndBadNFailBeforeSending(FakeTogetherServer server) {
    TogetherImageModel model = model(server).build();

    assertThatThrownBy(() -> model.generate(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prompt");
    assertThatThrownBy(() -> model.generate(null))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("prompt cannot be null or blank");
    assertThatThrownBy(() -> model.edit(null, "winter"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("image cannot be null");
    assertThatThrownBy(() -> model.generate("a fox", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n");
    assertThat(server.requestCount()).isZero();
  }
}
