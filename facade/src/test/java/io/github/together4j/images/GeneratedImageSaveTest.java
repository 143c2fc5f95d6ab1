package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.together4j.images.generated.model.ImageChoicesData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GeneratedImageSaveTest {
  private static final byte[] PNG = TestImages.png(32, 24);
  private static final byte[] JPEG = TestImages.jpeg(20, 10);
  private static final byte[] WEBP = TestImages.webp();
  private static final byte[] GIF = TestImages.gif(6, 4);

  private static final String B64_PNG = TestImages.base64(PNG);
  private static final String B64_JPEG = TestImages.base64(JPEG);

  /** Image 0 of a one-image base64 result holding {@code bytes}. */
  private static GeneratedImage image(byte[] bytes) {
    return TestImages.base64Result(TestImages.base64(bytes)).images().get(0);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A real PNG followed by junk: larger than one 64 KiB copy buffer, still a PNG by its magic. */
  private static byte[] largePng() {
    byte[] junk = new byte[300_000];
    new Random(42).nextBytes(junk);
    return concat(PNG, junk);
  }

  /** {@code text} with {@code bad} inserted {@code fromEnd} characters before its end. */

  /** The files under {@code dir}, at any depth, relative and sorted. */
  private static List<String> tree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // saveTo: naming

  @Test
  void nameWithoutExtensionGetsTheDetectedOne(@TempDir Path dir) throws IOException {
    byte[][] sources = {PNG, JPEG, WEBP, GIF};
    String[] extensions = {"png", "jpg", "webp", "gif"};
    for (int i = 0; i < sources.length; i++) {
      Path sub = dir.resolve(extensions[i]);
      Path file = image(sources[i]).saveTo(sub.resolve("sunflower"));
      assertThat(file).isEqualTo(sub.resolve("sunflower." + extensions[i]));
      assertThat(Files.readAllBytes(file)).isEqualTo(sources[i]);
      assertThat(TestImages.names(sub)).containsExactly("sunflower." + extensions[i]);
    }
  }

  @Test
  void directoryTargetGetsImageIndexAndExtension(@TempDir Path dir) throws IOException {
    List<GeneratedImage> images = TestImages.base64Result(B64_PNG, B64_JPEG, B64_PNG).images();
    assertThat(images.get(1).saveTo(dir)).isEqualTo(dir.resolve("image_1.jpg"));
    assertThat(images.get(2).saveTo(dir)).isEqualTo(dir.resolve("image_2.png"));
    assertThat(images.get(0).saveTo(dir)).isEqualTo(dir.resolve("image_0.png"));
    assertThat(Files.readAllBytes(dir.resolve("image_1.jpg"))).isEqualTo(JPEG);
    assertThat(Files.readAllBytes(dir.resolve("image_2.png"))).isEqualTo(PNG);
    assertThat(TestImages.names(dir)).containsExactly("image_0.png", "image_1.jpg", "image_2.png");
  }

  @Test
  void missingParentDirectoriesAreCreated(@TempDir Path dir) throws IOException {
    Path file = image(PNG).saveTo(dir.resolve("a/b/c/out"));
    assertThat(file).isEqualTo(dir.resolve("a/b/c/out.png"));
    assertThat(Files.readAllBytes(file)).isEqualTo(PNG);
    assertThat(tree(dir)).containsExactly(Path.of("a", "b", "c", "out.png").toString());
  }

  @Test
  void extensionMismatchIsRefusedAndNothingIsWritten(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("out.jpg");
    assertThatThrownBy(() -> image(PNG).saveTo(target))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cannot save image 0 as "
                + target
                + ": its extension is .jpg but the image is"
                + " PNG; use out.png, a name without extension, or SaveOption.KEEP_EXTENSION");
    assertThatThrownBy(
            () -> image(JPEG).saveTo(dir.resolve("sub/photo.webp"), SaveOption.OVERWRITE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sub")
        .hasMessageContaining("photo.webp")
        .hasMessageContaining("JPEG")
        .hasMessageContaining("SaveOption.KEEP_EXTENSION");
    assertThat(TestImages.names(dir)).isEmpty();
  }

  @Test
  void keepExtensionWritesTheMismatchedName(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("out.jpg");
    assertThat(image(PNG).saveTo(target, SaveOption.KEEP_EXTENSION)).isEqualTo(target);
    assertThat(Files.readAllBytes(target)).isEqualTo(PNG);
    assertThat(TestImages.names(dir)).containsExactly("out.jpg");
  }

  @ParameterizedTest
  @ValueSource(strings = {"out.png", "OUT.PNG", "out.Png", "my.picture.png"})
  void matchingPngExtensionIsKeptAsGiven(String name, @TempDir Path dir) throws IOException {
    Path target = dir.resolve(name);
    assertThat(image(PNG).saveTo(target)).isEqualTo(target);
    assertThat(Files.readAllBytes(target)).isEqualTo(PNG);
    assertThat(TestImages.names(dir)).containsExactly(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"photo.jpeg", "photo.jpg", "photo.JPE", "photo.JPEG"})
  void matchingJpegExtensionIsKeptAsGiven(String name, @TempDir Path dir) throws IOException {
    Path target = dir.resolve(name);
    assertThat(image(JPEG).saveTo(target)).isEqualTo(target);
    assertThat(Files.readAllBytes(target)).isEqualTo(JPEG);
  }

  @Test
  void hiddenFileNameWithoutExtensionGetsOne(@TempDir Path dir) throws IOException {
    // A leading dot does not start an extension.
    assertThat(image(PNG).saveTo(dir.resolve(".thumbnail")))
        .isEqualTo(dir.resolve(".thumbnail.png"));
  }

  @Test
  void nameEndingInADotGetsTheExtensionAfterIt(@TempDir Path dir) throws IOException {
    assertThat(image(PNG).saveTo(dir.resolve("sunflower.")))
        .isEqualTo(dir.resolve("sunflower.png"));
  }

  @Test
  void missingPathWithATrailingSeparatorIsAFileName(@TempDir Path dir) throws IOException {
    // Observed: Path normalizes "new/" to "new", so a directory that does not exist yet is not
    // recognized as one: the image is saved as the file new.png next to it.
    Path target = Path.of(dir + "/new/");
    assertThat(image(PNG).saveTo(target)).isEqualTo(dir.resolve("new.png"));
    assertThat(TestImages.names(dir)).containsExactly("new.png");
  }

  @Test
  void longFileNameThatTheFileSystemAcceptsCanBeSaved(@TempDir Path dir) throws IOException {
    String name = "a".repeat(240);
    Path probe = dir.resolve(name + ".png");
    try {
      Files.write(probe, new byte[0]);
      Files.delete(probe);
    } catch (IOException e) {
      assumeTrue(false, "the file system does not accept 244-char names: " + e);
    }
    Path file = image(PNG).saveTo(dir.resolve(name));
    assertThat(file).isEqualTo(probe);
    assertThat(Files.readAllBytes(file)).isEqualTo(PNG);
    assertThat(TestImages.names(dir)).containsExactly(name + ".png");
  }

  // ---------------------------------------------------------------------------------------------
  // saveTo: existing files and directories, permissions

  @Test
  void existingFileIsNotReplacedWithoutOverwrite(@TempDir Path dir) throws IOException {
    Path existing = dir.resolve("out.png");
    Files.writeString(existing, "precious");
    for (Path target : List.of(existing, dir.resolve("out"))) {
      assertThatThrownBy(() -> image(PNG).saveTo(target))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageStartingWith("cannot save image 0 to " + existing)
          .hasMessageContaining("SaveOption.OVERWRITE")
          .cause()
          .isInstanceOf(FileAlreadyExistsException.class)
          .extracting(e -> ((FileAlreadyExistsException) e).getFile())
          .isEqualTo(existing.toString());
    }
    assertThat(Files.readString(existing)).isEqualTo("precious");
    assertThat(TestImages.names(dir)).containsExactly("out.png");
  }

  @Test
  void existingFileIsReplacedWithOverwrite(@TempDir Path dir) throws IOException {
    Path existing = dir.resolve("out.png");
    Files.writeString(existing, "old");
    assertThat(image(PNG).saveTo(dir.resolve("out"), SaveOption.OVERWRITE)).isEqualTo(existing);
    assertThat(Files.readAllBytes(existing)).isEqualTo(PNG);
    assertThat(image(PNG).saveTo(existing, SaveOption.OVERWRITE, SaveOption.OVERWRITE))
        .isEqualTo(existing);
    assertThat(TestImages.names(dir)).containsExactly("out.png");
  }

  @Test
  void directoryNamedLikeAnImageFileIsTreatedAsADirectory(@TempDir Path dir) throws IOException {
    // Observed: an existing directory "x.png" is a directory target, whatever its name says, so
    // the image goes inside it as image_<index>.<ext>, even when the extension does not match.
    Path x = Files.createDirectory(dir.resolve("x.png"));
    assertThat(image(PNG).saveTo(x)).isEqualTo(x.resolve("image_0.png"));
    assertThat(image(JPEG).saveTo(x)).isEqualTo(x.resolve("image_0.jpg"));
    assertThat(Files.readAllBytes(x.resolve("image_0.png"))).isEqualTo(PNG);
    assertThat(Files.readAllBytes(x.resolve("image_0.jpg"))).isEqualTo(JPEG);
    assertThat(TestImages.names(x)).containsExactly("image_0.jpg", "image_0.png");
  }

  @Test
  void directoryAtTheResolvedFileNameIsNeverReplaced(@TempDir Path dir) throws IOException {
    Path blocking = Files.createDirectory(dir.resolve("image_0.png"));
    Files.writeString(blocking.resolve("keep.txt"), "inside");
    // dir/image_0.png is a directory itself, so saving to it goes one level down ...
    assertThat(image(PNG).saveTo(blocking)).isEqualTo(blocking.resolve("image_0.png"));
    // ... and when the name inside is a directory too, even OVERWRITE refuses.
    Files.createDirectory(blocking.resolve("image_0.gif"));
    assertThatThrownBy(() -> image(GIF).saveTo(blocking, SaveOption.OVERWRITE))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("is a directory")
        .hasCauseInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(blocking.resolve("keep.txt"))).isEqualTo("inside");
    assertThat(TestImages.names(blocking))
        .containsExactly("image_0.gif", "image_0.png", "keep.txt");
  }

  @Test
  void readOnlyDirectoryFailsWithAccessDeniedAndLeavesNothing(@TempDir Path dir)
      throws IOException {
    assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "POSIX permissions");
    Path readOnly = Files.createDirectory(dir.resolve("ro"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assumeFalse(
          Files.isWritable(readOnly),
          "permissions are not enforced for this user (root): cannot test a read-only directory");
      assertThatThrownBy(() -> image(PNG).saveTo(readOnly.resolve("out")))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageStartingWith("cannot save image 0 to " + readOnly.resolve("out.png"))
          .hasCauseInstanceOf(AccessDeniedException.class);
      assertThatThrownBy(() -> image(PNG).saveTo(readOnly, SaveOption.OVERWRITE))
          .isInstanceOf(UncheckedIOException.class)
          .hasCauseInstanceOf(AccessDeniedException.class);
      assertThat(TestImages.names(readOnly)).isEmpty();
    } finally {
      Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // saveTo: invalid data

  @Test
  void invalidBase64LateInTheTextLeavesNoFileAtAll(@TempDir Path dir) throws IOException {
    String bad = TestImages.withBadCharNearEnd(TestImages.base64(largePng()), '%', 20);
    int offset = bad.length() - 21;
    GeneratedImage image = TestImages.base64Result(B64_PNG, bad).images().get(1);
    // Only the start is decoded to tell the format, so the text looks like a PNG until written.
    assertThat(image.format()).isEqualTo(ImageFormat.PNG);

    assertThatThrownBy(() -> image.saveTo(dir))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessage("b64_json of image 1 is not valid base64: unexpected '%' at offset " + offset);
    assertThatThrownBy(() -> image.saveTo(dir.resolve("named")))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("image 1")
        .hasMessageContaining("offset " + offset);
    assertThat(TestImages.names(dir)).isEmpty();
  }

  @Test
  void invalidBase64NeverDamagesTheFileItWouldHaveReplaced(@TempDir Path dir) throws IOException {
    Path existing = dir.resolve("image_0.png");
    Files.writeString(existing, "previous run");
    String bad = TestImages.withBadCharNearEnd(TestImages.base64(largePng()), '-', 3);
    GeneratedImage image = TestImages.base64Result(bad).images().get(0);
    assertThatThrownBy(() -> image.saveTo(dir, SaveOption.OVERWRITE))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("image 0")
        .hasMessageContaining("offset " + (bad.length() - 4))
        .hasMessageContaining("URL-safe");
    assertThat(Files.readString(existing)).isEqualTo("previous run");
    assertThat(TestImages.names(dir)).containsExactly("image_0.png");
  }

  @Test
  void contentThatIsNoImageIsNotSaved(@TempDir Path dir) throws IOException {
    GeneratedImage image = TestImages.base64Result("PGh0bWw+PC9odG1sPg==").images().get(0);
    assertThat(image.format()).isEqualTo(ImageFormat.UNKNOWN);
    assertThatThrownBy(() -> image.saveTo(dir))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessage(
            "b64_json of image 0 decodes to bytes that are not a PNG, JPEG, WebP or GIF image"
                + " (starts with 3c 68 74 6d 6c 3e 3c 2f 68 74 6d 6c): use bytes() or writeTo() to keep"
                + " it anyway");
    assertThat(TestImages.names(dir)).isEmpty();
    assertThat(image.bytes()).asString().isEqualTo("<html></html>");
  }

  // ---------------------------------------------------------------------------------------------
  // writeTo, openStream, bytes, format, dataUri, toBufferedImage

  @Test
  void writeToWritesTheExactBytesAndReturnsTheCount() throws IOException {
    byte[] large = largePng();
    for (byte[] source : List.of(PNG, JPEG, WEBP, GIF, large)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(image(source).writeTo(out)).isEqualTo(source.length);
      assertThat(out.toByteArray()).isEqualTo(source);
    }
  }

  @Test
  void writeToPassesTheCallersOwnIoExceptionThroughUnchanged() {
    IOException diskFull = new IOException("disk full");
    int[] accepted = new int[1];
    boolean[] closed = new boolean[1];
    OutputStream failing =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (accepted[0] + len > 1000) {
              accepted[0] = 1000;
              throw diskFull;
            }
            accepted[0] += len;
          }

          @Override
          public void close() {
            closed[0] = true;
          }
        };
    assertThatThrownBy(() -> image(largePng()).writeTo(failing)).isSameAs(diskFull);
    assertThat(accepted[0]).isEqualTo(1000);
    assertThat(closed[0]).as("writeTo leaves the caller's stream open").isFalse();
  }

  @Test
  void writeToOfInvalidBase64IsAMalformedResponse() {
    String bad = TestImages.withBadCharNearEnd(TestImages.base64(largePng()), ' ', 5);
    GeneratedImage image = TestImages.base64Result(B64_PNG, B64_PNG, bad).images().get(2);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThatThrownBy(() -> image.writeTo(out))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessage(
            "b64_json of image 2 is not valid base64: unexpected U+0020 at offset "
                + (bad.length() - 6));
    // As documented, part of the image may have been written by then.
    assertThat(out.size()).isGreaterThan(0);
  }

  @Test
  void writeToRejectsNull() {
    assertThatThrownBy(() -> image(PNG).writeTo(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("out == null");
  }

  @Test
  void openStreamAndBytesGiveTheSourceBytes() throws IOException {
    for (byte[] source : List.of(PNG, JPEG, WEBP, GIF, largePng())) {
      GeneratedImage image = image(source);
      byte[] bytes = image.bytes();
      assertThat(bytes).isEqualTo(source);
      assertThat(image.bytes()).isNotSameAs(bytes).isEqualTo(source);
      try (InputStream in = image.openStream()) {
        assertThat(in.readAllBytes()).isEqualTo(bytes);
      }
    }
  }

  @Test
  void openStreamOfInvalidBase64FailsOnReadNamingTheImageAndOffset() {
    GeneratedImage image = TestImages.base64Result(B64_PNG, "iVBORw0KGgo_AAAA").images().get(1);
    InputStream in = image.openStream();
    assertThatThrownBy(in::readAllBytes)
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(
            "b64_json of image 1 is not valid base64: unexpected '_' at offset 11");
    assertThatThrownBy(image::bytes)
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageStartingWith(
            "b64_json of image 1 is not valid base64: unexpected '_' at offset 11");
  }

  @Test
  void formatComesFromTheBytes() {
    assertThat(image(PNG).format()).isEqualTo(ImageFormat.PNG);
    assertThat(image(JPEG).format()).isEqualTo(ImageFormat.JPEG);
    assertThat(image(WEBP).format()).isEqualTo(ImageFormat.WEBP);
    assertThat(image(GIF).format()).isEqualTo(ImageFormat.GIF);
    assertThat(image("plain text".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).format())
        .isEqualTo(ImageFormat.UNKNOWN);
  }

  @Test
  void formatOfTextInvalidAtItsStartIsAMalformedResponse() {
    GeneratedImage image =
        TestImages.base64Result("data:image/png;base64," + B64_PNG).images().get(0);
    assertThatThrownBy(image::format)
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("image 0")
        .hasMessageContaining("offset 4")
        .hasMessageContaining("data URI");
  }

  @Test
  void dataUriUsesTheDetectedMediaType() {
    assertThat(image(PNG).dataUri()).isEqualTo("data:image/png;base64," + B64_PNG);
    assertThat(image(JPEG).dataUri()).isEqualTo("data:image/jpeg;base64," + B64_JPEG);
    assertThat(image(WEBP).dataUri())
        .isEqualTo("data:image/webp;base64," + TestImages.base64(WEBP));
    assertThat(image(GIF).dataUri()).isEqualTo("data:image/gif;base64," + TestImages.base64(GIF));
    String mime = java.util.Base64.getMimeEncoder().encodeToString(PNG);
    assertThat(TestImages.base64Result(mime).images().get(0).dataUri())
        .isEqualTo("data:image/png;base64," + B64_PNG);
  }

  @Test
  void toBufferedImageReadsPngJpegAndGif() {
    BufferedImage png = image(PNG).toBufferedImage();
    assertThat(png.getWidth()).isEqualTo(32);
    assertThat(png.getHeight()).isEqualTo(24);
    BufferedImage jpeg = image(JPEG).toBufferedImage();
    assertThat(jpeg.getWidth()).isEqualTo(20);
    assertThat(jpeg.getHeight()).isEqualTo(10);
    BufferedImage gif = image(GIF).toBufferedImage();
    assertThat(gif.getWidth()).isEqualTo(6);
    assertThat(gif.getHeight()).isEqualTo(4);
  }

  @Test
  void toBufferedImageOfWebpNeedsAnImageIoPlugin() {
    assumeFalse(
        ImageIO.getImageReadersByMIMEType("image/webp").hasNext(), "a WebP plugin is installed");
    assertThatThrownBy(() -> image(WEBP).toBufferedImage())
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("image 0 is WEBP")
        .hasMessageContaining("ImageIO plugin")
        .hasMessageContaining("imageio-webp");
  }

  @Test
  void toBufferedImageOfUnknownBytesIsUnsupported() {
    assertThatThrownBy(() -> image(new byte[] {1, 2, 3, 4}).toBufferedImage())
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("image 0 is not a known image format");
  }

  @Test
  void toBufferedImageOfATruncatedPngIsAMalformedResponse() {
    assertThatThrownBy(() -> image(Arrays.copyOf(PNG, 40)).toBufferedImage())
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageStartingWith("image 0 is not a readable PNG");
  }

  @Test
  void toStringShowsTheLengthNeverTheBase64() {
    ImageGenerationResult result = TestImages.base64Result(B64_PNG, B64_JPEG);
    GeneratedImage image = result.images().get(1);
    assertThat(image.toString())
        .isEqualTo("GeneratedImage{index=1, base64 (" + B64_JPEG.length() + " chars)}");
    assertThat(result.toString())
        .doesNotContain(B64_PNG.substring(0, 20))
        .doesNotContain(B64_JPEG.substring(0, 20))
        .doesNotContain(B64_JPEG.substring(B64_JPEG.length() / 2, B64_JPEG.length() / 2 + 20))
        .contains("base64 (" + B64_PNG.length() + " chars)");
  }

  // ---------------------------------------------------------------------------------------------
  // saveAll

  @Test
  void saveAllWritesImageIndexFilesInIndexOrder(@TempDir Path dir) throws IOException {
    ImageGenerationResult result = TestImages.base64Result(B64_PNG, B64_JPEG, B64_PNG);
    List<Path> files = result.saveAll(dir);
    assertThat(files)
        .containsExactly(
            dir.resolve("image_0.png"), dir.resolve("image_1.jpg"), dir.resolve("image_2.png"));
    assertThat(Files.readAllBytes(files.get(0))).isEqualTo(PNG);
    assertThat(Files.readAllBytes(files.get(1))).isEqualTo(JPEG);
    assertThat(Files.readAllBytes(files.get(2))).isEqualTo(PNG);
    assertThat(TestImages.names(dir)).containsExactly("image_0.png", "image_1.jpg", "image_2.png");
    assertThatThrownBy(() -> files.add(dir)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void saveAllUsesTheNamePattern(@TempDir Path dir) throws IOException {
    ImageGenerationResult result = TestImages.base64Result(B64_PNG, B64_JPEG, B64_PNG);
    assertThat(result.saveAll(dir, "sunflower_{index}"))
        .containsExactly(
            dir.resolve("sunflower_0.png"),
            dir.resolve("sunflower_1.jpg"),
            dir.resolve("sunflower_2.png"));
    assertThat(result.saveAll(dir, "{index}-of-3"))
        .containsExactly(
            dir.resolve("0-of-3.png"), dir.resolve("1-of-3.jpg"), dir.resolve("2-of-3.png"));
    assertThat(Files.readAllBytes(dir.resolve("sunflower_1.jpg"))).isEqualTo(JPEG);
  }

  @Test
  void saveAllCreatesTheDirectory(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("new/nested");
    assertThat(TestImages.base64Result(B64_JPEG).saveAll(out))
        .containsExactly(out.resolve("image_0.jpg"));
    assertThat(Files.readAllBytes(out.resolve("image_0.jpg"))).isEqualTo(JPEG);
  }

  @Test
  void patternWithoutIndexIsRefusedForSeveralImages(@TempDir Path dir) {
    Path out = dir.resolve("out");
    ImageGenerationResult result = TestImages.base64Result(B64_PNG, B64_PNG);
    assertThatThrownBy(() -> result.saveAll(out, "sunflower"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "namePattern = \"sunflower\" has no {index}, so all 2 images would get the"
                + " same name; use e.g. \"sunflower_{index}\"");
    assertThat(out).doesNotExist();
  }

  @Test
  void patternWithoutIndexIsFineForOneImage(@TempDir Path dir) throws IOException {
    assertThat(TestImages.base64Result(B64_PNG).saveAll(dir, "sunflower"))
        .containsExactly(dir.resolve("sunflower.png"));
    assertThat(TestImages.base64Result(B64_JPEG).saveAll(dir, "photo.jpeg"))
        .containsExactly(dir.resolve("photo.jpeg"));
    assertThat(TestImages.names(dir)).containsExactly("photo.jpeg", "sunflower.png");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "\t",
        "a/{index}",
        "{index}/b",
        "/abs_{index}",
        "..",
        ".",
        "..\\x_{index}",
        "sub\\{index}"
      })
  void patternThatIsNoPlainFileNameIsRefused(String pattern, @TempDir Path dir) throws IOException {
    ImageGenerationResult result = TestImages.base64Result(B64_PNG, B64_PNG);
    assertThatThrownBy(() -> result.saveAll(dir, pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("namePattern = \"" + pattern + "\" is not a file name");
    assertThat(TestImages.names(dir)).isEmpty();
  }

  @Test
  void patternWithAMismatchedExtensionWritesNothing(@TempDir Path dir) throws IOException {
    ImageGenerationResult result = TestImages.base64Result(B64_PNG, B64_JPEG, B64_PNG);
    assertThatThrownBy(() -> result.saveAll(dir, "img_{index}.png"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("image 1")
        .hasMessageContaining("img_1.png")
        .hasMessageContaining("JPEG");
    assertThat(TestImages.names(dir)).isEmpty();
    assertThat(result.saveAll(dir, "img_{index}.png", SaveOption.KEEP_EXTENSION))
        .containsExactly(
            dir.resolve("img_0.png"), dir.resolve("img_1.png"), dir.resolve("img_2.png"));
    assertThat(Files.readAllBytes(dir.resolve("img_1.png"))).isEqualTo(JPEG);
  }

  @Test
  void saveAllWritesNothingWhenOneTargetExists(@TempDir Path dir) throws IOException {
    Path existing = dir.resolve("image_1.jpg");
    Files.writeString(existing, "keep me");
    ImageGenerationResult result = TestImages.base64Result(B64_PNG, B64_JPEG, B64_PNG);
    assertThatThrownBy(() -> result.saveAll(dir))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("cannot save image 1 to " + existing)
        .hasCauseInstanceOf(FileAlreadyExistsException.class);
    assertThat(TestImages.names(dir)).containsExactly("image_1.jpg");
    assertThat(Files.readString(existing)).isEqualTo("keep me");
  }

  @Test
  void saveAllWithOverwriteWritesEverything(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("image_1.jpg"), "old");
    ImageGenerationResult result = TestImages.base64Result(B64_PNG, B64_JPEG, B64_PNG);
    assertThat(result.saveAll(dir, SaveOption.OVERWRITE))
        .containsExactly(
            dir.resolve("image_0.png"), dir.resolve("image_1.jpg"), dir.resolve("image_2.png"));
    assertThat(Files.readAllBytes(dir.resolve("image_1.jpg"))).isEqualTo(JPEG);
    assertThat(TestImages.names(dir)).containsExactly("image_0.png", "image_1.jpg", "image_2.png");
  }

  @Test
  void saveAllKeepsTheImagesBeforeOneWithInvalidBase64(@TempDir Path dir) throws IOException {
    String bad = TestImages.withBadCharNearEnd(TestImages.base64(largePng()), '%', 50);
    ImageGenerationResult result = TestImages.base64Result(B64_PNG, B64_JPEG, bad);
    assertThatThrownBy(() -> result.saveAll(dir))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessage(
            "b64_json of image 2 is not valid base64: unexpected '%' at offset "
                + (bad.length() - 51));
    assertThat(TestImages.names(dir)).containsExactly("image_0.png", "image_1.jpg");
    assertThat(Files.readAllBytes(dir.resolve("image_1.jpg"))).isEqualTo(JPEG);
  }

  @Test
  void saveAllReturnsFilesInIndexOrderWhenImagesArriveOutOfOrder(@TempDir Path dir)
      throws IOException {
    List<ImageChoicesData> data =
        List.of(
            ImageChoicesData.builder().index(2).b64Json(TestImages.base64(GIF)).build(),
            ImageChoicesData.builder().index(0).b64Json(B64_PNG).build(),
            ImageChoicesData.builder().index(1).b64Json(B64_JPEG).build());
    ImageGenerationResult result =
        ImageGenerationResult.of(TestImages.response(data), TestImages.downloader());
    assertThat(result.images()).extracting(GeneratedImage::index).containsExactly(0, 1, 2);
    assertThat(result.saveAll(dir))
        .containsExactly(
            dir.resolve("image_0.png"), dir.resolve("image_1.jpg"), dir.resolve("image_2.gif"));
    assertThat(Files.readAllBytes(dir.resolve("image_2.gif"))).isEqualTo(GIF);
  }

  @Test
  void saveAllRejectsNullArguments(@TempDir Path dir) {
    ImageGenerationResult result = TestImages.base64Result(B64_PNG);
    assertThatThrownBy(() -> result.saveAll(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("directory == null");
    assertThatThrownBy(() -> result.saveAll(dir, (String) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("namePattern == null");
  }

  // ---------------------------------------------------------------------------------------------
  // ImageGenerationResult.of

  @Test
  void ofRejectsAnImageWithNeitherBase64NorUrl() {
    List<ImageChoicesData> data =
        List.of(
            ImageChoicesData.builder().index(0).b64Json(B64_PNG).build(),
            ImageChoicesData.builder().index(1).build());
    assertThatThrownBy(
            () -> ImageGenerationResult.of(TestImages.response(data), TestImages.downloader()))
        .isInstanceOf(com.squareup.moshi.JsonDataException.class)
        .hasMessage("response gen-test: image 1 has neither b64_json nor url");
  }

  @Test
  void ofRejectsDuplicateIndexes() {
    List<ImageChoicesData> data =
        List.of(
            ImageChoicesData.builder().index(1).b64Json(B64_PNG).build(),
            ImageChoicesData.builder().index(0).b64Json(B64_PNG).build(),
            ImageChoicesData.builder().index(1).b64Json(B64_JPEG).build());
    assertThatThrownBy(
            () -> ImageGenerationResult.of(TestImages.response(data), TestImages.downloader()))
        .isInstanceOf(com.squareup.moshi.JsonDataException.class)
        .hasMessage("response gen-test has two images with index 1");
  }

  @Test
  void ofRejectsAResponseWithoutImages() {
    assertThatThrownBy(
            () -> ImageGenerationResult.of(TestImages.response(List.of()), TestImages.downloader()))
        .isInstanceOf(com.squareup.moshi.JsonDataException.class)
        .hasMessage("response gen-test has no images: data is empty");
  }
}
