package io.github.together4j.images.examples;

import io.github.together4j.images.ImageModelInfo;
import io.github.together4j.images.TogetherImages;
import java.util.List;
import java.util.Locale;

/**
 * Lists the image models Together serves: id, name, maker and base price, one per line.
 *
 * <p>Configuration: {@code TOGETHER_API_KEY}, or the embedded fake server when it is unset.
 */
public final class ListImageModels {
  private ListImageModels() {}

  /**
   * Runs the example.
   *
   * @param args none
   */
  public static void main(String[] args) {
    try (Examples.Session session = Examples.connect()) {
      run(session.client()).forEach(System.out::println);
    }
  }

  /** Returns one line per image model, sorted by id. */
  static List<String> run(TogetherImages client) {
    return client.imageModels().stream().map(ListImageModels::line).toList();
  }

  private static String line(ImageModelInfo model) {
    ImageModelInfo.Pricing pricing = model.pricing();
    return String.format(
        Locale.ROOT,
        "%-45s %-28s %-20s %s",
        model.id(),
        model.displayName() != null ? model.displayName() : "",
        model.organization() != null ? model.organization() : "",
        pricing != null ? "base $" + pricing.base() : "no pricing given");
  }
}
