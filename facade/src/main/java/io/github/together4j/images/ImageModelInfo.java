package io.github.together4j.images;

import com.squareup.moshi.JsonDataException;
import io.github.together4j.images.generated.model.ModelInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A model Together serves, as {@code GET /models} lists it: {@link TogetherImages#imageModels()}
 * returns the image models, {@link TogetherImages#models()} every model.
 *
 * <pre>{@code
 * for (ImageModelInfo model : client.imageModels()) {
 *   System.out.println(model.id() + "  " + model.displayName());
 * }
 * }</pre>
 *
 * <p>{@link #type()} is the API's text as sent: besides the types the spec lists (chat, language,
 * code, image, embedding, moderation, rerank) the API sends others, and a type this library does
 * not know never fails the call.
 */
public final class ImageModelInfo {
  /** The {@link #type()} of an image model. */
  public static final String IMAGE = "image";

  /** Orders models by id, as the lists the client returns are. */
  static final Comparator<ImageModelInfo> BY_ID = Comparator.comparing(ImageModelInfo::id);

  private final ModelInfo raw;

  /** Keeps the API key out of {@link #toString()}, should the server echo it. */
  private final UnaryOperator<String> redaction;

  private ImageModelInfo(ModelInfo raw, UnaryOperator<String> redaction) {
    this.raw = raw;
    this.redaction = redaction;
  }

  /**
   * The models of a parsed {@code GET /models} answer, sorted by id.
   *
   * @throws JsonDataException for a {@code null} entry or a {@code created} out of {@link
   *     Instant}'s range: the body is not the contract
   */
  static List<ImageModelInfo> sortedById(
      List<@Nullable ModelInfo> models, UnaryOperator<String> redaction) {
    List<ImageModelInfo> out = new ArrayList<>(models.size());
    for (int i = 0; i < models.size(); i++) {
      ModelInfo model = models.get(i);
      if (model == null) {
        throw new JsonDataException("entry " + i + " is null");
      }
      if (model.created() < Instant.MIN.getEpochSecond()
          || model.created() > Instant.MAX.getEpochSecond()) {
        throw new JsonDataException(
            "entry " + i + ": created = " + model.created() + " is no time an Instant can hold");
      }
      out.add(new ImageModelInfo(model, redaction));
    }
    out.sort(BY_ID);
    return List.copyOf(out);
  }

  /**
   * What the cost of using a model is made of, in US dollars, as Together lists it.
   *
   * @param hourly per hour of a dedicated endpoint
   * @param input per million input tokens
   * @param output per million output tokens
   * @param base the model's base price (for image models, see Together's pricing page)
   * @param finetune per fine-tuning unit
   */
  public record Pricing(double hourly, double input, double output, double base, double finetune) {}

  /** {@return the model's name, as {@link ImageGenerationRequest.Builder#model} takes it} */
  public String id() {
    return raw.id();
  }

  /** {@return what the model does, e.g. {@code image} or {@code chat}; any text the API sends} */
  public String type() {
    return raw.type();
  }

  /** {@return whether {@link #type()} is {@value #IMAGE}} */
  public boolean isImage() {
    return IMAGE.equals(raw.type());
  }

  /** {@return the model's name for people, e.g. {@code FLUX.1 [schnell]}, or null if not given} */
  public @Nullable String displayName() {
    return raw.displayName();
  }

  /** {@return who made the model, or null if not given} */
  public @Nullable String organization() {
    return raw.organization();
  }

  /** {@return where the model is described, or null if not given} */
  public @Nullable String link() {
    return raw.link();
  }

  /** {@return the model's license, e.g. {@code apache-2.0}, or null if not given} */
  public @Nullable String license() {
    return raw.license();
  }

  /** {@return the longest input the model reads, in tokens, or null if not given} */
  public @Nullable Integer contextLength() {
    return raw.contextLength();
  }

  /** {@return when the model was added} */
  public Instant created() {
    return Instant.ofEpochSecond(raw.created());
  }

  /** {@return what using the model costs, or null if the API gave no pricing} */
  public @Nullable Pricing pricing() {
    io.github.together4j.images.generated.model.Pricing p = raw.pricing();
    return p == null
        ? null
        : new Pricing(p.hourly(), p.input(), p.output(), p.base(), p.finetune());
  }

  /**
   * {@return the entry as parsed by the generated client, for properties this class does not
   * expose}
   */
  public ModelInfo raw() {
    return raw;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ImageModelInfo other && raw.equals(other.raw);
  }

  @Override
  public int hashCode() {
    return raw.hashCode();
  }

  @Override
  public String toString() {
    return redaction.apply(
        "ImageModelInfo{id=" + id() + ", type=" + type() + ", displayName=" + displayName() + "}");
  }
}
