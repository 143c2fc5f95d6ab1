package io.github.together4j.spring.ai;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogether;
import io.github.together4j.images.testkit.FakeTogetherServer;
import org.junit.jupiter.api.Test;
import org.springframework.ai.image.ImagePrompt;
import org.springframework.ai.image.ImageResponse;
import tools.jackson.databind.json.JsonMapper;

/** An ImageResponse returned from a Spring MVC controller is written by Jackson: it must work. */
@FakeTogether
class JsonSerializationTest {
  @Test
  void urlResponseSerializesWithoutFetchingTheImage(
      TogetherImages client, FakeTogetherServer server) {
    ImageResponse response =
        TogetherImageModel.builder()
            .togetherImages(client)
            .build()
            .call(
                new ImagePrompt(
                    "a lighthouse", TogetherImageOptions.builder().responseFormat("url").build()));
    int before = server.requestCount();

    String json = JsonMapper.builder().build().writeValueAsString(response);

    assertThat(json).contains("\"url\":\"" + server.baseUrl()).contains("\"id\":\"");
    // Only a download could tell the format of a URL result; serializing does not download.
    assertThat(json).contains("\"format\":null").doesNotContain("JPEG", "PNG");
    assertThat(server.requestCount()).as("no generation sent again").isEqualTo(before);
  }
}
