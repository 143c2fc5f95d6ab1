package io.github.together4j.spring.boot.autoconfigure;

/**
 * A together4j property (or its environment variable) that cannot work; startup fails with it, and
 * {@link TogetherPropertyFailureAnalyzer} reports it. Never holds the API key.
 */
final class TogetherPropertyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String property;
  private final String action;

  TogetherPropertyException(String property, String message, String action) {
    super(message);
    this.property = property;
    this.action = action;
  }

  /** {@return the property's name, e.g. together.api-key} */
  String property() {
    return property;
  }

  /** {@return what the user should do} */
  String action() {
    return action;
  }
}
