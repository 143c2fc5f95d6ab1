package io.github.together4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogether;
import io.github.together4j.images.testkit.FakeTogetherServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The builder: required key, checked options with typed messages, logging through our logger. */
@FakeTogether(apiKey = BuilderTest.KEY)
class BuilderTest {
  static final String KEY = "fake-lc4j-key-0003";

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"  "})
  void missingKeySaysWhereToGetOneAsFromEnvDoes(String key) {
    assertThatThrownBy(() -> TogetherImageModel.builder().apiKey(key).build())
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("apiKey is not set")
        .hasMessageContaining("https://api.together.ai/settings/api-keys")
        .hasMessageContaining("export TOGETHER_API_KEY=<your key>");
  }

  @Test
  void blankKeyBesideASharedClientIsRefusedToo(TogetherImages client) {
    assertThatThrownBy(() -> TogetherImageModel.builder().client(client).apiKey(" ").build())
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("apiKey is not set");
  }

  @Test
  void sizeMustBeWidthXHeight() {
    TogetherImageModel.Builder builder = TogetherImageModel.builder();
    for (String bad : List.of("1024", "1024x", "x768", "1024 by 768", "-1x5", "99999999999x1")) {
      assertThatThrownBy(() -> builder.size(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("size must be WIDTHxHEIGHT")
          .hasMessageContaining(bad);
    }
  }

  @Test
  void formatNamesAreCheckedAndListTheAllowedOnes() {
    assertThatThrownBy(() -> TogetherImageModel.builder().responseFormat("png"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("responseFormat must be one of [url, base64, b64_json]: was \"png\"");
    assertThatThrownBy(() -> TogetherImageModel.builder().outputFormat("gif"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("outputFormat must be one of [jpeg, jpg, png]: was \"gif\"");
  }

  @Test
  void outOfRangeOptionsFailAtBuildNamingTheField(FakeTogetherServer server) {
    assertThatThrownBy(() -> model(server).width(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("width");
    assertThatThrownBy(() -> model(server).size("512x0").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("height");
    assertThatThrownBy(() -> model(server).steps(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("steps");
    assertThatThrownBy(() -> model(server).guidanceScale(Double.NaN).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("guidanceScale");
    assertThatThrownBy(() -> model(server).maxRetries(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxRetries");
    assertThatThrownBy(() -> model(server).timeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> model(server).customHeaders(Map.of("Authorization", "x")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Authorization");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void logRequestsAndResponsesGoThroughOurLoggerWithTheKeyRedacted(FakeTogetherServer server) {
    List<String> lines =
        infoLogsOf(
            () -> {
              try (TogetherImageModel model =
                  model(server)
                      .logRequests(true)
                      .logResponses(true)
                      .responseFormat("base64")
                      .build()) {
                model.generate("a fox called " + KEY);
              }
            });

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .startsWith("--> POST " + server.baseUrl() + "images/generations")
        .contains("Authorization: ██", "\"prompt\":\"a fox called ██\"");
    assertThat(lines.get(1)).startsWith("<-- 200 ").contains("\"b64_json\":", "body cut at 4096");
    assertThat(String.join("\n", lines)).doesNotContain(KEY);
  }

  @Test
  void withoutLoggingOptionsNothingIsLoggedAtInfo(FakeTogetherServer server) {
    List<String> lines =
        infoLogsOf(
            () -> {
              try (TogetherImageModel model = model(server).build()) {
                model.generate("a fox");
              }
            });

    assertThat(lines).isEmpty();
  }

  /** What {@code action} logs at INFO and above through "io.github.together4j.images". */
  private static List<String> infoLogsOf(Runnable action) {
    // Held in a local for the whole action: JUL keeps loggers weakly.
    Logger jul = Logger.getLogger("io.github.together4j.images");
    List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Level previous = jul.getLevel();
    jul.setLevel(Level.INFO);
    jul.addHandler(capture);
    try {
      action.run();
    } finally {
      jul.removeHandler(capture);
      jul.setLevel(previous);
    }
    SimpleFormatter formatter = new SimpleFormatter();
    synchronized (records) {
      return records.stream().map(formatter::formatMessage).toList();
    }
  }

  @Test
  void toStringNamesModelAndHidesKey(FakeTogetherServer server) {
    TogetherImageModel model = model(server).modelName("black-forest-labs/FLUX.1-dev").build();

    assertThat(model.toString())
        .contains("black-forest-labs/FLUX.1-dev", server.baseUrl(), "██")
        .doesNotContain(KEY);
  }

  @Test
  void closeReleasesTheClientItCreated(FakeTogetherServer server) {
    TogetherImageModel model = model(server).build();
    model.close();

    assertThatThrownBy(() -> model.generate("a fox"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void clientAloneNeedsNoKey(TogetherImages client, FakeTogetherServer server) {
    TogetherImageModel model = TogetherImageModel.builder().client(client).build();

    assertThat(model.generate("a fox").content()).isNotNull();
    assertThat(server.takeRequest().authorized()).isTrue();
  }

  private static TogetherImageModel.Builder model(FakeTogetherServer server) {
    return TogetherImageModel.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl());
  }
}
