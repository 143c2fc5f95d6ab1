package com.example.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import org.junit.jupiter.api.Test;

/** The JUnit the user chose (junit.version) is the one running, and the only one: the testkit brings none. */
class JUnitVersionTest {
  private static final String EXPECTED = System.getProperty("junit.version");

  @Test
  void theUsersJUnitIsTheOnlyJUnitOnTheClasspath() throws Exception {
    assertThat(EXPECTED).as("system property junit.version (set by the POM's surefire configuration)")
        .isNotBlank();
    String api = Test.class.getPackage().getImplementationVersion();
    String engine = Class.forName("org.junit.jupiter.engine.JupiterTestEngine").getPackage()
        .getImplementationVersion();
    System.out.println("[testkit-junit] junit.version=" + EXPECTED + ": junit-jupiter-api " + api
        + ", junit-jupiter-engine " + engine);
    assertThat(api).as("junit-jupiter-api version").isEqualTo(EXPECTED);
    assertThat(engine).as("junit-jupiter-engine version").isEqualTo(EXPECTED);
    assertThat(Collections.list(getClass().getClassLoader().getResources("org/junit/jupiter/api/Test.class")))
        .as("classpath entries holding org.junit.jupiter.api.Test")
        .hasSize(1);
    assertThat(ClasspathReport.classpathFiles("junit-jupiter-api-"))
        .containsExactly("junit-jupiter-api-" + EXPECTED + ".jar");
  }

  @Test
  void classpathHasOneOkHttpAndOneOkio() {
    ClasspathReport.assertOneOkHttp5AndOneOkio3("testkit-junit " + EXPECTED);
  }
}
