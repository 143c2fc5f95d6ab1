package io.github.together4j.images.generated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Compares openapi/images.yaml with Together's upstream spec, fact by fact, against an allow-list
 * of intended differences.
 */
class UpstreamSpecDriftTest {

  private static final String OPERATION = "/images/generations";
  private static final String MODELS = "/models";

  /** Marks a {@code default: null} that is written out, as opposed to no default at all. */
  private static final String EXPLICIT_NULL = "null";

  private static SortedMap<String, Map<String, Object>> upstreamFacts;

  record Difference(String key, String text) {}

  record Allowed(String difference, String reason) {}

  @Test
  void differsFromUpstreamOnlyWhereTheAllowListGivesAReason() {
    List<Difference> differences = differences();
    Set<String> allowed = allowList().stream().map(Allowed::difference).collect(Collectors.toSet());
    System.out.printf(
        "Drift of %s from %s (%d differences):%n",
        ourSpecPath(), upstreamSpecPath(), differences.size());
    differences.forEach(
        d ->
            System.out.println(
                (allowed.contains(d.key()) ? "  allowed   " : "  UNLISTED  ") + d.text()));

    List<String> unlisted =
        differences.stream().filter(d -> !allowed.contains(d.key())).map(Difference::text).toList();
    assertThat(unlisted)
        .withFailMessage(
            "Our spec differs from upstream where %s gives no reason:%n%s",
            allowListPath(), String.join(System.lineSeparator(), unlisted))
        .isEmpty();
  }

  @Test
  void everyAllowListEntryStillMatchesADifference() {
    Set<String> keys = differences().stream().map(Difference::key).collect(Collectors.toSet());
    List<String> stale =
        allowList().stream().map(Allowed::difference).filter(d -> !keys.contains(d)).toList();
    assertThat(stale)
        .withFailMessage(
            "Stale entries in %s (no such difference any more, remove them):%n%s",
            allowListPath(), String.join(System.lineSeparator(), stale))
        .isEmpty();
  }

  @Test
  void everyAllowListEntryNamesOneDifferenceAndGivesAReason() {
    List<Allowed> entries = allowList();
    assertThat(entries)
        .isNotEmpty()
        .allSatisfy(
            entry -> {
              assertThat(entry.difference())
                  .as("difference of an entry in %s", allowListPath())
                  .isNotBlank();
              assertThat(entry.reason()).as("reason for '%s'", entry.difference()).isNotBlank();
            });
    assertThat(entries).extracting(Allowed::difference).doesNotHaveDuplicates();
  }

  @Test
  void driftIntroducedIntoOurSpecIsReported() {
    Map<String, Object> ours = load(ourSpecPath());
    Map<String, Object> properties =
        at(ours, ours, "components", "schemas", "ImageRequest", "properties");
    at(ours, properties, "guidance_scale").put("default", 7.0);
    at(ours, properties, "output_format").put("enum", List.of("jpeg", "png", "webp"));
    properties.remove("seed");

    Set<String> before = differences().stream().map(Difference::key).collect(Collectors.toSet());
    List<Difference> after = compare(upstream(), flatten(ours));

    assertThat(after)
        .filteredOn(d -> !before.contains(d.key()))
        .extracting(Difference::text)
        .containsExactlyInAnyOrder(
            "ImageRequest.guidance_scale default: upstream 3.5, ours 7",
            "ImageRequest.output_format enum: upstream [jpeg, png], ours [jpeg, png, webp]",
            "ImageRequest.seed present: only upstream");
  }

  @Test
  void driftInTheModelListIsReported() {
    Map<String, Object> ours = load(ourSpecPath());
    Map<String, Object> properties =
        at(ours, ours, "components", "schemas", "ModelInfo", "properties");
    properties.remove("pricing");
    at(ours, properties, "created").put("type", "string");
    Map<String, Object> models = at(ours, ours, "paths", MODELS, "get");
    at(ours, list(models.get("parameters")).get(0), "schema").put("type", "string");
    asMap(models.get("responses"), "responses").remove("504");

    Set<String> before = differences().stream().map(Difference::key).collect(Collectors.toSet());
    List<Difference> after = compare(upstream(), flatten(ours));

    assertThat(after)
        .filteredOn(d -> !before.contains(d.key()))
        .extracting(Difference::text)
        .containsExactlyInAnyOrder(
            "ModelInfoList[].pricing present: only upstream",
            "ModelInfoList[].created type: upstream integer, ours string",
            "GET /models parameter dedicated type: upstream boolean, ours string",
            "GET /models responses statuses: upstream [200, 400, 401, 404, 429, 504],"
                + " ours [200, 400, 401, 404, 429]");
  }

