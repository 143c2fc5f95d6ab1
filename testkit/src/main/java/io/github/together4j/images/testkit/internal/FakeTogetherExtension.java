package io.github.together4j.images.testkit.internal;

import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogether;
import io.github.together4j.images.testkit.FakeTogetherServer;
import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link FakeTogether}: a server per test class, reset before each
 * test, and a client per test method; both closed by JUnit when their scope ends.
 *
 * <p>Written against the JUnit Jupiter 5.10 API and nothing newer, so it runs on the user's JUnit
 * from 5.10 through 6.x: {@code getOrComputeIfAbsent} rather than 6.0's {@code computeIfAbsent},
 * and values wrapped in a {@link ExtensionContext.Store.CloseableResource}, the only kind 5.10
 * closes.
 */
public final class FakeTogetherExtension implements BeforeEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FakeTogetherExtension.class);

  /** Creates the extension; JUnit calls this. */
  public FakeTogetherExtension() {}

  @Override
  public void beforeEach(ExtensionContext context) {
    server(context).reset();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == FakeTogetherServer.class || type == TogetherImages.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    FakeTogetherServer server = server(context);
    if (type == FakeTogetherServer.class) {
      return server;
    }
    if (context.getTestMethod().isEmpty()) {
      throw new ParameterResolutionException(
          "a TogetherImages client is injected into test methods only; use FakeTogetherServer"
              + ".newClient() in constructors and lifecycle methods");
    }
    return (TogetherImages)
        context
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent("client", key -> new Closing(server.newClient()), Closing.class)
            .resource;
  }

  /** The server of the class that carries the annotation, started on first use. */
  private static FakeTogetherServer server(ExtensionContext context) {
    ExtensionContext owner = annotated(context);
    String apiKey =
        owner
            .getElement()
            .flatMap(element -> AnnotationSupport.findAnnotation(element, FakeTogether.class))
            .map(FakeTogether::apiKey)
            .orElse(FakeTogetherServer.DEFAULT_API_KEY);
    return (FakeTogetherServer)
        owner
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(
                "server",
                key -> new Closing(FakeTogetherServer.builder().apiKey(apiKey).start()),
                Closing.class)
            .resource;
  }

  /**
   * The outermost class context annotated with {@link FakeTogether}, so nested classes share it.
   */
  private static ExtensionContext annotated(ExtensionContext context) {
    ExtensionContext found = context;
    for (Optional<ExtensionContext> current = Optional.of(context);
        current.isPresent();
        current = current.get().getParent()) {
      Optional<AnnotatedElement> element = current.get().getElement();
      if (element.isPresent()
          && element.get() instanceof Class<?>
          && AnnotationSupport.isAnnotated(element.get(), FakeTogether.class)) {
        found = current.get();
      }
    }
    return found;
  }

  /** Closes what it holds when JUnit ends the store's scope, on every supported JUnit version. */
  private static final class Closing implements ExtensionContext.Store.CloseableResource {
    final AutoCloseable resource;

    Closing(AutoCloseable resource) {
      this.resource = resource;
    }

    @Override
    public void close() throws Exception {
      resource.close();
    }
  }
}
