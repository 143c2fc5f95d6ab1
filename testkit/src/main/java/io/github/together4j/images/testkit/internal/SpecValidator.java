package io.github.together4j.images.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Validates parsed JSON request bodies against the schemas of an OpenAPI 3.0 document.
 *
 * <p>Every rule comes from the YAML at run time, so editing {@code openapi/images.yaml} (a new
 * {@code minimum}, enum value or required field) changes what is accepted without touching Java.
 * {@link #fromClasspath()} reads the copy of {@code openapi/images.yaml} that the build puts in
 * this jar.
 *
 * <p>Values are what Moshi's {@code adapter(Object.class)} produces: {@link Map}, {@link List},
 * {@link String}, {@link Double} (Moshi reads every number as a double), {@link Boolean} and {@code
 * null}; other {@link Number} types are accepted too. Supported schema keywords, the ones {@code
 * openapi/images.yaml} uses: {@code $ref} (local, e.g. {@code #/components/schemas/ImageLora}),
 * {@code type}, {@code nullable}, {@code enum}, {@code required}, {@code properties}, {@code
 * additionalProperties} (boolean or schema), {@code items}, {@code minimum}, and {@code format}
 * {@code int32}, {@code int64}, {@code float} and {@code double} (other formats are annotations).
 * Annotations such as {@code description} or {@code default} are ignored; any other keyword (among
 * them {@code maximum}, {@code maxLength}, {@code pattern} or {@code oneOf}) makes loading fail, so
 * that no rule in the spec is silently skipped: support a keyword here before the spec uses it.
 *
 * <p>An integer is a number without a fraction: {@code 1.0} is an integer, {@code 1.5} is not.
 * Instances are immutable and safe to share between threads.
 */
public final class SpecValidator {

  /** Where the build copies {@code openapi/images.yaml} inside the testkit jar. */
  public static final String CLASSPATH_RESOURCE =
      "/io/github/together4j/images/testkit/images.yaml";

  /** The path of the image generation operation, relative to the spec's server URL. */
  public static final String GENERATIONS_PATH = "/images/generations";

  private static final String BODY = "body";
  private static final int MAX_SHOWN_CHARS = 50;
  private static final int MAX_REF_HOPS = 32;

  private static final Set<String> TYPES =
      Set.of("string", "integer", "number", "boolean", "array", "object");
  private static final Set<String> VALIDATION_KEYWORDS =
      Set.of(
          "$ref",
          "type",
          "nullable",
          "enum",
          "required",
          "properties",
          "additionalProperties",
          "items",
          "minimum",
          "format");
  private static final Set<String> ANNOTATION_KEYWORDS =
      Set.of(
          "title",
          "description",
          "default",
          "example",
          "examples",
          "readOnly",
          "writeOnly",
          "deprecated",
          "xml",
          "externalDocs");

  private static final BigDecimal INT32_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
  private static final BigDecimal INT32_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);
  private static final BigDecimal INT64_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal INT64_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final BigDecimal FLOAT_MAX = new BigDecimal(Float.toString(Float.MAX_VALUE));

  /**
   * One broken rule: which parameter, and what is wrong with it.
   *
   * @param param the JSON path of the offending value as the API reports it in an error's {@code
   *     param}, such as {@code width} or {@code image_loras[0].scale}; {@code null} when the body
   *     itself is wrong, for example not a JSON object
   * @param message a sentence naming the parameter, the allowed values and the value sent
   */
  public record Violation(@Nullable String param, String message) {

    /**
     * Creates a violation.
     *
     * @param param the JSON path of the offending value, or {@code null} for the whole body
     * @param message a human-readable description
     */
    public Violation {
      Objects.requireNonNull(message, "message");
    }
  }

  private final Map<?, ?> document;
  private final Map<String, Object> schemas;
  private final @Nullable Object requestSchema;

  private SpecValidator(Map<?, ?> document) {
    this.document = document;
    Map<String, Object> named = new LinkedHashMap<>();
    Object components = document.get("components");
    if (components != null) {
      Map<?, ?> componentMap = map(components, "#/components");
      Object schemaNode = componentMap.get("schemas");
      if (schemaNode != null) {
        for (Map.Entry<?, ?> e : map(schemaNode, "#/components/schemas").entrySet()) {
          named.put(
              String.valueOf(e.getKey()),
              Objects.requireNonNull(
                  e.getValue(), () -> "schema #/components/schemas/" + e.getKey() + " is empty"));
        }
      }
    }
    this.schemas = Collections.unmodifiableMap(named);
    this.requestSchema = findRequestSchema();
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Map.Entry<String, Object> e : schemas.entrySet()) {
      check(e.getValue(), "#/components/schemas/" + e.getKey(), seen);
    }
    if (requestSchema != null) {
      check(requestSchema, "request body schema of POST " + GENERATIONS_PATH, seen);
    }
  }

  /**
   * Loads the spec that the build copied into the testkit jar.
   *
   * @return a validator for {@code openapi/images.yaml}
   * @throws IllegalStateException if the resource is missing from the classpath
   */
  public static SpecValidator fromClasspath() {
    try (InputStream in = SpecValidator.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            CLASSPATH_RESOURCE
                + " is not on the classpath;"
                + " the testkit build copies it from openapi/images.yaml");
      }
      return from(in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + CLASSPATH_RESOURCE + " failed", e);
    }
  }

  /**
   * Loads an OpenAPI 3.0 document from a YAML or JSON file.
   *
   * @param yaml the file
   * @return a validator for its schemas
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the document is not valid YAML or uses an unsupported or
   *     malformed schema keyword
   */
  public static SpecValidator from(Path yaml) throws IOException {
    try (InputStream in = Files.newInputStream(yaml)) {
      return from(in);
    }
  }

  /**
   * Loads an OpenAPI 3.0 document from a stream of UTF-8 YAML or JSON; the stream is not closed.
   *
   * @param yaml the stream
   * @return a validator for its schemas
   * @throws IOException if the stream cannot be read
   * @throws IllegalArgumentException if the document is not valid YAML or uses an unsupported or
   *     malformed schema keyword
   */
  public static SpecValidator from(InputStream yaml) throws IOException {
    String text = new String(yaml.readAllBytes(), StandardCharsets.UTF_8);
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Object root;
    try {
      root = new Yaml(new SafeConstructor(options)).load(text);
    } catch (YAMLException e) {
      throw new IllegalArgumentException("the spec is not valid YAML: " + e.getMessage(), e);
    }
    if (!(root instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("the spec must be a YAML mapping (an OpenAPI document)");
    }
    return new SpecValidator((Map<?, ?>) root);
  }

  /**
   * Returns the names of the schemas under {@code components.schemas}, in spec order.
   *
   * @return an unmodifiable set of schema names
   */
  public Set<String> schemaNames() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(schemas.keySet()));
  }

  /**
   * Validates a parsed JSON value against a schema under {@code components.schemas}.
   *
   * <p>Violations come in a fixed order: at each object, missing required properties first (in the
   * order of {@code required}), then the properties' own violations in the order of {@code
   * properties}, then unknown properties by name.
   *
   * @param schemaName a name from {@link #schemaNames()}, such as {@code ImageRequest}
   * @param parsedJson the value, as Moshi's {@code adapter(Object.class)} returns it
   * @return the violations, empty if the value is valid
   * @throws IllegalArgumentException if the spec has no schema of that name
   */
  public List<Violation> validate(String schemaName, @Nullable Object parsedJson) {
    Object schema = schemas.get(schemaName);
    if (schema == null) {
      throw new IllegalArgumentException(
          "no schema named '" + schemaName + "'; the spec has " + schemas.keySet());
    }
    return run(schema, parsedJson);
  }

  /**
   * Validates a parsed JSON body against the request schema of {@code POST /images/generations}.
   *
   * <p>The schema is the one the operation's {@code requestBody} refers to for {@code
   * application/json} ({@code ImageRequest} in {@code openapi/images.yaml}).
   *
   * @param parsedJson the body, as Moshi's {@code adapter(Object.class)} returns it
   * @return the violations in the order {@link #validate} documents, empty if the body is valid
   * @throws IllegalStateException if the spec has no such operation
   */
  public List<Violation> validateRequest(@Nullable Object parsedJson) {
    if (requestSchema == null) {
      throw new IllegalStateException(
          "the spec has no application/json request body for POST " + GENERATIONS_PATH);
    }
    return run(requestSchema, parsedJson);
  }

  private List<Violation> run(Object schema, @Nullable Object value) {
    List<Violation> out = new ArrayList<>();
    validateValue(schema, value, null, out);
    return List.copyOf(out);
  }

  // ---------------------------------------------------------------------------------------------
  // Validation

  private void validateValue(
      Object schemaNode, @Nullable Object value, @Nullable String param, List<Violation> out) {
    Map<?, ?> schema = resolve(schemaNode);
    String type = string(schema.get("type"));
    if (value == null) {
      if (!isTrue(schema.get("nullable")) && type != null) {
        out.add(new Violation(param, mustBe(param, schema, null)));
      }
      return;
    }
    if (type != null && !hasType(type, value)) {
      out.add(new Violation(param, mustBe(param, schema, value)));
      return;
    }
    List<?> allowed = list(schema.get("enum"));
    if (allowed != null && allowed.stream().noneMatch(a -> jsonEquals(a, value))) {
      out.add(new Violation(param, mustBe(param, schema, value)));
      return;
    }
    if (value instanceof Number) {
      validateNumber(schema, (Number) value, param, out);
    } else if (value instanceof List<?>) {
      validateArray(schema, (List<?>) value, param, out);
    } else if (value instanceof Map<?, ?>) {
      validateObject(schema, (Map<?, ?>) value, param, out);
    }
  }

  private void validateNumber(
      Map<?, ?> schema, Number number, @Nullable String param, List<Violation> out) {
    BigDecimal v = decimal(number);
    if (v == null) {
      out.add(new Violation(param, label(param) + " must be a finite number, got " + show(number)));
      return;
    }
    BigDecimal minimum = minimum(schema);
    if (minimum != null && v.compareTo(minimum) < 0) {
      out.add(
          new Violation(
              param,
              label(param)
                  + " must be "
                  + typePhrase(schema)
                  + rangePhrase(schema)
                  + ", got "
                  + show(number)));
      return;
    }
    String format = string(schema.get("format"));
    if (format != null) {
      String range = formatRange(format, v);
      if (range != null) {
        out.add(new Violation(param, label(param) + " must be " + range + ", got " + show(number)));
      }
    }
  }

  private void validateArray(
      Map<?, ?> schema, List<?> array, @Nullable String param, List<Violation> out) {
    Object items = schema.get("items");
    if (items != null) {
      for (int i = 0; i < array.size(); i++) {
        validateValue(items, array.get(i), index(param, i), out);
      }
    }
  }

  private void validateObject(
      Map<?, ?> schema, Map<?, ?> object, @Nullable String param, List<Violation> out) {
    List<?> required = list(schema.get("required"));
    if (required != null) {
      for (Object name : required) {
        if (!object.containsKey(name)) {
          String child = child(param, String.valueOf(name));
          out.add(new Violation(child, child + " is required"));
        }
      }
    }
    Map<?, ?> properties =
        schema.get("properties") == null ? Map.of() : (Map<?, ?>) schema.get("properties");
    Set<String> declared = new LinkedHashSet<>();
    for (Map.Entry<?, ?> p : properties.entrySet()) {
      String name = String.valueOf(p.getKey());
      declared.add(name);
      if (object.containsKey(name)) {
        validateValue(
            Objects.requireNonNull(p.getValue()), object.get(name), child(param, name), out);
      }
    }
    Object additional = schema.get("additionalProperties");
    if (additional == null || Boolean.TRUE.equals(additional)) {
      return;
    }
    Set<String> extra = new TreeSet<>();
    for (Object key : object.keySet()) {
      if (!declared.contains(String.valueOf(key))) {
        extra.add(String.valueOf(key));
      }
    }
    for (String name : extra) {
      String child = child(param, name);
      if (Boolean.FALSE.equals(additional)) {
        out.add(new Violation(child, child + " is not a known property; allowed: " + declared));
      } else {
        validateValue(additional, object.get(name), child, out);
      }
    }
  }

  private static boolean hasType(String type, Object value) {
    switch (type) {
      case "string":
        return value instanceof String;
      case "integer":
        BigDecimal d = value instanceof Number ? decimal((Number) value) : null;
        return d != null && isIntegral(d);
      case "number":
        return value instanceof Number && decimal((Number) value) != null;
      case "boolean":
        return value instanceof Boolean;
      case "array":
        return value instanceof List<?>;
      case "object":
        return value instanceof Map<?, ?>;
      default:
        throw new AssertionError("checked at load time: " + type);
    }
  }

  /** Returns the schema's {@code minimum}, or null when it has none. */
  private static @Nullable BigDecimal minimum(Map<?, ?> schema) {
    Object minimum = schema.get("minimum");
    return minimum instanceof Number ? decimal((Number) minimum) : null;
  }

  private static @Nullable String formatRange(String format, BigDecimal v) {
    switch (format) {
      case "int32":
        return v.compareTo(INT32_MIN) < 0 || v.compareTo(INT32_MAX) > 0
            ? "within the int32 range [" + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]"
            : null;
      case "int64":
        return v.compareTo(INT64_MIN) < 0 || v.compareTo(INT64_MAX) > 0
            ? "within the int64 range [" + Long.MIN_VALUE + ", " + Long.MAX_VALUE + "]"
            : null;
      case "float":
        return v.abs().compareTo(FLOAT_MAX) > 0 ? "within the float range" : null;
      default: // "double" is any finite number, checked already; other formats are annotations.
        return null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  private String mustBe(@Nullable String param, Map<?, ?> schema, @Nullable Object value) {
    return label(param) + " must be " + expectation(schema) + ", got " + show(value);
  }

  private String expectation(Map<?, ?> schema) {
    List<?> allowed = list(schema.get("enum"));
    String base;
    if (allowed != null) {
      List<String> shown = new ArrayList<>();
      for (Object a : allowed) {
        shown.add(a instanceof Number ? showNumber(a) : String.valueOf(a));
      }
      base = "one of " + shown;
    } else {
      String type = string(schema.get("type"));
      base = typePhrase(schema);
      if ("integer".equals(type) || "number".equals(type)) {
        base += rangePhrase(schema);
      } else if ("array".equals(type)) {
        Object items = schema.get("items");
        String itemType = items == null ? null : string(resolve(items).get("type"));
        if (itemType != null) {
          base += " of " + itemType + "s";
        }
      }
    }
    return isTrue(schema.get("nullable")) ? base + " or null" : base;
  }

  private static String typePhrase(Map<?, ?> schema) {
    String type = string(schema.get("type"));
    if (type == null) {
      return "a number";
    }
    switch (type) {
      case "integer":
      case "array":
      case "object":
        return "an " + type;
      default:
        return "a " + type;
    }
  }

  private static String rangePhrase(Map<?, ?> schema) {
    BigDecimal minimum = minimum(schema);
    return minimum == null ? "" : " >= " + showNumber(minimum);
  }

  private static String label(@Nullable String param) {
    return param == null ? BODY : param;
  }

  private static String child(@Nullable String param, String name) {
    return param == null ? name : param + "." + name;
  }

  private static String index(@Nullable String param, int i) {
    return (param == null ? "" : param) + "[" + i + "]";
  }

  /** Shows a JSON value in a message: strings quoted and cut to 50 characters. */
  static String show(@Nullable Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String) {
      return quote((String) value);
    }
    if (value instanceof Number) {
      return showNumber(value);
    }
    if (value instanceof List<?>) {
      return "an array";
    }
    if (value instanceof Map<?, ?>) {
      return "an object";
    }
    return String.valueOf(value);
  }

  private static String quote(String s) {
    String cut = s;
    boolean truncated = false;
    if (s.codePointCount(0, s.length()) > MAX_SHOWN_CHARS) {
      cut = s.substring(0, s.offsetByCodePoints(0, MAX_SHOWN_CHARS));
      truncated = true;
    }
    StringBuilder b = new StringBuilder(cut.length() + 4).append('"');
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        default:
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    b.append('"');
    return truncated ? b.append("...").toString() : b.toString();
  }

  private static String showNumber(Object number) {
    BigDecimal d = decimal((Number) number);
    if (d == null) {
      return String.valueOf(number);
    }
    if (isIntegral(d) && d.abs().compareTo(BigDecimal.TEN.pow(21)) < 0) {
      return d.toBigInteger().toString();
    }
    return d.stripTrailingZeros().toString();
  }

  // ---------------------------------------------------------------------------------------------
  // JSON values

  /** Returns the exact decimal value of a number, or null for NaN and infinities. */
  private static @Nullable BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal) {
      return (BigDecimal) n;
    }
    if (n instanceof BigInteger) {
      return new BigDecimal((BigInteger) n);
    }
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : null;
    }
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return BigDecimal.valueOf(n.longValue());
    }
    try {
      return new BigDecimal(n.toString());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean isIntegral(BigDecimal d) {
    return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
  }

  private static boolean jsonEquals(@Nullable Object a, @Nullable Object b) {
    if (a instanceof Number && b instanceof Number) {
      BigDecimal x = decimal((Number) a);
      BigDecimal y = decimal((Number) b);
      return x != null && y != null ? x.compareTo(y) == 0 : a.equals(b);
    }
    if (a instanceof List<?> && b instanceof List<?>) {
      List<?> x = (List<?>) a;
      List<?> y = (List<?>) b;
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!jsonEquals(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> && b instanceof Map<?, ?>) {
      Map<?, ?> x = (Map<?, ?>) a;
      Map<?, ?> y = (Map<?, ?>) b;
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !jsonEquals(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }

  // ---------------------------------------------------------------------------------------------
  // The document

  private @Nullable Object findRequestSchema() {
    Object paths = document.get("paths");
    if (!(paths instanceof Map<?, ?>)) {
      return null;
    }
    Object item = ((Map<?, ?>) paths).get(GENERATIONS_PATH);
    if (item == null) {
      return null;
    }
    Object post = resolvePointer(item, "paths." + GENERATIONS_PATH).get("post");
    if (post == null) {
      return null;
    }
    Object body = resolvePointer(post, "POST " + GENERATIONS_PATH).get("requestBody");
    if (body == null) {
      return null;
    }
    Object content = resolvePointer(body, "requestBody of POST " + GENERATIONS_PATH).get("content");
    if (!(content instanceof Map<?, ?>)) {
      return null;
    }
    Map<?, ?> media = (Map<?, ?>) content;
    Object json = media.get("application/json");
    if (json == null) {
      for (Map.Entry<?, ?> e : media.entrySet()) {
        if (String.valueOf(e.getKey()).contains("json")) {
          json = e.getValue();
          break;
        }
      }
    }
    return json instanceof Map<?, ?> ? ((Map<?, ?>) json).get("schema") : null;
  }

  /** Follows $ref until a schema without one; refs were checked when the spec was loaded. */
  private Map<?, ?> resolve(Object schemaNode) {
    return resolvePointer(schemaNode, "schema");
  }

  private Map<?, ?> resolvePointer(Object node, String where) {
    Object current = node;
    for (int hops = 0; hops <= MAX_REF_HOPS; hops++) {
      Map<?, ?> m = map(current, where);
      Object ref = m.get("$ref");
      if (ref == null) {
        return m;
      }
      String pointer = String.valueOf(ref);
      current = lookup(pointer);
      where = pointer;
    }
    throw new IllegalArgumentException("$ref chain longer than " + MAX_REF_HOPS + " at " + where);
  }

  private Object lookup(String ref) {
    if (!ref.startsWith("#/")) {
      throw new IllegalArgumentException(
          "only local $ref values such as #/components/schemas/Name are supported, got " + ref);
    }
    Object current = document;
    for (String raw : ref.substring(2).split("/", -1)) {
      String token = raw.replace("~1", "/").replace("~0", "~");
      Object next = null;
      if (current instanceof Map<?, ?>) {
        next = ((Map<?, ?>) current).get(token);
      } else if (current instanceof List<?> && token.matches("\\d{1,9}")) {
        List<?> l = (List<?>) current;
        int i = Integer.parseInt(token);
        next = i < l.size() ? l.get(i) : null;
      }
      if (next == null) {
        throw new IllegalArgumentException("$ref " + ref + " does not resolve");
      }
      current = next;
    }
    return current;
  }

  /** Checks at load time that every schema uses only keywords and values this class supports. */
  private void check(Object node, String where, Set<Object> seen) {
    if (!seen.add(node)) {
      return;
    }
    Map<?, ?> schema = map(node, where);
    Object ref = schema.get("$ref");
    if (ref != null) {
      String pointer = String.valueOf(ref);
      check(lookup(pointer), pointer, seen);
      return; // In OpenAPI 3.0, keywords beside $ref are ignored.
    }
    for (Object k : schema.keySet()) {
      String key = String.valueOf(k);
      if (!VALIDATION_KEYWORDS.contains(key)
          && !ANNOTATION_KEYWORDS.contains(key)
          && !key.startsWith("x-")) {
        throw invalid(where, "unsupported schema keyword '" + key + "'");
      }
    }
    Object type = schema.get("type");
    if (type != null && !TYPES.contains(String.valueOf(type))) {
      throw invalid(where, "type must be one of " + new TreeSet<>(TYPES) + ", got " + type);
    }
    Object nullable = schema.get("nullable");
    if (nullable != null && !(nullable instanceof Boolean)) {
      throw invalid(where, "nullable must be a boolean, got " + nullable);
    }
    Object minimum = schema.get("minimum");
    if (minimum != null && (!(minimum instanceof Number) || decimal((Number) minimum) == null)) {
      throw invalid(where, "minimum must be a number, got " + minimum);
    }
    Object enumValues = schema.get("enum");
    if (enumValues != null
        && (!(enumValues instanceof List<?>) || ((List<?>) enumValues).isEmpty())) {
      throw invalid(where, "enum must be a non-empty list, got " + enumValues);
    }
    Object required = schema.get("required");
    if (required != null) {
      if (!(required instanceof List<?>)) {
        throw invalid(where, "required must be a list of property names, got " + required);
      }
      for (Object name : (List<?>) required) {
        if (!(name instanceof String)) {
          throw invalid(where, "required must list property names as strings, got " + name);
        }
      }
    }
    Object properties = schema.get("properties");
    if (properties != null) {
      for (Map.Entry<?, ?> p : map(properties, where + "/properties").entrySet()) {
        String at = where + "/properties/" + p.getKey();
        if (p.getValue() == null) {
          throw invalid(at, "the property has no schema");
        }
        check(p.getValue(), at, seen);
      }
    }
    Object additional = schema.get("additionalProperties");
    if (additional != null && !(additional instanceof Boolean)) {
      check(additional, where + "/additionalProperties", seen);
    }
    Object items = schema.get("items");
    if (items != null) {
      check(items, where + "/items", seen);
    }
  }

  private static IllegalArgumentException invalid(String where, String problem) {
    return new IllegalArgumentException("unsupported or invalid spec at " + where + ": " + problem);
  }

  private static Map<?, ?> map(@Nullable Object node, String where) {
    if (node instanceof Map<?, ?>) {
      return (Map<?, ?>) node;
    }
    throw invalid(where, "expected a mapping, got " + node);
  }

  private static @Nullable List<?> list(@Nullable Object node) {
    return node instanceof List<?> ? (List<?>) node : null;
  }

  private static @Nullable String string(@Nullable Object node) {
    return node == null ? null : String.valueOf(node);
  }

  private static boolean isTrue(@Nullable Object node) {
    return Boolean.TRUE.equals(node);
  }
}
