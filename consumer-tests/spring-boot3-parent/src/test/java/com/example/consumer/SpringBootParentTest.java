package com.example.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * together4j under spring-boot-starter-parent (3.5.7 here, 3.3.13 in spring-boot33-parent), with
 * okhttp declared without a version. Boot 3.4 and later manage no OkHttp; Boot 3.3 manages OkHttp
 * 4.12.0, and both manage Kotlin 1.9, through BOM imports in the parent, which Maven applies after
 * the project's own import of together4j-bom. So together4j's versions win.
 */
class SpringBootParentTest {
  @Test
  void okhttpResolvesThroughTogether4jsBomToOneOkHttp5() {
    ClasspathReport.assertOkHttp5ArtifactBesideOkHttpJvm("spring-boot-parent");
  }

  @Test
  void kotlinStdlibIsTogether4jsNotTheParents() {
    List<String> stdlib = ClasspathReport.classpathFiles("kotlin-stdlib");
    System.out.println("[spring-boot-parent] Kotlin stdlib jars: " + stdlib);
    assertThat(stdlib).isNotEmpty()
        .allSatisfy(name -> assertThat(name).matches("kotlin-stdlib(-jdk[78])?-2\\..*\\.jar"));
    assertThat(stdlib.stream().map(name -> name.substring(name.lastIndexOf('-') + 1)).distinct())
        .as("versions of " + stdlib).hasSize(1);
  }

  @Test
  void generatesAgainstTheFakeServer(@TempDir Path dir) throws Exception {
    FakeServerCall.generateOneImage(dir);
  }
}
