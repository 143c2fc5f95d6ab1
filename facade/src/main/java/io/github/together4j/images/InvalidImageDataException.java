package io.github.together4j.images;

import java.io.IOException;

/**
 * Thrown inside the package for image data that can never be saved: text that is not strict base64,
 * or bytes that are not a recognized image. Callers turn it into the public exception that fits the
 * source: {@link MalformedResponseException} for what Together sent, {@link
 * IllegalArgumentException} for what a caller passed in.
 */
final class InvalidImageDataException extends IOException {
  private static final long serialVersionUID = 1L;

  InvalidImageDataException(String message) {
    super(message);
  }
}
