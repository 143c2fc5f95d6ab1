package io.github.together4j.apicheck;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.apicheck.fixture.Widget;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker itself: what it lists and leaves out, and that a one-line difference fails. */
class ApiListingCheckerTest {
  private static final String FIXTURE = "io.github.together4j.apicheck.fixture.";
  private static final String COMMAND =
      "./mvnw -B -pl api-check -am verify -Dtogether4j.api.update=true";

  private static final List<String> FIXTURE_LISTING =
      List.of(
          "public @interface io.github.together4j.apicheck.fixture.Marker",
          "  public abstract int[] sizes() default {1, 2}",
          "  public abstract java.lang.String value() default \"x\"",
          "",
          "public final enum io.github.together4j.apicheck.fixture.Mode"
              + " extends java.lang.Enum<io.github.together4j.apicheck.fixture.Mode>",
          "  public static final io.github.together4j.apicheck.fixture.Mode FAST",
          "  public static final io.github.together4j.apicheck.fixture.Mode SLOW",
          "  public static io.github.together4j.apicheck.fixture.Mode valueOf(java.lang.String)",
          "  public static io.github.together4j.apicheck.fixture.Mode[] values()",
          "",
          "public final record io.github.together4j.apicheck.fixture.Point extends java.lang.Record",
          "  public Point(int, int)",
          "  public final boolean equals(java.lang.Object)",
          "  public final int hashCode()",
          "  public final java.lang.String toString()",
          "  public int x()",
          "  public int y()",
          "",
          "public class io.github.together4j.apicheck.fixture.Widget"
              + " implements java.lang.Comparable<io.github.together4j.apicheck.fixture.Widget>",
          "  public static final long BIG = 1099511627776L",
          "  public static final java.lang.String GREETING = \"hi \\\"there\\\"\\n\"",
          "  public static final int LIMIT = 42",
          "  public static final java.util.List<java.lang.String> NAMES",
          "  protected java.lang.String label",
          "  protected Widget(java.lang.String) throws java.io.IOException",
          "  public Widget()",
          "  public int compareTo(io.github.together4j.apicheck.fixture.Widget)",
          "  public <E extends java.lang.Exception> int count(java.util.List<? super E>, java.lang.String...)"
              + " throws E",
          "  @Deprecated public void old()",
          "  protected void onChange()",
          "",
          "protected static interface io.github.together4j.apicheck.fixture.Widget$Listener",
          "  public abstract void changed()",
          "",
          "public static final class io.github.together4j.apicheck.fixture.Widget$Part",
          "  public Part()");

  @TempDir Path dir;

  @Test
  void listsPublicAndProtectedApiOnly() throws Exception {
    Path testClasses =
        Path.of(Widget.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> fixtureClasses =
        ApiListing.classNames(testClasses).stream()
            .filter(name -> name.startsWith(FIXTURE))
            .toList();
    // Every class is read; the listing, not the enumeration, leaves them out.
    assertThat(fixtureClasses)
        .contains(
            FIXTURE + "HiddenHelper",
            FIXTURE + "Widget$Hidden",
            FIXTURE + "internal.InternalThing",
            FIXTURE + "Widget",
            FIXTURE + "Widget$Part");

    List<String> listing = ApiListing.listing(fixtureClasses, getClass().getClassLoader());

    assertThat(listing).containsExactlyElementsOf(FIXTURE_LISTING);
    // Left out: package-private types and members, private ones, internal packages, synthetic
    // members (the enum's $VALUES) and the bridge compareTo(java.lang.Object).
    assertThat(String.join("\n", listing))
        .doesNotContain(
            "Hidden",
            "internal",
            "InternalThing",
            "packageField",
            "packageMethod",
            "secret",
            "privateMethod",
            "$VALUES",
            "compareTo(java.lang.Object)");
    assertThat(Widget.class.getDeclaredMethod("compareTo", Object.class).isBridge()).isTrue();
  }

  @Test
  void readsClassNamesFromAJar() throws Exception {
    Path jar = dir.resolve("some.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream entries = new JarOutputStream(out)) {
      for (String entry :
          List.of(
              "a/b/C.class",
              "a/b/C$D.class",
              "a/b/package-info.class",
              "module-info.class",
              "META-INF/versions/21/a/b/C.class",
              "a/b/resource.txt")) {
        entries.putNextEntry(new JarEntry(entry));
        entries.closeEntry();
      }
    }

    assertThat(ApiListing.classNames(jar)).containsExactly("a.b.C", "a.b.C$D");
  }

  @Test
  void matchingFilePasses() throws Exception {
    Path file = dir.resolve("api/fixture.api");
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("\n", FIXTURE_LISTING) + "\n", UTF_8);

    assertThat(ApiListingFile.check("fixture", file, FIXTURE_LISTING, false)).isEmpty();
  }

