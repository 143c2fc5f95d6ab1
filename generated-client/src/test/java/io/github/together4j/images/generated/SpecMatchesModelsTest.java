package io.github.together4j.images.generated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.squareup.moshi.Json;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;
import retrofit2.http.GET;
import retrofit2.http.POST;
import retrofit2.http.Query;

/**
 * Reads openapi/images.yaml and checks the generated code against it, so a stale or hand-edited
 * generation cannot pass.
 */
class SpecMatchesModelsTest {
  private static final String MODEL_PACKAGE = "io.github.together4j.images.generated.model.";
  private static final String API_PACKAGE = "io.github.together4j.images.generated.api.";

  static Map<String, Object> spec() throws IOException {
    Path path = Path.of(System.getProperty("together4j.spec", "../openapi/images.yaml"));
    try (Reader reader = Files.newBufferedReader(path)) {
      return new Yaml().load(reader);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> schemas() throws IOException {
    return (Map<String, Map<String, Object>>)
        ((Map<String, Object>) spec().get("components")).get("schemas");
  }

  /** The object schemas: each is a record. An array schema is a {@code List} and no class. */
  static Stream<String> schemaNames() throws IOException {
    return schemas().entrySet().stream()
        .filter(e -> !"array".equals(e.getValue().get("type")))
        .map(Map.Entry::getKey);
  }

  @Test
  void anArraySchemaIsNoClass() throws IOException {
    List<String> arrays =
        schemas().entrySet().stream()
            .filter(e -> "array".equals(e.getValue().get("type")))
            .map(Map.Entry::getKey)
            .toList();
    assertThat(arrays).isNotEmpty();
    for (String name : arrays) {
      assertThatThrownBy(() -> Class.forName(MODEL_PACKAGE + name))
          .as(name)
          .isInstanceOf(ClassNotFoundException.class);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemaNames")
  @SuppressWarnings("unchecked")
  void everySchemaPropertyIsARecordComponentWithTheSameJsonName(String schemaName)
      throws Exception {
    Map<String, Object> schema = schemas().get(schemaName);
    Map<String, Map<String, Object>> properties =
        (Map<String, Map<String, Object>>) schema.get("properties");
    List<String> required = (List<String>) schema.getOrDefault("required", List.of());
    Class<?> type = Class.forName(MODEL_PACKAGE + schemaName);

    assertThat(type.isRecord()).as("%s is a record", type).isTrue();
    Map<String, RecordComponent> byJsonName = new LinkedHashMap<>();
    boolean extensible = Boolean.TRUE.equals(schema.get("additionalProperties"));
    assertThat(Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName))
        .as("%s has an additionalProperties component iff the schema allows them", schemaName)
        .matches(names -> names.contains(JSON.ADDITIONAL_PROPERTIES) == extensible);
    for (RecordComponent component : type.getRecordComponents()) {
      if (component.getName().equals(JSON.ADDITIONAL_PROPERTIES)) {
        continue;
      }
      Json json = component.getAnnotation(Json.class);
      assertThat(json).as("@Json on %s.%s", schemaName, component.getName()).isNotNull();
      byJsonName.put(json.name(), component);
    }
    assertThat(byJsonName.keySet())
        .as("JSON names of %s, in spec order", schemaName)
        .containsExactlyElementsOf(properties.keySet());

    properties.forEach(
        (name, property) -> {
          RecordComponent component = byJsonName.get(name);
          String where = schemaName + "." + name;
          boolean nullable = component.getAnnotatedType().isAnnotationPresent(Nullable.class);
          assertThat(nullable)
              .as("%s is @Nullable iff optional", where)
              .isEqualTo(!required.contains(name));
          assertJavaTypeMatches(where, property, component.getType());
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemaNames")
  @SuppressWarnings("unchecked")
  void everyDocumentedDefaultIsADefaultConstant(String schemaName) throws Exception {
    Map<String, Map<String, Object>> properties =
        (Map<String, Map<String, Object>>) schemas().get(schemaName).get("properties");
    Class<?> type = Class.forName(MODEL_PACKAGE + schemaName);
    List<String> expected = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> entry : properties.entrySet()) {
      Object specDefault = entry.getValue().get("default");
      if (specDefault == null) {
        continue;
      }
      String constant = "DEFAULT_" + entry.getKey().toUpperCase(java.util.Locale.ROOT);
      expected.add(constant);
      Object value = type.getField(constant).get(null);
      Object wire =
          value instanceof Enum<?> e ? e.getDeclaringClass().getMethod("value").invoke(e) : value;
      assertThat(wire)
          .as("%s.%s", schemaName, constant)
          .isEqualTo(
              specDefault instanceof Number n && wire instanceof Double
                  ? n.doubleValue()
                  : specDefault);
    }
    assertThat(
            Arrays.stream(type.getFields())
                .map(f -> f.getName())
                .filter(n -> n.startsWith("DEFAULT_")))
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemaNames")
  @SuppressWarnings("unchecked")
  void everyDeclaredBoundIsAConstant(String schemaName) throws Exception {
    Map<String, Map<String, Object>> properties =
        (Map<String, Map<String, Object>>) schemas().get(schemaName).get("properties");
    Class<?> type = Class.forName(MODEL_PACKAGE + schemaName);
    List<String> expected = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> entry : properties.entrySet()) {
      for (String bound : List.of("minimum", "maximum")) {
        Object value = entry.getValue().get(bound);
        if (value != null) {
          String constant =
              bound.toUpperCase(java.util.Locale.ROOT)
                  + "_"
                  + entry.getKey().toUpperCase(java.util.Locale.ROOT);
          expected.add(constant);
          assertThat(((Number) type.getField(constant).get(null)).doubleValue())
              .as("%s.%s", schemaName, constant)
              .isEqualTo(((Number) value).doubleValue());
        }
      }
    }
    assertThat(
            Arrays.stream(type.getFields())
                .map(f -> f.getName())
                .filter(n -> n.startsWith("MINIMUM_") || n.startsWith("MAXIMUM_")))
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyOperationIsARetrofitMethodNamedByItsOperationId() throws Exception {
    Map<String, Map<String, Map<String, Object>>> paths =
        (Map<String, Map<String, Map<String, Object>>>) spec().get("paths");
    Map<Class<?>, List<String>> operations = new LinkedHashMap<>();
    for (var byPath : paths.entrySet()) {
      String path = byPath.getKey();
      for (var byMethod : byPath.getValue().entrySet()) {
        Map<String, Object> operation = byMethod.getValue();
        String tag = ((List<String>) operation.get("tags")).get(0);
        Class<?> api = Class.forName(API_PACKAGE + tag + "Api");
        String operationId = (String) operation.get("operationId");
        operations.computeIfAbsent(api, a -> new ArrayList<>()).add(operationId);
        Method javaMethod =
            Arrays.stream(api.getMethods())
                .filter(m -> m.getName().equals(operationId))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + api.getName() + "." + operationId));
        String where = byMethod.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path;
        assertThat(httpPath(javaMethod, byMethod.getKey())).as(where).isEqualTo(path.substring(1));
        assertThat(javaMethod.getGenericReturnType().getTypeName())
            .as("return type of %s", where)
            .isEqualTo("retrofit2.Call<" + okType(operation) + ">");
        List<String> queryNames = new ArrayList<>();
        for (Object parameter : (List<Object>) operation.getOrDefault("parameters", List.of())) {
          queryNames.add((String) ((Map<String, Object>) parameter).get("name"));
        }
        assertThat(
                Arrays.stream(javaMethod.getParameters())
                    .map(p -> p.getAnnotation(Query.class))
                    .filter(q -> q != null)
                    .map(Query::value))
            .as("query parameters of %s", where)
            .containsExactlyElementsOf(queryNames);
      }
    }
    operations.forEach(
        (api, ids) ->
            assertThat(Arrays.stream(api.getDeclaredMethods()).map(Method::getName))
                .as("methods of %s", api)
                .containsExactlyInAnyOrderElementsOf(ids));
  }

  private static String httpPath(Method method, String httpMethod) {
    return switch (httpMethod) {
      case "post" -> method.getAnnotation(POST.class).value();
      case "get" -> method.getAnnotation(GET.class).value();
      default -> throw new AssertionError("unexpected method " + httpMethod);
    };
  }

  /** The Java type of an operation's 200 body: a record, or a List of one for an array schema. */
  @SuppressWarnings("unchecked")
  private static String okType(Map<String, Object> operation) throws IOException {
    Map<String, Object> ok =
        (Map<String, Object>) ((Map<String, Object>) operation.get("responses")).get("200");
    Map<String, Object> content = (Map<String, Object>) ok.get("content");
    Map<String, Object> schema =
        (Map<String, Object>) ((Map<String, Object>) content.get("application/json")).get("schema");
    String name = refName(schema.get("$ref"));
    Map<String, Object> target = schemas().get(name);
    if ("array".equals(target.get("type"))) {
      Map<String, Object> items = (Map<String, Object>) target.get("items");
      return "java.util.List<" + MODEL_PACKAGE + refName(items.get("$ref")) + ">";
    }
    return MODEL_PACKAGE + name;
  }

  private static String refName(Object ref) {
    String text = String.valueOf(ref);
    return text.substring(text.lastIndexOf('/') + 1);
  }

  @Test
  void noOtherJsonLibraryIsOnTheClasspath() {
    for (String name :
        List.of(
            "com.google.gson.Gson",
            "com.fasterxml.jackson.databind.ObjectMapper",
            "javax.annotation.Generated",
            "jakarta.annotation.Generated")) {
      assertThatThrownBy(() -> Class.forName(name))
          .as(name)
          .isInstanceOf(ClassNotFoundException.class);
    }
  }

  @SuppressWarnings("unchecked")
  private static void assertJavaTypeMatches(
      String where, Map<String, Object> property, Class<?> javaType) throws AssertionError {
    Object ref = property.get("$ref");
    if (ref != null) {
      String target = ref.toString().substring(ref.toString().lastIndexOf('/') + 1);
      assertThat(javaType.getName()).as(where).isEqualTo(MODEL_PACKAGE + target);
      return;
    }
    List<Object> enumValues = (List<Object>) property.get("enum");
    if (enumValues != null) {
      assertThat(javaType.isEnum()).as("%s is an enum", where).isTrue();
      List<Object> wireNames = new ArrayList<>();
      for (Object constant : javaType.getEnumConstants()) {
        try {
          wireNames.add(
              javaType.getField(((Enum<?>) constant).name()).getAnnotation(Json.class).name());
        } catch (NoSuchFieldException e) {
          throw new AssertionError(e);
        }
      }
      List<Object> expected = new ArrayList<>(enumValues);
      expected.add("unknown_default_open_api");
      assertThat(wireNames).as("wire values of %s", where).containsExactlyElementsOf(expected);
      return;
    }
    Class<?> expected =
        switch ((String) property.get("type")) {
          case "string" -> String.class;
          case "integer" -> "int64".equals(property.get("format")) ? Long.class : Integer.class;
          case "number" -> Double.class;
          case "boolean" -> Boolean.class;
          case "array" -> List.class;
          default -> throw new AssertionError(where + ": unexpected type " + property.get("type"));
        };
    assertThat(javaType).as(where).isEqualTo(expected);
  }
}
