package io.github.together4j.images.benchmarks;

import io.github.together4j.images.SaveOption;
import io.github.together4j.images.SavedImages;
import io.github.together4j.images.TogetherImages;

/** together4j's streaming save: {@code generateAndSave}, which decodes the body into the files. */
final class Together4jStreamClient implements ImageClient {
  private final TogetherImages client;
  private final Target target;

  Together4jStreamClient(Target target) {
    this.target = target;
    this.client =
        TogetherImages.builder().apiKey(target.apiKey()).baseUrl(target.baseUrl()).build();
  }

  @Override
  public long generateAndWrite(int worker, int n) {
    SavedImages saved =
        client.generateAndSave(
            Together4jGenerateClient.request(n),
            target.directory(),
            "w" + worker + "_{index}",
            SaveOption.OVERWRITE);
    long total = 0;
    for (SavedImages.Image image : saved.images()) {
      total += image.size();
    }
    return total;
  }

  @Override
  public void close() {
    client.close();
  }
}
