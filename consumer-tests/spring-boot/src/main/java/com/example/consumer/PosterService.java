package com.example.consumer;

import io.github.together4j.images.ImageFormat;
import io.github.together4j.images.SaveOption;
import io.github.together4j.images.TogetherImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.springframework.ai.image.ImageModel;
import org.springframework.ai.image.ImageOptionsBuilder;
import org.springframework.ai.image.ImagePrompt;
import org.springframework.ai.image.ImageResponse;
import org.springframework.stereotype.Service;

/** Code that only knows Spring AI's ImageModel, and code that uses together4j directly. */
@Service
public class PosterService {
  private final ImageModel imageModel;
  private final TogetherImages together;

  public PosterService(ImageModel imageModel, TogetherImages together) {
    this.imageModel = imageModel;
    this.together = together;
  }

  /** Portable Spring AI code: any provider's ImageModel would do. */
  public Path throughImageModel(String prompt, Path dir) throws IOException {
    ImageResponse response =
        imageModel.call(
            new ImagePrompt(
                prompt,
                ImageOptionsBuilder.builder().width(512).height(512).responseFormat("b64_json").build()));
    byte[] bytes = Base64.getDecoder().decode(response.getResult().getOutput().getB64Json());
    Files.createDirectories(dir);
    return Files.write(dir.resolve("image-model." + ImageFormat.detect(bytes).extension()), bytes);
  }

  /** together4j's own API, for what Spring AI has no word for. */
  public Path throughTogetherImages(String prompt, Path dir) {
    return together.generate(prompt).images().get(0).saveTo(dir.resolve("together-images"), SaveOption.OVERWRITE);
  }
}
