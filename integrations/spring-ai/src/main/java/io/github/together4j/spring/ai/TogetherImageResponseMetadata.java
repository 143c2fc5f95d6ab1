package io.github.together4j.spring.ai;

import io.github.together4j.images.ImageGenerationResult;
import org.springframework.ai.image.ImageResponseMetadata;

/**
 * What Together said about a generation as a whole: its id and model, also under the map keys
 * {@value #ID} and {@value #MODEL}.
 */
public final class TogetherImageResponseMetadata extends ImageResponseMetadata {
  /** The metadata key of {@link #getId()}. */
  public static final String ID = "id";

  /** The metadata key of {@link #getModel()}. */
  public static final String MODEL = "model";

  private final String id;
  private final String model;

  TogetherImageResponseMetadata(ImageGenerationResult result) {
    this.id = result.id();
    this.model = result.model();
    put(ID, id);
    put(MODEL, model);
  }

  /** {@return Together's id of the generation} */
  public String getId() {
    return id;
  }

  /** {@return the model that generated the images, as Together reported it} */
  public String getModel() {
    return model;
  }

  @Override
  public String toString() {
    return "TogetherImageResponseMetadata{id=" + id + ", model=" + model + "}";
  }
}
