package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * File-name patterns a file system would refuse, or that make names nobody wants, are refused by
 * {@link ImageFiles#checkPattern} before anything is written. Found by fuzzing
 * (reliability/…/FileNameFuzzTest).
 */
class NamePatternTest {
  private static final String PNG = TestImages.base64(TestImages.png(4, 4));

  @ParameterizedTest
  @ValueSource(
      strings = {"img\u0000{index}", "img\n{index}", "img_{index}\r", "\u007f{index}", "a\tb"})
  void controlCharacterIsRefusedAndShownEscaped(String pattern) {
    assertThatThrownBy(() -> ImageFiles.checkPattern(pattern, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("namePattern = \"")
        .hasMessageContaining("has a control character (U+00")
        .satisfies(e -> assertThat(e.getMessage().chars()).noneMatch(Character::isISOControl));
  }

  @Test
  void nulInAPatternWritesNothing(@TempDir Path dir) throws IOException {
    ImageGenerationResult result = TestImages.base64Result(PNG, PNG);

    assertThatThrownBy(() -> result.saveAll(dir, "img\u0000{index}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "namePattern = \"img\\u0000{index}\" has a control character (U+0000 at 3),"
                + " which a file name should not have");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void longestAcceptedPatternStillFitsEveryIndexAndExtension(@TempDir Path dir) throws IOException {
    // 255 bytes = the pattern's text + 11 for "-2147483648" + 5 for ".webp".
    String pattern = "n".repeat(255 - 11 - 5) + "{index}";
    ImageFiles.checkPattern(pattern, 2);
    assertThatThrownBy(() -> ImageFiles.checkPattern("n" + pattern, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "is too long: a name it gives, with {index} and the extension, can take"
                + " 256 bytes, more than the 255 a file name may have");

    List<Path> files = TestImages.base64Result(PNG, PNG).saveAll(dir, pattern);
    assertThat(files).hasSize(2).allSatisfy(file -> assertThat(file.getParent()).isEqualTo(dir));
  }

  @Test
  void tooLongPatternIsRefusedBeforeTheFirstImageIsWritten(@TempDir Path dir) throws IOException {
    // Before, with images 0 and 999, "n…n_0.png" (254 bytes) was written, then "n…n_999.png"
    // (256 bytes) failed with "File name too long", leaving half the images behind.
    String pattern = "n".repeat(248) + "_{index}";

    assertThatThrownBy(() -> TestImages.base64Result(PNG, PNG).saveAll(dir, pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is too long");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void lengthCountsUtf8BytesAndTheMessageCutsALongPattern() {
    String pattern = "\u00e9".repeat(120) + "{index}"; // 240 bytes + 11 + 5 = 256

    assertThatThrownBy(() -> ImageFiles.checkPattern(pattern, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("namePattern = \"" + "\u00e9".repeat(120) + "{index}\" is too long")
        .hasMessageContaining("can take 256 bytes");
    assertThatThrownBy(() -> ImageFiles.checkPattern("x".repeat(1000), 1))
        .hasMessageStartingWith("namePattern = \"" + "x".repeat(200) + "…\" is too long");
  }

  @Test
  void temporaryFileNeverSplitsACharacterOutsideTheBmp(@TempDir Path dir) throws IOException {
    // 31 characters, then U+1F600 (two chars): the temporary name took the first 32, half of it,
    // and a Path cannot hold half a character ("Malformed input or input contains unmappable
    // characters"), so the save failed.
    String pattern = "n".repeat(ImageFiles.PART_STEM_LENGTH - 1) + "\uD83D\uDE00_{index}";

    List<Path> files = TestImages.base64Result(PNG, PNG).saveAll(dir, pattern);

    assertThat(files)
        .extracting(file -> file.getFileName().toString())
        .containsExactly(
            "n".repeat(31) + "\uD83D\uDE00_0.png", "n".repeat(31) + "\uD83D\uDE00_1.png");
    assertThat(ImageFiles.partFile(dir, "n".repeat(31) + "\uD83D\uDE00").getFileName().toString())
        .startsWith("." + "n".repeat(31) + ".")
        .endsWith(ImageFiles.PART_SUFFIX);
  }

  @ParameterizedTest
  @ValueSource(strings = {"img_\uD83D{index}", "img_{index}\uDE00", "\uDE00\uD83D"})
  void loneSurrogateIsRefusedAndShownEscaped(String pattern) {
    assertThatThrownBy(() -> ImageFiles.checkPattern(pattern, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has half a character (the lone surrogate U+D")
        .satisfies(
            e -> assertThat(e.getMessage().chars()).noneMatch(c -> c >= 0xD800 && c <= 0xDFFF));
  }

  @Test
  void characterOutsideTheBmpIsAccepted() {
    ImageFiles.checkPattern("\uD83D\uDE00_{index}", 2);
  }

  @Test
  void refusalQuotesAtMost200CharactersEvenWhenEscaped() {
    // Each NUL is quoted as six characters: 1,000 of them made a 6,000-character message.
    String pattern = "img_{index}" + "\u0000".repeat(1000);

    assertThatThrownBy(() -> ImageFiles.checkPattern(pattern, 1))
        .hasMessageStartingWith("namePattern = \"img_{index}" + "\\u0000".repeat(32) + "…\"")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
  }
}
