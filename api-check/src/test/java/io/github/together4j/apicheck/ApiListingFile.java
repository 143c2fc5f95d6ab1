package io.github.together4j.apicheck;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.stream.Collectors.joining;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A checked-in API listing: compared with the one the code has, or rewritten from it. */
final class ApiListingFile {
  /**
   * Rewrites the listings instead of comparing them; set from the Maven property
   * together4j.api.update.
   */
  static final String UPDATE_PROPERTY = "together4j.api.rewrite";

  static final String REGENERATE_COMMAND =
      "./mvnw -B -pl api-check -am verify -Dtogether4j.api.update=true";

  private static final int MAX_DIFF_LINES = 200;

  private ApiListingFile() {}

  /**
   * Compares the code's listing with the file: empty when they match, else the failure message.
   * With {@code update} the file is (re)written instead, and the result is empty.
   */
  static Optional<String> check(String artifact, Path file, List<String> actual, boolean update)
      throws IOException {
    String text = actual.isEmpty() ? "" : String.join("\n", actual) + "\n";
    boolean exists = Files.isRegularFile(file);
    if (update) {
      if (!exists || !Files.readString(file, UTF_8).equals(text)) {
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        Files.writeString(temp, text, UTF_8);
        try {
          Files.move(
              temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return Optional.empty();
    }
    if (!exists) {
      return Optional.of(
          "No public API listing for "
              + artifact
              + " at "
              + file
              + ". Generate it, review it and commit it:\n  "
              + REGENERATE_COMMAND);
    }
    List<String> expected = Files.readAllLines(file, UTF_8);
    if (expected.equals(actual)) {
      return Optional.empty();
    }
    return Optional.of(
        "The public API of "
            + artifact
            + " differs from "
            + file
            + "\n(+ in the code but not in the file, - in the file but not in the code):\n"
            + diff(expected, actual)
            + "If the change is intended, regenerate the listing and commit it with the code:\n  "
            + REGENERATE_COMMAND);
  }

  /** A compact line diff: the changed lines only, each member under the type line it belongs to. */
  static String diff(List<String> expected, List<String> actual) {
    int n = expected.size();
    int m = actual.size();
    int[][] common = new int[n + 1][m + 1]; // longest common subsequence of the two tails
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        common[i][j] =
            expected.get(i).equals(actual.get(j))
                ? common[i + 1][j + 1] + 1
                : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    List<String> out = new ArrayList<>();
    String type = "";
    String shownType = "";
    for (int i = 0, j = 0; i < n || j < m; ) {
      boolean same = i < n && j < m && expected.get(i).equals(actual.get(j));
      boolean added = !same && j < m && (i == n || common[i][j + 1] > common[i + 1][j]);
      String line = same || added ? actual.get(j) : expected.get(i);
      if (!line.isEmpty() && !line.startsWith(" ")) {
        type = line;
      }
      if (!same && !line.isEmpty()) {
        if (line.startsWith(" ") && !type.equals(shownType)) {
          out.add(" " + type);
        }
        shownType = type;
        out.add((added ? "+" : "-") + line);
      }
      i += added ? 0 : 1;
      j += same || added ? 1 : 0;
    }
    String diff = out.stream().limit(MAX_DIFF_LINES).map(line -> line + "\n").collect(joining());
    int more = out.size() - MAX_DIFF_LINES;
    return more > 0 ? diff + "... and " + more + " more lines\n" : diff;
  }
}
