package com.example.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which classpath entries hold OkHttp's and Okio's classes, and at which versions. Shared by every
 * consumer project: consumer-tests/run's POMs add consumer-tests/shared/src/test/java as a test
 * source root.
 */
public final class ClasspathReport {
  public static final String OKHTTP_CLIENT = "okhttp3/OkHttpClient.class";
  public static final String OKIO_BUFFER = "okio/Buffer.class";

  private static final Pattern FILE_VERSION = Pattern.compile("-(\\d+(?:\\.\\d+)+[^/]*?)\\.jar$");

  private ClasspathReport() {}

  /** A classpath entry (jar or directory) and its version: Bundle-Version, else from the file name. */
  public record Entry(String fileName, String version) {
    @Override
    public String toString() {
      return fileName + " (" + version + ")";
    }
  }

  /** Every classpath entry holding {@code resource}, in classpath order. */
  public static List<Entry> holding(String resource) {
    List<Entry> entries = new ArrayList<>();
    try {
      for (URL url : Collections.list(ClasspathReport.class.getClassLoader().getResources(resource))) {
        entries.add(entry(url, resource));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return entries;
  }

  public static List<Entry> okHttp() {
    return holding(OKHTTP_CLIENT);
  }

  public static List<Entry> okio() {
    return holding(OKIO_BUFFER);
  }

  /** The file names on java.class.path that start with {@code prefix}, e.g. "okhttp-". */
  public static List<String> classpathFiles(String prefix) {
    List<String> names = new ArrayList<>();
    for (String element : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path name = Path.of(element).getFileName();
      if (name != null && name.toString().startsWith(prefix)) {
        names.add(name.toString());
      }
    }
    return names;
  }

  /** Prints the OkHttp and Okio entries, so the test output shows what the user's build resolved. */
  public static void print(String project) {
    System.out.println("[" + project + "] okhttp3/OkHttpClient.class in " + okHttp());
    System.out.println("[" + project + "] okio/Buffer.class in " + okio());
  }

  /** What the BOM promises: exactly one okhttp-jvm 5.x jar and exactly one okio-jvm 3.x jar. */
  public static void assertOneOkHttp5AndOneOkio3(String project) {
    print(project);
    assertThat(okHttp()).as("classpath entries holding " + OKHTTP_CLIENT)
        .singleElement()
        .satisfies(jar -> {
          assertThat(jar.fileName()).startsWith("okhttp-jvm-");
          assertThat(jar.version()).startsWith("5.");
        });
    assertThat(okio()).as("classpath entries holding " + OKIO_BUFFER)
        .singleElement()
        .satisfies(jar -> {
          assertThat(jar.fileName()).startsWith("okio-jvm-");
          assertThat(jar.version()).startsWith("3.");
        });
  }

  /**
   * okhttp declared by the user and resolved to 5.x: the okhttp artifact (classes-less on Maven:
   * Gradle metadata points elsewhere) next to okhttp-jvm, both of one 5.x version, and otherwise
   * {@link #assertOneOkHttp5AndOneOkio3}.
   */
  public static void assertOkHttp5ArtifactBesideOkHttpJvm(String project) {
    List<String> jars = classpathFiles("okhttp-");
    System.out.println("[" + project + "] okhttp jars on java.class.path: " + jars);
    assertThat(jars).as("okhttp jars on the classpath").hasSize(2);
    String version = jars.stream().filter(name -> !name.startsWith("okhttp-jvm-")).findFirst()
        .map(name -> name.substring("okhttp-".length(), name.length() - ".jar".length()))
        .orElseThrow(() -> new AssertionError("no okhttp-<version>.jar in " + jars));
    assertThat(version).startsWith("5.");
    assertThat(jars).containsExactlyInAnyOrder("okhttp-" + version + ".jar", "okhttp-jvm-" + version + ".jar");
    assertOneOkHttp5AndOneOkio3(project);
  }

  private static Entry entry(URL url, String resource) throws IOException {
    if ("jar".equals(url.getProtocol())) {
      Path jar = path(((JarURLConnection) url.openConnection()).getJarFileURL());
      String name = jar.getFileName().toString();
      try (JarFile file = new JarFile(jar.toFile())) {
        Manifest manifest = file.getManifest();
        String version = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-Version");
        if (version == null) {
          Matcher matcher = FILE_VERSION.matcher(name);
          version = matcher.find() ? matcher.group(1) : "unknown version";
        }
        return new Entry(name, version);
      }
    }
    String location = url.toString();
    return new Entry(location.substring(0, location.length() - resource.length()), "directory");
  }

  private static Path path(URL fileUrl) {
    try {
      return Path.of(fileUrl.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(fileUrl.toString(), e);
    }
  }
}