  @Test
  void aRemovedMemberFailsNamingTheLineAndTheCommand() throws Exception {
    Path file = dir.resolve("fixture.api");
    Files.writeString(file, String.join("\n", FIXTURE_LISTING) + "\n", UTF_8);
    List<String> actual = new ArrayList<>(FIXTURE_LISTING);
    actual.remove("  protected void onChange()");

    String failure = ApiListingFile.check("fixture", file, actual, false).orElseThrow();

    assertThat(failure)
        .contains("The public API of fixture differs from " + file)
        .contains(
            "\n public class io.github.together4j.apicheck.fixture.Widget implements"
                + " java.lang.Comparable<io.github.together4j.apicheck.fixture.Widget>\n"
                + "-  protected void onChange()\n")
        .endsWith("\n  " + COMMAND);
    assertThat(failure.lines().filter(line -> line.startsWith("+") || line.startsWith("-")))
        .hasSize(1);
  }

  @Test
  void aChangedSignatureShowsRemovedAndAddedLines() throws Exception {
    Path file = dir.resolve("fixture.api");
    Files.writeString(file, String.join("\n", FIXTURE_LISTING) + "\n", UTF_8);
    List<String> actual = new ArrayList<>(FIXTURE_LISTING);
    actual.set(
        actual.indexOf("  public static final int LIMIT = 42"),
        "  public static final int LIMIT = 43");

    String failure = ApiListingFile.check("fixture", file, actual, false).orElseThrow();

    assertThat(failure.lines().filter(line -> line.startsWith("+") || line.startsWith("-")))
        .containsExactly(
            "-  public static final int LIMIT = 42", "+  public static final int LIMIT = 43");
    assertThat(failure).contains(COMMAND);
  }

  @Test
  void aMissingFileFailsWithTheCommandAndUpdateWritesIt() throws Exception {
    Path file = dir.resolve("module/api/fixture.api");

    assertThat(ApiListingFile.check("fixture", file, FIXTURE_LISTING, false))
        .hasValueSatisfying(
            failure ->
                assertThat(failure).contains("No public API listing", file.toString(), COMMAND));
    assertThat(file).doesNotExist();

    assertThat(ApiListingFile.check("fixture", file, FIXTURE_LISTING, true)).isEmpty();
    assertThat(Files.readAllLines(file, UTF_8)).isEqualTo(FIXTURE_LISTING);
    assertThat(ApiListingFile.check("fixture", file, FIXTURE_LISTING, false)).isEmpty();
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file); // no temporary file left behind
    }
  }

  @Test
  void updateRewritesAStaleFile() throws Exception {
    Path file = dir.resolve("fixture.api");
    Files.writeString(file, "public class Old\n", UTF_8);

    assertThat(ApiListingFile.check("fixture", file, FIXTURE_LISTING, true)).isEmpty();

    assertThat(Files.readString(file, UTF_8)).isEqualTo(String.join("\n", FIXTURE_LISTING) + "\n");
  }
}
