package io.github.together4j.cli;

/**
 * A command's one-line refusal, with its exit status: {@value #USAGE} for a command line or
 * configuration that can never work, {@value #FAILED} for work that could not be done (the call, a
 * download or a file).
 */
final class Failure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Exit status: the work could not be done. */
  static final int FAILED = 1;

  /** Exit status: the command line or the configuration is wrong. */
  static final int USAGE = 2;

  private final int exitCode;

  private Failure(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** A command line or configuration that cannot work, exit status {@value #USAGE}. */
  static Failure usage(String message) {
    return new Failure(USAGE, message, null);
  }

  /** A command line or configuration that cannot work, with the exception that said so. */
  static Failure usage(String message, Throwable cause) {
    return new Failure(USAGE, message, cause);
  }

  /** Work that could not be done, exit status {@value #FAILED}. */
  static Failure failed(String message, Throwable cause) {
    return new Failure(FAILED, message, cause);
  }

  /** Work that could not be done, exit status {@value #FAILED}. */
  static Failure failed(String message) {
    return new Failure(FAILED, message, null);
  }

  int exitCode() {
    return exitCode;
  }
}
