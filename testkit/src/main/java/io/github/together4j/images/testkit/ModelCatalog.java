package io.github.together4j.images.testkit;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import io.github.together4j.images.generated.JSON;
import io.github.together4j.images.generated.model.ModelInfo;
import io.github.together4j.images.testkit.internal.SpecValidator;
import io.github.together4j.images.testkit.internal.SpecValidator.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * The model list {@link FakeTogetherServer} serves on {@code GET /v1/models}: the default list, the
 * check of a configured one, and the answer's body, checked against the spec before it is sent.
 */
final class ModelCatalog {
  /** The path of the model list, as a client built on {@link FakeTogetherServer#baseUrl()} asks. */
  static final String PATH = "/v1/models";

  /** The spec schema of a {@code GET /models} answer. */
  static final String SCHEMA = "ModelInfoList";

  /** The query parameter that asks for dedicated models only. */
  static final String DEDICATED = "dedicated";

  private static final String DEFAULTS_RESOURCE = "default-models.json";

  /** The generated client's own Moshi: the JSON a user's {@link ModelInfo} stands for. */
  private static final JsonAdapter<List<ModelInfo>> LIST_JSON =
      JSON.moshi().adapter(Types.newParameterizedType(List.class, ModelInfo.class));

  private static final JsonAdapter<Object> TREE = new Moshi.Builder().build().adapter(Object.class);

  private ModelCatalog() {}

  /** Reads the default list, shipped in the jar as the live API would send it. */
  static List<ModelInfo> readDefaults() {
    try (InputStream in = ModelCatalog.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the testkit jar");
      }
      List<ModelInfo> models = LIST_JSON.fromJson(Okio.buffer(Okio.source(in)));
      if (models == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " holds null, not a model list");
      }
      return List.copyOf(models);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + DEFAULTS_RESOURCE + " failed", e);
    }
  }

  /**
   * An unmodifiable copy of {@code models}, checked against the spec's {@value #SCHEMA}.
   *
   * @throws NullPointerException for a null entry
   * @throws IllegalArgumentException naming the first entry that breaks the spec, and every broken
   *     field, e.g. {@code models[2].pricing.base must be a number, got NaN}
   */
  static List<ModelInfo> checked(List<ModelInfo> models, SpecValidator spec) {
    List<ModelInfo> copy = new ArrayList<>(models.size());
    for (int i = 0; i < models.size(); i++) {
      ModelInfo model = models.get(i);
      if (model == null) {
        throw new NullPointerException("models[" + i + "] is null");
      }
      copy.add(model);
    }
    // Lenient: a NaN price is written, so that the spec, not Moshi, names the field.
    List<Violation> violations = spec.validate(SCHEMA, LIST_JSON.lenient().toJsonValue(copy));
    if (!violations.isEmpty()) {
      int entry = entryOf(violations.get(0));
      throw new IllegalArgumentException(
          "models["
              + entry
              + "] ("
              + copy.get(entry).id()
              + ") does not match the spec's ModelInfo: "
              + describe(violations));
    }
    return List.copyOf(copy);
  }

  /**
   * The body of a 200 answer listing {@code models}, checked against the spec as it will be sent.
   *
   * @throws IllegalStateException if the body breaks the spec: the fake server would lie
   */
  static String answer(List<ModelInfo> models, SpecValidator spec) {
    String body;
    try {
      body = LIST_JSON.toJson(models);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("the fake server cannot write its model list: " + e, e);
    }
    List<Violation> violations;
    try {
      violations = spec.validate(SCHEMA, TREE.fromJson(body));
    } catch (IOException e) {
      throw new IllegalStateException("the fake server wrote a model list that is not JSON", e);
    }
    if (!violations.isEmpty()) {
      throw new IllegalStateException(
          "the fake server's GET " + PATH + " answer breaks the spec: " + describe(violations));
    }
    return body;
  }

  /**
   * Reads the values of {@value #DEDICATED}, as the spec's boolean is sent: none or {@code false}
   * is false, {@code true} is true; anything else (another text, no value, two values) is null.
   */
  static @Nullable Boolean dedicated(List<@Nullable String> values) {
    if (values.isEmpty()) {
      return false;
    }
    String value = values.size() == 1 ? values.get(0) : null;
    if ("true".equals(value)) {
      return true;
    }
    return "false".equals(value) ? false : null;
  }

  /** The message of the 400 that refuses {@code values} of {@value #DEDICATED}. */
  static String dedicatedProblem(List<@Nullable String> values) {
    String got;
    if (values.size() > 1) {
      got = values.size() + " values " + values;
    } else if (values.get(0) == null) {
      got = "no value";
    } else {
      got = "\"" + values.get(0) + "\"";
    }
    return DEDICATED + " must be a boolean, true or false, got " + got;
  }

  /** The entry a violation of a list is about: its param starts with {@code [i]}. */
  private static int entryOf(Violation violation) {
    String param = violation.param();
    if (param == null || !param.startsWith("[")) {
      return 0;
    }
    return Integer.parseInt(param.substring(1, param.indexOf(']')));
  }

  /** The violations as one sentence, each param written as {@code models[i]…}. */
  private static String describe(List<Violation> violations) {
    return violations.stream()
        .map(v -> v.message().startsWith("[") ? "models" + v.message() : v.message())
        .collect(Collectors.joining("; "));
  }
}
