package io.github.together4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** File-system failures of the streaming save, told by the image's final path. */
class OutputFilesTest {
  private final Path out = Path.of("out");
  private final OutputFiles files = new OutputFiles(out, "a_fox_{index}", OutputFormat.PNG);

  private String message(IOException cause) {
    return files
        .failure(new UncheckedIOException("cannot save images: " + cause, cause))
        .getMessage();
  }

  @Test
  void aTemporaryFileIsToldAsTheImageItBecomes() {
    String part = out.toAbsolutePath().resolve("..together4j-1.1cfe81ef.part").toString();

    assertThat(message(new AccessDeniedException(part)))
        .isEqualTo("cannot write out/a_fox_1.png: permission denied");
  }

  @Test
  void theFileSystemsReasonIsKept() {
    String part = out.resolve("..together4j-0.00ab.part").toString();

    assertThat(message(new FileSystemException(part, null, "No space left on device")))
        .isEqualTo("cannot write out/a_fox_0.png: no space left on device");
  }

  @Test
  void aFinalPathIsToldAsItIs() {
    String target = out.toAbsolutePath().resolve("a_fox_0.jpg").toString();

    assertThat(
            message(
                new FileAlreadyExistsException(
                    target, null, "already exists; pass SaveOption.OVERWRITE to replace it")))
        .isEqualTo("cannot write out/a_fox_0.jpg: already exists; pass --overwrite to replace it");
  }

  @Test
  void anErrorWithoutAFileNamesTheFirstImage() {
    assertThat(message(new IOException("disk on fire")))
        .isEqualTo("cannot write out/a_fox_0.png: disk on fire");
  }

  @Test
  void aMessageQuotingATemporaryFileDoesNotShowIt() {
    assertThat(message(new IOException("failed: /x/.together4j-3.beef.part")))
        .isEqualTo("cannot write out/a_fox_0.png: failed: /x/(temporary file)");
  }
}
