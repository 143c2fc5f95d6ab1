package io.github.together4j.cli;

import java.math.BigDecimal;
import java.util.Locale;

/** Text for one line of a terminal: what a server or a file name says, made safe to print. */
final class Text {
  private Text() {}

  /**
   * {@code text} on one line: line breaks and tabs become spaces, and other control characters
   * (such as the ESC that starts a terminal escape sequence a hostile server could send) become
   * {@code ?}.
   */
  static String oneLine(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean space = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r' || c == '\t') {
        if (!space) {
          out.append(' ');
        }
        space = true;
        continue;
      }
      space = false;
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return out.toString().strip();
  }

  /** A byte count as people read it: {@code 512 B}, {@code 181.2 KB}, {@code 3.4 MB}. */
  static String bytes(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    if (bytes < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f KB", bytes / 1e3);
    }
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  /** Seconds from nanoseconds, to 0.1 s: {@code 1.4 s}. */
  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  /** A number as written, without a trailing {@code .0}: {@code 0.0027}, {@code 1}. */
  static String number(double value) {
    return Double.isFinite(value)
        ? BigDecimal.valueOf(value).stripTrailingZeros().toPlainString()
        : String.valueOf(value);
  }
}
