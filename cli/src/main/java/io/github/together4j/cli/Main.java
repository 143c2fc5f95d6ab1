package io.github.together4j.cli;

/**
 * The {@code together4j} command: {@code java -jar together4j.jar generate "a lighthouse at dusk"}.
 * Run with {@code --help} for the commands and options.
 */
public final class Main {
  private Main() {}

  /**
   * Runs the command line and exits with its status: 0 done, 1 the call, a download or a file
   * failed, 2 a bad command line or configuration.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    // The fake server draws with java.awt: no Dock icon, no display needed.
    System.setProperty("java.awt.headless", "true");
    // Everything the command started is closed by now; exiting here also ends the process at once
    // should a library have left a thread behind.
    System.exit(Together4j.run(Context.system(), args));
  }
}
