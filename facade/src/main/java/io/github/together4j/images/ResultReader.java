package io.github.together4j.images;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonReader;
import io.github.together4j.images.generated.JSON;
import io.github.together4j.images.generated.model.ImageResponse;
import java.io.IOException;
import okhttp3.Response;
import okio.BufferedSource;
import okio.ByteString;

/**
 * Reads a 2xx answer of {@code POST /images/generations} into an {@link ImageGenerationResult}, as
 * Retrofit's Moshi converter would (a UTF-8 BOM skipped, nothing allowed after the JSON), then
 * checks it against the {@link ResponseContract}.
 */
final class ResultReader implements ApiCall.BodyReader<ImageGenerationResult> {
  private static final ByteString UTF8_BOM = ByteString.decodeHex("efbbbf");
  private static final JsonAdapter<ImageResponse> JSON_ADAPTER =
      JSON.moshi().adapter(ImageResponse.class);

  private final Downloader downloader;

  ResultReader(Downloader downloader) {
    this.downloader = downloader;
  }

  @Override
  public ImageGenerationResult read(Response response) throws IOException {
    int status = response.code();
    if (status == 204 || status == 205) {
      throw new JsonDataException("HTTP " + status + " without a body");
    }
    BufferedSource source = response.body().source();
    if (source.rangeEquals(0, UTF8_BOM)) {
      source.skip(UTF8_BOM.size());
    }
    JsonReader reader = JsonReader.of(source);
    ImageResponse body = JSON_ADAPTER.fromJson(reader);
    if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
      throw new JsonDataException("JSON document was not fully consumed.");
    }
    if (body == null) {
      throw new JsonDataException("HTTP " + status + " with a null body");
    }
    return ImageGenerationResult.of(body, downloader);
  }
}
