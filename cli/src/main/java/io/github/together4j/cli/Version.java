package io.github.together4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** What {@code --version} prints: the tool's version, then the Java and OS it runs on. */
final class Version implements IVersionProvider {
  /** The version this jar was built as, e.g. {@code 0.1.0}. */
  static final String VERSION = read();

  @Override
  public String[] getVersion() {
    return new String[] {
      "together4j " + VERSION,
      "Java "
          + System.getProperty("java.version")
          + " ("
          + System.getProperty("java.vendor")
          + "), "
          + System.getProperty("os.name")
          + " "
          + System.getProperty("os.arch")
    };
  }

  private static String read() {
    Properties properties = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // "unknown" below.
    }
    return properties.getProperty("version", "unknown");
  }
}
