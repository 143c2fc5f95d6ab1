package io.github.together4j.images.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.AuthenticationException;
import io.github.together4j.images.BadRequestException;
import io.github.together4j.images.GeneratedImage;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.ImageGenerationRequest.OutputFormat;
import io.github.together4j.images.ImageGenerationRequest.ResponseFormat;
import io.github.together4j.images.ImageGenerationResult;
import io.github.together4j.images.TogetherException;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.internal.FakeTogetherExtension;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.reflect.Parameter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link FakeTogether} used as a user would: annotated classes, injected parameters. */
@FakeTogether
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FakeTogetherExtensionTest {

  private static @Nullable FakeTogetherServer beforeAllServer;
  private static @Nullable FakeTogetherServer firstTestServer;
  private static @Nullable TogetherImages firstTestClient;
  private static @Nullable GeneratedImage leftBehindUrlImage;
  private static @Nullable ExtensionContext classContext;

  /** Keeps the class's own extension context, to ask the extension for a client outside a test. */
  @RegisterExtension
  static final BeforeAllCallback CLASS_CONTEXT =
      context -> {
        if (context.getRequiredTestClass() == FakeTogetherExtensionTest.class) {
          classContext = context;
        }
      };

  @TempDir Path tempDir;

  private @Nullable TogetherImages beforeEachClient;
  private @Nullable FakeTogetherServer beforeEachServer;

  @BeforeAll
  static void serverIsInjectedIntoBeforeAll(FakeTogetherServer server) {
    beforeAllServer = server;
  }

  @BeforeEach
  void clientAndServerAreInjectedIntoBeforeEach(TogetherImages client, FakeTogetherServer server) {
    beforeEachClient = client;
    beforeEachServer = server;
  }

  @Test
  @Order(1)
  void injectedClientGeneratesImagesThatSaveToFiles(
      TogetherImages client, FakeTogetherServer server) throws IOException {
    firstTestServer = server;
    firstTestClient = client;

    ImageGenerationResult result =
        client.generate(
            ImageGenerationRequest.builder("a lighthouse")
                .n(2)
                .size(64, 48)
                .outputFormat(OutputFormat.PNG)
                .build());
    List<Path> files = result.saveAll(tempDir);

    assertThat(files)
        .containsExactly(tempDir.resolve("image_0.png"), tempDir.resolve("image_1.png"));
    for (Path file : files) {
      BufferedImage image = ImageIO.read(file.toFile());
      assertThat(image.getWidth()).isEqualTo(64);
      assertThat(image.getHeight()).isEqualTo(48);
    }
    assertThat(client.baseUrl()).isEqualTo(server.baseUrl());
    assertThat(server.apiKey()).isEqualTo(FakeTogetherServer.DEFAULT_API_KEY);
    assertThat(server.requestCount()).isEqualTo(1);
    assertThat(server.takeRequest().authorized()).isTrue();
  }

  @Test
  @Order(2)
  void leavesARequestAndFaultsBehind(FakeTogetherServer server, TogetherImages client) {
    assertThat(server).isSameAs(firstTestServer);
    leftBehindUrlImage =
        client
            .generate(
                ImageGenerationRequest.builder("left behind")
                    .size(16, 16)
                    .responseFormat(ResponseFormat.URL)
                    .build())
            .images()
            .get(0);
    assertThat(leftBehindUrlImage.bytes()).isNotEmpty();
    server.enqueue(Fault.error(400, "invalid_request_error", "left behind"));
    server.enqueue(Fault.overloaded());

    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  @Order(3)
  void eachTestStartsWithNoFaultsRequestsOrCount(FakeTogetherServer server, TogetherImages client) {
    assertThat(server).isSameAs(firstTestServer).isSameAs(beforeAllServer);
    assertThat(server.requestCount()).isZero();

    ImageGenerationResult result = client.generate(small("fresh"));

    assertThat(result.images()).hasSize(1);
    assertThat(server.requestCount()).isEqualTo(1);
    assertThat(server.takeRequest().field("prompt")).isEqualTo("fresh");
    assertThatThrownBy(() -> Objects.requireNonNull(leftBehindUrlImage).bytes())
        .as("stored images are forgotten too")
        .isInstanceOfSatisfying(
            TogetherException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
  }

  @Test
  @Order(4)
  void eachTestGetsItsOwnClientAndTheLastOneWasClosed(TogetherImages client) {
    assertThat(firstTestClient).isNotNull();
    assertThat(client).isNotSameAs(firstTestClient);

    assertThatThrownBy(() -> firstTestClient.generate(small("too late")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("client is closed");
    assertThat(client.generate(small("in time")).images()).hasSize(1);
  }

  @Test
  @Order(5)
  void beforeEachGetsTheSameClientAndServerAsTheTest(
      TogetherImages client, FakeTogetherServer server) {
    assertThat(beforeEachClient).isSameAs(client);
    assertThat(beforeEachServer).isSameAs(server);
  }

  @Test
  @Order(6)
  void injectedClientRetriesAsADefaultClientDoes(TogetherImages client, FakeTogetherServer server) {
    server.enqueue(Fault.rateLimited(Duration.ZERO)).enqueue(Fault.rateLimited(Duration.ZERO));

    assertThat(client.generate(small("patient")).images()).hasSize(1);

    assertThat(server.requestCount()).as("two retries, the default").isEqualTo(3);
    assertThat(client.defaultModel()).isEqualTo(TogetherImages.DEFAULT_MODEL);
  }

  @Test
  @Order(7)
  void clientIsRefusedOutsideTestMethods(FakeTogetherServer server) throws NoSuchMethodException {
    // What a static @BeforeAll taking a TogetherImages would get; as a real @BeforeAll it would
    // fail the whole class, so the extension is asked directly, in this class's real context.
    FakeTogetherExtension extension = new FakeTogetherExtension();
    ParameterContext clientParameter = parameterOf("beforeAllTakingAClient", TogetherImages.class);
    ParameterContext serverParameter =
        parameterOf("beforeAllTakingAServer", FakeTogetherServer.class);
    ExtensionContext context = Objects.requireNonNull(classContext);

    assertThat(context.getTestMethod()).isEmpty();
    assertThat(extension.supportsParameter(clientParameter, context)).isTrue();
    assertThatThrownBy(() -> extension.resolveParameter(clientParameter, context))
        .isInstanceOf(ParameterResolutionException.class)
        .hasMessageStartingWith("a TogetherImages client is injected into test methods only");
    assertThat(extension.resolveParameter(serverParameter, context)).isSameAs(server);
  }

  @Test
  @Order(8)
  void otherParameterTypesAreNotResolved() throws NoSuchMethodException {
    FakeTogetherExtension extension = new FakeTogetherExtension();
    ExtensionContext context = Objects.requireNonNull(classContext);

    assertThat(extension.supportsParameter(parameterOf("takingAString", String.class), context))
        .isFalse();
    assertThat(extension.supportsParameter(parameterOf("takingAnObject", Object.class), context))
        .isFalse();
  }

  /**
   * The extension resets the server before the user's @BeforeEach, so faults scripted there reach
   * the test.
   */
  @Nested
  class FaultFromBeforeEach {
    @BeforeEach
    void scriptAFault(FakeTogetherServer server) {
      server.enqueue(Fault.error(400, "invalid_request_error", "scripted in @BeforeEach"));
    }

    @Test
    void faultEnqueuedInBeforeEachReachesTheTest(TogetherImages client, FakeTogetherServer server) {
      assertThatThrownBy(() -> client.generate(small("scripted")))
          .isInstanceOfSatisfying(
              BadRequestException.class,
              e -> assertThat(e.serverMessage()).isEqualTo("scripted in @BeforeEach"));
      assertThat(client.generate(small("then normal")).images()).hasSize(1);
      assertThat(server.requestCount()).isEqualTo(2);
    }
  }

  /** A nested class shares the outer class's server and its resets. */
  @Nested
  class NestedClass {
    @Test
    void sharesTheOuterServer(FakeTogetherServer server, TogetherImages client) {
      assertThat(server).isSameAs(beforeAllServer);
      assertThat(server.requestCount()).isZero();

      assertThat(client.generate(small("nested")).images()).hasSize(1);
      assertThat(server.takeRequest().field("prompt")).isEqualTo("nested");
    }

    @Test
    void outerBeforeEachReceivesTheNestedTestsClient(TogetherImages client) {
      assertThat(beforeEachClient).isSameAs(client);
    }

    @Nested
    class TwoLevelsDown {
      @Test
      void stillSharesTheOuterServer(FakeTogetherServer server, TogetherImages client) {
        assertThat(server).isSameAs(beforeAllServer);
        assertThat(client.baseUrl()).isEqualTo(server.baseUrl());
        assertThat(client.generate(small("deep")).images()).hasSize(1);
      }
    }
  }

  /** The outermost annotation wins: a nested class's own key is not used. */
  @Nested
  @FakeTogether(apiKey = "nested-key")
  class NestedClassWithItsOwnKey {
    @Test
    void usesTheOuterServerAndItsKey(FakeTogetherServer server, TogetherImages client) {
      assertThat(server).isSameAs(beforeAllServer);
      assertThat(server.apiKey()).isEqualTo(FakeTogetherServer.DEFAULT_API_KEY);
      assertThat(client.generate(small("outer key")).images()).hasSize(1);
    }
  }

  static ImageGenerationRequest small(String prompt) {
    return ImageGenerationRequest.builder(prompt)
        .size(16, 16)
        .responseFormat(ResponseFormat.BASE64)
        .build();
  }

  static void beforeAllTakingAClient(TogetherImages client) {}

  static void beforeAllTakingAServer(FakeTogetherServer server) {}

  static void takingAString(String text) {}

  static void takingAnObject(Object object) {}

  private static ParameterContext parameterOf(String method, Class<?> type)
      throws NoSuchMethodException {
    Parameter parameter =
        FakeTogetherExtensionTest.class.getDeclaredMethod(method, type).getParameters()[0];
    return new ParameterContext() {
      @Override
      public Parameter getParameter() {
        return parameter;
      }

      @Override
      public int getIndex() {
        return 0;
      }

      @Override
      public Optional<Object> getTarget() {
        return Optional.empty();
      }
    };
  }
}

/**
 * {@code @FakeTogether(apiKey = …)}: the server accepts that key and the injected client sends it.
 */
@FakeTogether(apiKey = "custom")
class FakeTogetherCustomApiKeyTest {

  @Test
  void serverAcceptsTheCustomKeyAndTheInjectedClientSendsIt(
      FakeTogetherServer server, TogetherImages client) {
    assertThat(server.apiKey()).isEqualTo("custom");

    assertThat(client.generate(FakeTogetherExtensionTest.small("custom")).images()).hasSize(1);

    assertThat(server.takeRequest().authorized()).isTrue();
  }

  @Test
  void defaultKeyIsRefused(FakeTogetherServer server) {
    try (TogetherImages other =
        server.clientBuilder().apiKey(FakeTogetherServer.DEFAULT_API_KEY).maxRetries(0).build()) {
      assertThatThrownBy(() -> other.generate(FakeTogetherExtensionTest.small("wrong key")))
          .isInstanceOf(AuthenticationException.class);
    }
    assertThat(server.takeRequest().authorized()).isFalse();
  }
}
