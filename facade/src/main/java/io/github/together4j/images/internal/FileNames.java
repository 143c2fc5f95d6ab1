package io.github.together4j.images.internal;

import java.util.Locale;

/**
 * File names made from prompts, the one rule the batch's {@code {slug}} and the command-line tool's
 * default names share. Not API.
 */
public final class FileNames {
  /** The longest slug, in chars. */
  static final int MAX_SLUG_LENGTH = 40;

  private FileNames() {}

  /**
   * A file-name stem from a prompt: lower case, runs of anything but letters and digits turned into
   * one {@code _}, none at either end, at most {@value #MAX_SLUG_LENGTH} chars (never half a
   * character); {@code image} when nothing is left.
   *
   * @param prompt any text
   * @return a non-empty stem, safe as part of a file name
   */
  public static String slug(String prompt) {
    String slug =
        prompt
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^\\p{IsAlphabetic}\\p{IsDigit}]+", "_")
            .replaceAll("^_+|_+$", "");
    if (slug.length() > MAX_SLUG_LENGTH) {
      int end = MAX_SLUG_LENGTH;
      if (Character.isHighSurrogate(slug.charAt(end - 1))) {
        end--;
      }
      slug = slug.substring(0, end).replaceAll("_+$", "");
    }
    return slug.isEmpty() ? "image" : slug;
  }
}
