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
    return context.getStore(NAMESPACE)
        .computeIfAbsent("client", key -> server.newClient(), TogetherImages.class);
  }

  /** The server of the class that carries the annotation, started on first use. */
  private static FakeTogetherServer server(ExtensionContext context) {
    ExtensionContext owner = annotated(context);
    String apiKey = owner.getElement()
        .flatMap(element -> AnnotationSupport.findAnnotation(element, FakeTogether.class))
        .map(FakeTogether::apiKey)
        .orElse(FakeTogetherServer.DEFAULT_API_KEY);
    return owner.getStore(NAMESPACE).computeIfAbsent(
        "server", key -> FakeTogetherServer.builder().apiKey(apiKey).start(), FakeTogetherServer.class);
  }

  /** The outermost class context annotated with {@link FakeTogether}, so nested classes share it. */
  private static ExtensionContext annotated(ExtensionContext context) {
    ExtensionContext found = context;
    for (Optional<ExtensionContext> current = Optional.of(context); current.isPresent();
        current = current.get().getParent()) {
      Optional<AnnotatedElement> element = current.get().getElement();
      if (element.isPresent() && element.get() instanceof Class<?>
          && AnnotationSupport.isAnnotated(element.get(), FakeTogether.class)) {
        found = current.get();
      }
    }
    return found;
  }
}
