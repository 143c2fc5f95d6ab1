package io.github.together4j.images.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Fails fast, with the fix, when the classpath holds an OkHttp or Okio that together4j cannot run
 * on. Not API.
 *
 * <p>Maven picks one version per artifact, but OkHttp 4 ({@code okhttp}) and OkHttp 5 ({@code
 * okhttp-jvm}) are different artifacts, so a build that forces OkHttp 4 (Retrofit's own dependency,
 * a Spring Boot 3 BOM) ends up with both jars, and the client dies later with a {@link
 * NoSuchMethodError} from deep inside OkHttp. The client builder and the testkit's server call
 * {@link #verify()} first, so the user sees which jars were found and what to change instead.
 */
public final class RuntimeDependencies {
  private static final Pattern JAR_VERSION = Pattern.compile("-(\\d+(?:\\.\\d+)+[^/]*?)\\.jar$");
  private static final String FIX =
      "Fix: import io.github.together4j:together4j-bom (type pom,"
          + " scope import) in <dependencyManagement> before other BOMs, and remove or exclude the"
          + " other OkHttp/Okio; `mvn dependency:tree -Dincludes=com.squareup.okhttp3,com.squareup.okio`"
          + " shows which dependency brings it.";

  private static volatile boolean verified;

  private RuntimeDependencies() {}

  /**
   * Checks the classpath once per class loader.
   *
   * @throws IllegalStateException naming the jars found, the versions needed and the fix, when
   *     OkHttp is not exactly one OkHttp 5 or Okio is not exactly one Okio 3 recent enough for it
   */
  public static void verify() {
    if (verified) {
      return;
    }
    String problem = problem(RuntimeDependencies.class.getClassLoader());
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
    verified = true;
  }

  /** What is wrong with the OkHttp and Okio that {@code loader} sees, or null if nothing. */
  static @Nullable String problem(ClassLoader loader) {
    Properties tested = testedVersions();
    String okhttpTested = tested.getProperty("okhttp", "5");
    String okioTested = tested.getProperty("okio", "3");
    String needs =
        "together4j needs exactly one OkHttp 5.x (com.squareup.okhttp3:okhttp-jvm, "
            + okhttpTested
            + " tested) and one Okio 3.x (com.squareup.okio:okio-jvm, "
            + okioTested
            + " tested), but ";

    List<Jar> okhttp = jarsHolding(loader, "okhttp3/OkHttpClient.class");
    if (okhttp.size() > 1) {
      return needs
          + okhttp.size()
          + " jars on the classpath hold okhttp3.OkHttpClient: "
          + describe(okhttp, "OkHttp")
          + ". "
          + FIX;
    }
    if (okhttp.size() == 1) {
      Jar jar = okhttp.get(0);
      String version = jar.version != null ? jar.version : loadedOkHttpVersion(loader);
      if (version == null || !version.startsWith("5.")) {
        return needs + "the classpath has " + jar.describe("OkHttp", version) + ". " + FIX;
      }
    }

    List<Jar> okio = jarsHolding(loader, "okio/Buffer.class");
    if (okio.size() > 1) {
      return needs
          + okio.size()
          + " jars on the classpath hold okio.Buffer: "
          + describe(okio, "Okio")
          + ". "
          + FIX;
    }
    // okio.Socket is what OkHttp 5 calls first that older Okio 3 releases (and Okio 1 and 2) lack.
    if (okio.size() == 1 && loader.getResource("okio/Socket.class") == null) {
      return needs
          + "the classpath has "
          + okio.get(0).describe("Okio", okio.get(0).version)
          + ", older than OkHttp 5 needs (it has no okio.Socket). "
          + FIX;
    }
    return null;
  }

  private static String describe(List<Jar> jars, String library) {
    return jars.stream()
        .map(jar -> jar.describe(library, jar.version))
        .collect(Collectors.joining(" and "));
  }

  private static List<Jar> jarsHolding(ClassLoader loader, String resource) {
    List<Jar> jars = new ArrayList<>();
    try {
      for (URL url : Collections.list(loader.getResources(resource))) {
        jars.add(Jar.of(url, resource));
      }
    } catch (IOException e) {
      // An unreadable classpath is reported by whatever reads it next; nothing to add here.
    }
    return jars;
  }

  /** okhttp3.OkHttp.VERSION (OkHttp 4 and later), read reflectively: javac would inline it. */
  private static @Nullable String loadedOkHttpVersion(ClassLoader loader) {
    try {
      Object version = Class.forName("okhttp3.OkHttp", false, loader).getField("VERSION").get(null);
      return version instanceof String ? (String) version : null;
    } catch (ReflectiveOperationException | LinkageError e) {
      return null; // OkHttp 3 or older has no okhttp3.OkHttp
    }
  }

  private static Properties testedVersions() {
    Properties properties = new Properties();
    try (InputStream in =
        RuntimeDependencies.class.getResourceAsStream("dependencies.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // The message then says "5" and "3" instead of the exact versions.
    }
    return properties;
  }

  /** A jar (or directory) that holds a class, and its version where it says. */
  private static final class Jar {
    final String name;
    final @Nullable String version;

    private Jar(String name, @Nullable String version) {
      this.name = name;
      this.version = version;
    }

    static Jar of(URL url, String resource) {
      String location = url.toString();
      if (location.endsWith(resource)) {
        location = location.substring(0, location.length() - resource.length());
      }
      if (location.endsWith("!/")) {
        location = location.substring(0, location.length() - 2);
      }
      String name = location.substring(location.lastIndexOf('/', location.length() - 2) + 1);
      String version = bundleVersion(url);
      if (version == null) {
        Matcher matcher = JAR_VERSION.matcher(name);
        version = matcher.find() ? matcher.group(1) : null;
      }
      return new Jar(name, version);
    }

    /**
     * Bundle-Version from the jar's manifest: OkHttp 5 and Okio 3.x write it, OkHttp 4 does not.
     */
    private static @Nullable String bundleVersion(URL url) {
      try {
        URLConnection connection = url.openConnection();
        if (!(connection instanceof JarURLConnection)) {
          return null;
        }
        connection.setUseCaches(false);
        Manifest manifest = ((JarURLConnection) connection).getManifest();
        return manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-Version");
      } catch (IOException e) {
        return null;
      }
    }

    String describe(String library, @Nullable String version) {
      return name + " (" + library + " " + (version == null ? "of unknown version" : version) + ")";
    }
  }
}