  // --- inputs -------------------------------------------------------------------------------

  private static Path ourSpecPath() {
    return path("together4j.spec", "../openapi/images.yaml");
  }

  private static Path upstreamSpecPath() {
    return path("together4j.upstreamSpec", "../../shared/reference/together-openapi.yaml");
  }

  private static Path allowListPath() {
    return path("together4j.driftAllowlist", "../openapi/upstream-drift-allowlist.yaml");
  }

  private static Path path(String property, String fallback) {
    return Path.of(Objects.requireNonNullElse(System.getProperty(property), fallback))
        .toAbsolutePath()
        .normalize();
  }

  private static Map<String, Object> load(Path file) {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(
        10 * 1024 * 1024); // default 3 MB reads today's ~460 KB upstream; head-room for growth
    try (Reader reader = Files.newBufferedReader(file)) {
      return asMap(new Yaml(options).load(reader), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static synchronized SortedMap<String, Map<String, Object>> upstream() {
    Path file = upstreamSpecPath();
    assumeTrue(
        Files.isRegularFile(file),
        () ->
            "The upstream spec at "
                + file
                + " is absent (a user's clone has no ../shared), so drift is not checked");
    if (upstreamFacts == null) {
      upstreamFacts = flatten(load(file));
    }
    return upstreamFacts;
  }

  private static List<Difference> differences() {
    return compare(upstream(), flatten(load(ourSpecPath())));
  }

  private static List<Allowed> allowList() {
    return list(load(allowListPath()).get("allowed")).stream()
        .map(entry -> asMap(entry, "allowed"))
        .map(
            entry ->
                new Allowed(
                    Objects.toString(entry.get("difference"), ""),
                    Objects.toString(entry.get("reason"), "")))
        .toList();
  }

  // --- normalisation: one sorted map of path -> facts per spec --------------------------------

  static SortedMap<String, Map<String, Object>> flatten(Map<String, Object> spec) {
    SortedMap<String, Map<String, Object>> out = new TreeMap<>();
    Map<String, Object> operation = at(spec, spec, "paths", OPERATION, "post");
    walk(
        spec,
        "ImageRequest",
        at(spec, operation, "requestBody", "content", "application/json").get("schema"),
        false,
        out);
    walk(
        spec,
        "ImageResponse",
        at(spec, spec, "components", "schemas", "ImageResponse"),
        false,
        out);
    walk(spec, "ErrorData", at(spec, spec, "components", "schemas", "ErrorData"), false, out);

    Map<String, Object> models = at(spec, spec, "paths", MODELS, "get");
    walk(
        spec,
        "ModelInfoList",
        at(spec, models, "responses", "200", "content", "application/json").get("schema"),
        false,
        out);
    operation(spec, "POST " + OPERATION, operation, out);
    operation(spec, "GET " + MODELS, models, out);
    out.put("servers", Map.of("url", at(spec, list(spec.get("servers")).get(0)).get("url")));

    Map<String, Object> security = new TreeMap<>();
    for (Object requirement :
        list(
            operation.containsKey("security") ? operation.get("security") : spec.get("security"))) {
      for (String name : asMap(requirement, "security").keySet()) {
        Map<String, Object> scheme = at(spec, spec, "components", "securitySchemes", name);
        security.put(name, scheme.get("type") + "/" + scheme.get("scheme"));
      }
    }
    out.put("security", security);
    return out;
  }

  /** An operation's statuses, the schema its 200 names, and each parameter's place and type. */
  private static void operation(
      Map<String, Object> spec,
      String name,
      Map<String, Object> operation,
      Map<String, Map<String, Object>> out) {
    Map<String, Object> responses = asMap(operation.get("responses"), name + " responses");
    Object ok = at(spec, responses, "200", "content", "application/json").get("schema");
    String okName =
        ok instanceof Map<?, ?> m && m.get("$ref") instanceof String ref
            ? ref.substring(ref.lastIndexOf('/') + 1)
            : "(inline)";
    out.put(
        name + " responses",
        Map.of(
            "statuses",
            responses.keySet().stream().map(String::valueOf).sorted().toList(),
            "200",
            okName));
    for (Object parameter : list(operation.get("parameters"))) {
      Map<String, Object> p = at(spec, parameter);
      Map<String, Object> facts = new TreeMap<>();
      facts.put("in", p.get("in"));
      facts.put("required", Boolean.TRUE.equals(p.get("required")));
      facts.put("type", at(spec, p, "schema").get("type"));
      out.put(name + " parameter " + p.get("name"), facts);
    }
  }

  private static void walk(
      Map<String, Object> spec,
      String path,
      Object node,
      boolean required,
      Map<String, Map<String, Object>> out) {
    Map<String, Object> schema = effective(spec, node, path);
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("type", schema.get("type"));
    facts.put("format", schema.get("format"));
    facts.put(
        "enum",
        schema.containsKey("enum")
            ? list(schema.get("enum")).stream().map(String::valueOf).sorted().toList()
            : null);
    facts.put(
        "default",
        schema.containsKey("default")
            ? Objects.requireNonNullElse(number(schema.get("default")), EXPLICIT_NULL)
            : null);
    facts.put("required", required);
    facts.put("nullable", Boolean.TRUE.equals(schema.get("nullable")));
    facts.put("minimum", number(schema.get("minimum")));
    facts.put("maximum", number(schema.get("maximum")));
    out.put(path, facts);

    List<?> requiredNames = list(schema.get("required"));
    if (schema.get("properties") != null) {
      asMap(schema.get("properties"), path)
          .forEach(
              (name, property) ->
                  walk(spec, path + "." + name, property, requiredNames.contains(name), out));
    }
    if (schema.get("items") != null) {
      walk(spec, path + "[]", schema.get("items"), false, out);
    }
  }

  /**
   * The schema at a node with $ref followed and the OpenAPI 3.1 forms rewritten as their 3.0
   * equivalents.
   */
  private static Map<String, Object> effective(Map<String, Object> spec, Object node, String path) {
    Map<String, Object> schema = new LinkedHashMap<>(asMap(deref(spec, node), path));
    if (schema.containsKey("allOf") || schema.containsKey("not")) {
      throw new IllegalStateException(
          "allOf/not at " + path + " is not supported by this comparison yet");
    }
    if (schema.containsKey("const")) {
      schema.put("enum", List.of(schema.remove("const")));
      schema.putIfAbsent("type", "string");
    }
    if (schema.get("type") instanceof List<?> types) {
      List<?> nonNull = types.stream().filter(type -> !"null".equals(type)).toList();
      if (nonNull.size() != 1) {
        throw new IllegalStateException("type " + types + " at " + path + " is not supported");
      }
      schema.put(
          "nullable", nonNull.size() < types.size() || Boolean.TRUE.equals(schema.get("nullable")));
      schema.put("type", nonNull.get(0));
    }
    for (String combinator : List.of("anyOf", "oneOf")) {
      if (schema.containsKey(combinator)) {
        List<Map<String, Object>> branches =
            list(schema.remove(combinator)).stream()
                .map(branch -> effective(spec, branch, path))
                .toList();
        schema.remove("discriminator");
        schema.putAll(merge(spec, branches, path));
      }
    }
    return schema;
  }

  /**
   * One schema accepting what any branch accepts: object branches get the union of the properties
   * and the intersection of the required lists; a branch without enum opens the enum; other facts
   * survive when all agree.
   */
  private static Map<String, Object> merge(
      Map<String, Object> spec, List<Map<String, Object>> branches, String path) {
    List<Map<String, Object>> typed =
        branches.stream().filter(branch -> !"null".equals(branch.get("type"))).toList();
    Set<Object> types =
        typed.stream().map(branch -> branch.get("type")).collect(Collectors.toSet());
    if (types.size() != 1 || types.contains(null)) {
      throw new IllegalStateException(
          "branches of types " + types + " at " + path + " are not supported");
    }
    Map<String, Object> merged = new LinkedHashMap<>();
    typed
        .get(0)
        .forEach(
            (key, value) -> {
              if (typed.stream().allMatch(branch -> Objects.equals(branch.get(key), value))) {
                merged.put(key, value);
              }
            });
    merged.remove("enum");
    if (typed.size() < branches.size()
        || branches.stream().anyMatch(branch -> Boolean.TRUE.equals(branch.get("nullable")))) {
      merged.put("nullable", true);
    }
    if ("object".equals(types.iterator().next())) {
      Map<String, List<Map<String, Object>>> byName = new LinkedHashMap<>();
      for (Map<String, Object> branch : typed) {
        Map<String, Object> properties =
            branch.get("properties") == null ? Map.of() : asMap(branch.get("properties"), path);
        properties.forEach(
            (name, property) ->
                byName
                    .computeIfAbsent(name, n -> new ArrayList<>())
                    .add(effective(spec, property, path + "." + name)));
      }
      Map<String, Object> properties = new LinkedHashMap<>();
      byName.forEach(
          (name, schemas) -> properties.put(name, merge(spec, schemas, path + "." + name)));
      merged.put("properties", properties);
      List<Object> required = new ArrayList<>(list(typed.get(0).get("required")));
      typed.forEach(branch -> required.retainAll(list(branch.get("required"))));
      merged.put("required", required);
    } else if (typed.stream().allMatch(branch -> branch.containsKey("enum"))) {
      merged.put(
          "enum",
          typed.stream().flatMap(branch -> list(branch.get("enum")).stream()).distinct().toList());
    }
    return merged;
  }

  // --- comparison ---------------------------------------------------------------------------

  static List<Difference> compare(
      Map<String, Map<String, Object>> upstream, Map<String, Map<String, Object>> ours) {
    List<Difference> differences = new ArrayList<>();
    Set<String> oneSided = new LinkedHashSet<>();
    Set<String> paths = new TreeSet<>(upstream.keySet());
    paths.addAll(ours.keySet());
    for (String path : paths) {
      if (oneSided.stream()
          .anyMatch(parent -> path.startsWith(parent + ".") || path.startsWith(parent + "[]"))) {
        continue; // the parent's "present" difference already covers it
      }
      Map<String, Object> theirs = upstream.get(path);
      Map<String, Object> mine = ours.get(path);
      if (theirs == null || mine == null) {
        oneSided.add(path);
        differences.add(
            new Difference(
                path + " present",
                path + " present: only " + (theirs == null ? "ours" : "upstream")));
        continue;
      }
      Set<String> facts = new LinkedHashSet<>(theirs.keySet());
      facts.addAll(mine.keySet());
      for (String fact : facts) {
        if (!Objects.equals(theirs.get(fact), mine.get(fact))) {
          String key = path + " " + fact;
          differences.add(
              new Difference(
                  key,
                  key + ": upstream " + show(theirs.get(fact)) + ", ours " + show(mine.get(fact))));
        }
      }
    }
    return differences;
  }

  private static String show(Object value) {
    return value == null ? "(none)" : value.toString();
  }

  /** Numbers as plain decimal text, so 1, 1.0 and 1.00 compare equal. */
  private static Object number(Object value) {
    return value instanceof Number n
        ? new BigDecimal(n.toString()).stripTrailingZeros().toPlainString()
        : value;
  }

  // --- plain-map helpers --------------------------------------------------------------------

  /** The mapping reached from {@code node} through {@code keys}, following $ref at every step. */
  private static Map<String, Object> at(Map<String, Object> spec, Object node, String... keys) {
    Map<String, Object> current = asMap(deref(spec, node), "node");
    for (String key : keys) {
      Object child =
          current.entrySet().stream()
              .filter(e -> String.valueOf(e.getKey()).equals(key))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse(null);
      current = asMap(deref(spec, child), String.join(".", keys) + " (at " + key + ")");
    }
    return current;
  }

  private static Object deref(Map<String, Object> spec, Object node) {
    while (node instanceof Map<?, ?> map && map.get("$ref") instanceof String ref) {
      if (!ref.startsWith("#/")) {
        throw new IllegalStateException("only local $ref is supported: " + ref);
      }
      Object target = spec;
      for (String segment : ref.substring(2).split("/")) {
        target = asMap(target, ref).get(segment.replace("~1", "/").replace("~0", "~"));
      }
      node = target;
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object node, String where) {
    if (node instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new IllegalStateException("expected a mapping at " + where + " but found " + node);
  }

  private static List<?> list(Object node) {
    return node instanceof List<?> list ? list : List.of();
  }
}
