package io.github.together4j.images.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classpath check, on class loaders over jars built here: the resources and manifests it reads
 * are real, the jars hold no code, and nothing but them is visible (no parent loader).
 */
class RuntimeDependenciesTest {
  @TempDir Path dir;

  @Test
  void theClasspathWeTestOnPasses() {
    assertThat(RuntimeDependencies.problem(RuntimeDependencies.class.getClassLoader())).isNull();
    RuntimeDependencies.verify();
  }

  @Test
  void oneOkHttp5AndOneOkioWithSocketPass() throws IOException {
    assertThat(problem(okhttp5(), okio3())).isNull();
  }

  @Test
  void okHttp4NextToOkHttp5NamesBothJarsTheNeedAndTheBom() throws IOException {
    String problem = problem(okhttp4(), okhttp5(), okio3());

    assertThat(problem)
        .startsWith("together4j needs exactly one OkHttp 5.x (com.squareup.okhttp3:okhttp-jvm, 5.")
        .contains(
            "2 jars on the classpath hold okhttp3.OkHttpClient: okhttp-4.12.0.jar (OkHttp"
                + " 4.12.0) and okhttp-jvm-5.5.1.jar (OkHttp 5.5.1)")
        .contains("import io.github.together4j:together4j-bom");
  }

  @Test
  void okHttp4AloneIsRefusedWithItsVersionFromTheFileName() throws IOException {
    assertThat(problem(okhttp4(), okio3()))
        .contains("the classpath has okhttp-4.12.0.jar (OkHttp 4.12.0)")
        .contains("together4j-bom");
  }

  @Test
  void twoOkiosAreNamed() throws IOException {
    Path old = jar("okio-jvm-3.7.0.jar", "3.7.0", "okio/Buffer.class");
    assertThat(problem(okhttp5(), old, okio3()))
        .contains(
            "2 jars on the classpath hold okio.Buffer: okio-jvm-3.7.0.jar (Okio 3.7.0) and"
                + " okio-jvm-3.18.1.jar (Okio 3.18.1)");
  }

  @Test
  void anOkioWithoutSocketIsTooOld() throws IOException {
    Path okio2 = jar("okio-2.10.0.jar", null, "okio/Buffer.class");
    assertThat(problem(okhttp5(), okio2))
        .contains("the classpath has okio-2.10.0.jar (Okio 2.10.0), older than OkHttp 5 needs");
  }

  @Test
  void aJarWithoutVersionAnywhereSaysSo() throws IOException {
    Path shaded = jar("http-client-all.jar", null, "okhttp3/OkHttpClient.class");
    assertThat(problem(shaded, okio3()))
        .contains("http-client-all.jar (OkHttp of unknown version)");
  }

  private Path okhttp4() throws IOException {
    return jar("okhttp-4.12.0.jar", null, "okhttp3/OkHttpClient.class");
  }

  private Path okhttp5() throws IOException {
    return jar("okhttp-jvm-5.5.1.jar", "5.5.1", "okhttp3/OkHttpClient.class");
  }

  private Path okio3() throws IOException {
    return jar("okio-jvm-3.18.1.jar", "3.18.1", "okio/Buffer.class", "okio/Socket.class");
  }

  private @Nullable String problem(Path... jars) throws IOException {
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars) {
      urls.add(jar.toUri().toURL());
    }
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), null)) {
      return RuntimeDependencies.problem(loader);
    }
  }

  private Path jar(String name, @Nullable String bundleVersion, String... entries)
      throws IOException {
    Path sub = Files.createDirectories(dir.resolve(name + ".d"));
    Path jar = sub.resolve(name);
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (bundleVersion != null) {
      manifest.getMainAttributes().putValue("Bundle-Version", bundleVersion);
    }
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream zip = new JarOutputStream(out, manifest)) {
      for (String entry : entries) {
        zip.putNextEntry(new JarEntry(entry));
        zip.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
        zip.closeEntry();
      }
    }
    return jar;
  }
}
