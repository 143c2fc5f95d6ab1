package io.github.together4j.images;

import io.github.together4j.images.generated.model.ImageRequest;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;
import retrofit2.Invocation;

/**
 * Names the image models closest to an unknown one. It remembers the image model ids of the last
 * model list the client fetched (it never fetches one itself: no call is added to a generation),
 * and when Together refuses a generation with 400, 404 or 422 about its model, the exception's
 * message gains up to three of those ids, the nearest first.
 */
final class ModelSuggestions {
  static final int MAX = 3;

  private volatile List<String> imageModelIds = List.of();

  /** Keeps the image model ids of {@code models}, a whole model list just fetched. */
  void remember(List<ImageModelInfo> models) {
    imageModelIds =
        models.stream().filter(ImageModelInfo::isImage).map(ImageModelInfo::id).toList();
  }

  /**
   * {@code failure}, or the same exception with the closest image models added to its message when
   * it refuses the model of {@code request} (a generation) and a model list is known.
   */
  TogetherException explain(Request request, TogetherException failure) {
    int status = failure.statusCode();
    String asked = model(request);
    List<String> known = imageModelIds;
    if ((status != 400 && status != 404 && status != 422)
        || asked == null
        || known.isEmpty()
        || known.contains(asked)
        || !aboutTheModel(failure, asked)) {
      return failure;
    }
    List<String> closest = closest(asked, known);
    return ErrorMapper.withMessage(
        failure,
        failure.getMessage() + "; the closest image models: " + String.join(", ", closest));
  }

  /**
   * Up to {@link #MAX} of {@code ids}, nearest to {@code asked} first (edit distance, any case).
   */
  static List<String> closest(String asked, List<String> ids) {
    String target = asked.toLowerCase(Locale.ROOT);
    return ids.stream()
        .sorted(
            Comparator.comparingInt((String id) -> distance(target, id.toLowerCase(Locale.ROOT)))
                .thenComparing(Comparator.naturalOrder()))
        .limit(MAX)
        .toList();
  }

  /** The model a generation asked for, from the arguments Retrofit tagged its request with. */
  private static @Nullable String model(Request request) {
    Invocation invocation = request.tag(Invocation.class);
    if (invocation == null) {
      return null;
    }
    for (Object argument : invocation.arguments()) {
      if (argument instanceof ImageRequest wire) {
        return wire.model();
      }
    }
    return null;
  }

  private static boolean aboutTheModel(TogetherException failure, String asked) {
    if ("model".equals(failure.param())) {
      return true;
    }
    String text = failure.serverMessage();
    return text != null
        && (text.contains(asked) || text.toLowerCase(Locale.ROOT).contains("model"));
  }

  /** Levenshtein distance: the fewest single-character edits from {@code a} to {@code b}. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
