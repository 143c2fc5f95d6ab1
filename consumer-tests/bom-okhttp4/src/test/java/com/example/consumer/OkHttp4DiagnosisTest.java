package com.example.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogetherServer;
import org.junit.jupiter.api.Test;

/** okhttp 4.12.0 declared with a version next to together4j: two OkHttps, diagnosed before any call. */
class OkHttp4DiagnosisTest {
  @Test
  void bothOkHttpsAreOnTheClasspath() {
    ClasspathReport.print("bom-okhttp4");
    assertThat(ClasspathReport.okHttp()).extracting(ClasspathReport.Entry::fileName)
        .hasSize(2)
        .contains("okhttp-4.12.0.jar")
        .anySatisfy(name -> assertThat(name).startsWith("okhttp-jvm-5."));
  }

  @Test
  void clientBuilderNamesTheJarsAndTheFix() {
    assertThatThrownBy(() -> TogetherImages.builder().apiKey("k").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("okhttp-4.12.0.jar")
        .hasMessageContaining("OkHttp 5")
        .hasMessageContaining("together4j-bom")
        .satisfies(e -> System.out.println("[bom-okhttp4] TogetherImages.builder().build(): " + e.getMessage()));
  }

  @Test
  void fakeServerNamesTheJarsAndTheFix() {
    assertThatThrownBy(() -> FakeTogetherServer.start().close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("okhttp-4.12.0.jar")
        .hasMessageContaining("OkHttp 5")
        .hasMessageContaining("together4j-bom");
  }
}
