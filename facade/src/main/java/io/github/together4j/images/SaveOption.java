package io.github.together4j.images;

/**
 * Options for saving images with {@link GeneratedImage#saveTo(java.nio.file.Path, SaveOption...)},
 * {@link ImageGenerationResult#saveAll(java.nio.file.Path, SaveOption...)} and {@link
 * Base64Images#save(CharSequence, java.nio.file.Path, SaveOption...)}.
 */
public enum SaveOption {
  /** Replaces an existing file, atomically. Without it, saving to an existing file fails. */
  OVERWRITE,
  /**
   * Keeps the file name's extension even when it does not match the image, e.g. writes PNG bytes to
   * {@code out.jpg}. Without it, such a mismatch is refused.
   */
  KEEP_EXTENSION
}
