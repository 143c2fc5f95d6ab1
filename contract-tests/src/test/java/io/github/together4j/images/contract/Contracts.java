package io.github.together4j.images.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolverFactory;
import com.atlassian.oai.validator.report.ValidationReport;
import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import io.github.together4j.images.AuthenticationException;
import io.github.together4j.images.BadRequestException;
import io.github.together4j.images.ImageModelInfo;
import io.github.together4j.images.NotFoundException;
import io.github.together4j.images.RateLimitException;
import io.github.together4j.images.ServerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.provider.Arguments;

/**
 * What the contract tests share: the spec, the Atlassian validator built once from it, and helpers
 * that validate a request or response and fail with every message the validator gave.
 *
 * <p><b>Which Atlassian validator.</b> {@link #VALIDATOR} reads the spec with OpenAPI's own
 * semantics: an object schema that does not say {@code additionalProperties} allows other
 * properties (OpenAPI 3.0.3, Schema Object; {@code additionalProperties: false} in the spec is
 * still enforced). Atlassian's default is stricter: it injects {@code additionalProperties: false}
 * into every object schema that omits it. {@link #STRICT_VALIDATOR} keeps that default; tests use
 * it only to show which properties a body carries that the spec does not declare (the fake server's
 * {@code timings}, the live API's {@code created} and {@code revised_prompt}).
 *
 * <p>Atlassian 2.46.1 checks {@code security} only where an operation declares it, not the
 * document-level {@code security} this spec uses, so a missing {@code Authorization} header is not
 * reported by it; tests assert that header themselves.
 *
 * <p><b>Together's upstream spec.</b> {@link Spec#UPSTREAM} is the same validator on {@code
 * ../shared/reference/together-openapi.yaml}, an OpenAPI 3.1 document, which Atlassian 2.46.1 does
 * not fully read: it finds the paths, parameters and statuses and enforces {@code required} and
 * {@code enum}, but not a schema's {@code type} (swagger-parser keeps a 3.1 {@code type} where the
 * validator does not look) nor {@code const}. A test that expects upstream to reject something
 * therefore breaks a {@code required} or {@code enum} rule; what it misses is pinned in
 * ResponseContractTest ({@code upstreamVerdictOnModelListsThatBreakTheSchema}) and
 * RequestContractTest. Prism (PrismContractTest) reads 3.1 fully.
 */
final class Contracts {
  /** The path the facade must call, the spec's server path plus the operation's. */
  static final String GENERATIONS = "/v1/images/generations";

  /** The path of the model list ({@code GET /models}), with the spec's server path. */
  static final String MODELS = "/v1/models";

  /** The headers of a JSON response. */
  static final Headers JSON_RESPONSE = Headers.of("Content-Type", "application/json");

  /** openapi/images.yaml, as surefire's {@code together4j.spec} property names it. */
  static final Path SPEC = specPath();

  /**
   * Together's upstream spec, as surefire's {@code together4j.upstreamSpec} property names it; a
   * user's clone has no {@code ../shared}, and tests against it are then skipped.
   */
  static final Path UPSTREAM_SPEC =
      Path.of(
              System.getProperty(
                  "together4j.upstreamSpec", "../../shared/reference/together-openapi.yaml"))
          .toAbsolutePath()
          .normalize();

  /** The intentional differences from upstream, beside the spec. */
  static final Path DRIFT_ALLOWLIST = SPEC.resolveSibling("upstream-drift-allowlist.yaml");

  /** The validator with OpenAPI's semantics: undeclared properties are allowed. */
  static final OpenApiInteractionValidator VALIDATOR =
      OpenApiInteractionValidator.createForSpecificationUrl(SPEC.toUri().toString())
          .withLevelResolver(LevelResolverFactory.withAdditionalPropertiesIgnored())
          .build();

  /** Atlassian's default: every object schema without additionalProperties is closed. */
  static final OpenApiInteractionValidator STRICT_VALIDATOR =
      OpenApiInteractionValidator.createForSpecificationUrl(SPEC.toUri().toString()).build();

  /** Parses JSON as the testkit does: maps, lists, strings, doubles, booleans and null. */
  static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);

  private static final Pattern MISSING_REQUIRED =
      Pattern.compile("missing required properties \\(\\[(.*)\\]\\)");
  private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  private Contracts() {}

  /** A spec the Atlassian validator checks against. */
  enum Spec {
    OURS("openapi/images.yaml"),
    UPSTREAM("Together's upstream spec");

    private final String title;

    Spec(String title) {
      this.title = title;
    }

    /**
     * The validator with OpenAPI's semantics; for {@link #UPSTREAM}, built on first use, and the
     * calling test is skipped (assumption) when the upstream spec is absent.
     */
    OpenApiInteractionValidator validator() {
      if (this == OURS) {
        return VALIDATOR;
      }
      assumeTrue(
          Files.isRegularFile(UPSTREAM_SPEC),
          () ->
              "the upstream spec is not at "
                  + UPSTREAM_SPEC
                  + " (a user's clone has no ../shared)");
      return Upstream.VALIDATOR;
    }

    @Override
    public String toString() {
      return title;
    }
  }

  /** Holds the upstream validator: loading the 460 KB document takes seconds, so only on use. */
  private static final class Upstream {
    static final OpenApiInteractionValidator VALIDATOR =
        OpenApiInteractionValidator.createForSpecificationUrl(UPSTREAM_SPEC.toUri().toString())
            .withLevelResolver(LevelResolverFactory.withAdditionalPropertiesIgnored())
            .build();
  }

  private static Path specPath() {
    String property = System.getProperty("together4j.spec");
    Path path = property != null ? Path.of(property) : Path.of("..", "openapi", "images.yaml");
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(
          "the spec is not at "
              + path.toAbsolutePath()
              + "; run the tests with Maven, whose surefire sets -Dtogether4j.spec");
    }
    return path.toAbsolutePath().normalize();
  }

  /** Returns the spec's text. */
  static String specText() {
    try {
      return Files.readString(SPEC);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + SPEC, e);
    }
  }

  /**
   * Validates a well-formed request to the operation: POST, JSON, a bearer key and {@code body}.
   */
  static ValidationReport validateRequestBody(String body) {
    return VALIDATOR.validateRequest(
        SimpleRequest.Builder.post(GENERATIONS)
            .withContentType("application/json")
            .withAuthorization("Bearer k")
            .withBody(body)
            .build());
  }

  /** Validates a request as it arrived on the wire: its method, path, every header and body. */
  static ValidationReport validateRequest(
      String method, String path, Headers headers, String body) {
    return validateRequest(
        VALIDATOR, method, HttpUrl.get("http://localhost" + path), headers, body);
  }

  /**
   * Validates a request as it arrived on the wire against {@code validator}: its method, the path
   * and query of {@code url}, every header and the body.
   */
  static ValidationReport validateRequest(
      OpenApiInteractionValidator validator,
      String method,
      HttpUrl url,
      Headers headers,
      String body) {
    SimpleRequest.Builder request = new SimpleRequest.Builder(method, url.encodedPath());
    for (String name : url.queryParameterNames()) {
      request.withQueryParam(name, url.queryParameterValues(name));
    }
    for (String name : headers.names()) {
      request.withHeader(name, headers.values(name));
    }
    return validator.validateRequest(request.withBody(body).build());
  }

  /**
   * Validates {@code GET /v1/models} with a bearer key and {@code query} (e.g. "dedicated=true").
   */
  static ValidationReport validateModelsRequest(Spec spec, String query) {
    HttpUrl url = HttpUrl.get("http://localhost" + MODELS + (query.isEmpty() ? "" : "?" + query));
    return validateRequest(
        spec.validator(), "GET", url, Headers.of("Authorization", "Bearer k"), "");
  }

  /** Validates a response to POST /v1/images/generations with OpenAPI's semantics. */
  static ValidationReport validateResponse(int status, Headers headers, String body) {
    return validateResponse(VALIDATOR, status, headers, body);
  }

  /** Validates a response to POST /v1/images/generations with {@code validator}. */
  static ValidationReport validateResponse(
      OpenApiInteractionValidator validator, int status, Headers headers, String body) {
    return validateResponse(validator, Request.Method.POST, GENERATIONS, status, headers, body);
  }

  /** Validates a JSON response to GET /v1/models against {@code spec}. */
  static ValidationReport validateModelsResponse(Spec spec, int status, String body) {
    return validateResponse(
        spec.validator(), Request.Method.GET, MODELS, status, JSON_RESPONSE, body);
  }

  /** Validates a response to the operation at {@code method} and {@code path}. */
  static ValidationReport validateResponse(
      OpenApiInteractionValidator validator,
      Request.Method method,
      String path,
      int status,
      Headers headers,
      String body) {
    SimpleResponse.Builder response = SimpleResponse.Builder.status(status);
    for (String name : headers.names()) {
      response.withHeader(name, headers.values(name));
    }
    return validator.validateResponse(path, method, response.withBody(body).build());
  }

  /** Fails, listing every message and the body, unless the report has no errors. */
  static void assertValid(ValidationReport report, String what, String body) {
    assertValid(Spec.OURS, report, what, body);
  }

  /** Fails, listing every message and the body, unless {@code spec}'s report has no errors. */
  static void assertValid(Spec spec, ValidationReport report, String what, String body) {
    if (report.hasErrors()) {
      fail(
          what
              + " does not satisfy "
              + spec
              + ":\n"
              + describe(report)
              + "body: "
              + excerpt(body, 2000));
    }
  }

  /** Fails unless the report has at least one error: proves a check is not vacuous. */
  static void assertInvalid(ValidationReport report, String what, String body) {
    assertInvalid(Spec.OURS, report, what, body);
  }

  /** Fails unless {@code spec}'s report has at least one error. */
  static void assertInvalid(Spec spec, ValidationReport report, String what, String body) {
    if (!report.hasErrors()) {
      fail(
          what
              + " should break "
              + spec
              + ", but the validator accepted it:\n"
              + describe(report)
              + "body: "
              + excerpt(body, 2000));
    }
  }

  /** Lists every message of a report, one a line, with its level and key. */
  static String describe(ValidationReport report) {
    if (report.getMessages().isEmpty()) {
      return "  (no messages)\n";
    }
    StringBuilder out = new StringBuilder();
    for (ValidationReport.Message m : report.getMessages()) {
      out.append("  ")
          .append(m.getLevel())
          .append(' ')
          .append(m.getKey())
          .append(": ")
          .append(m.getMessage().replace("\n", " "))
          .append('\n');
      for (String info : m.getAdditionalInfo()) {
        out.append("    ").append(info).append('\n');
      }
    }
    return out.toString();
  }

  /** Returns the keys of a report's errors, e.g. {@code validation.request.body.schema.minimum}. */
  static Set<String> errorKeys(ValidationReport report) {
    Set<String> keys = new LinkedHashSet<>();
    for (ValidationReport.Message m : report.getMessages()) {
      if (m.getLevel() == ValidationReport.Level.ERROR) {
        keys.add(m.getKey());
      }
    }
    return keys;
  }

  /**
   * Returns the fields a report's errors are about, written as the testkit's {@code param}s: {@code
   * width}, {@code image_loras[0].scale}, or null for the body itself. A missing required property
   * is reported by Atlassian at its parent object; it is named here as the property.
   */
  static Set<@Nullable String> errorParams(ValidationReport report) {
    Set<@Nullable String> params = new LinkedHashSet<>();
    for (ValidationReport.Message m : report.getMessages()) {
      if (m.getLevel() != ValidationReport.Level.ERROR) {
        continue;
      }
      String pointer =
          m.getContext()
              .flatMap(ValidationReport.MessageContext::getPointers)
              .map(ValidationReport.MessageContext.Pointers::getInstance)
              .orElse("");
      @Nullable String parent = pointerToParam(pointer);
      Matcher missing = MISSING_REQUIRED.matcher(m.getMessage());
      if (m.getKey().endsWith(".required") && missing.find()) {
        Matcher name = QUOTED.matcher(missing.group(1));
        while (name.find()) {
          params.add(parent == null ? name.group(1) : parent + "." + name.group(1));
        }
      } else {
        params.add(parent);
      }
    }
    return params;
  }

  /**
   * Converts a JSON pointer to the testkit's {@code param} form: {@code /image_loras/0/scale} to
   * {@code image_loras[0].scale}; the root ({@code ""} or {@code /}) to null. A segment of digits
   * is read as an array index, which holds for this spec: no object in it has numeric keys.
   */
  static @Nullable String pointerToParam(String pointer) {
    if (pointer.isEmpty() || pointer.equals("/")) {
      return null;
    }
    StringBuilder param = new StringBuilder();
    for (String raw : pointer.substring(1).split("/", -1)) {
      String segment = raw.replace("~1", "/").replace("~0", "~");
      if (segment.matches("\\d+")) {
        param.append('[').append(segment).append(']');
      } else {
        if (param.length() > 0) {
          param.append('.');
        }
        param.append(segment);
      }
    }
    return param.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // GET /models

  /** Each case of {@code cases} once per {@link Spec}, the spec first among its arguments. */
  static Stream<Arguments> forEachSpec(Stream<Arguments> cases) {
    List<Arguments> all = cases.toList();
    return Stream.of(Spec.values())
        .flatMap(
            spec ->
                all.stream()
                    .map(
                        c ->
                            Arguments.of(
                                Stream.concat(Stream.of(spec), Stream.of(c.get())).toArray())));
  }

  /**
   * Every error status GET /models declares (the same five in both specs), and the exception the
   * README maps it to.
   */
  static Stream<Arguments> modelsErrors() {
    return Stream.of(
        Arguments.of(400, BadRequestException.class),
        Arguments.of(401, AuthenticationException.class),
        Arguments.of(404, NotFoundException.class),
        Arguments.of(429, RateLimitException.class),
        Arguments.of(504, ServerException.class));
  }

  /**
   * Asserts that {@code models} is exactly the JSON array {@code body}, sorted by id: every entry,
   * every property the facade exposes, and the type as sent, whatever it is.
   */
  static void assertModelsParsedFaithfully(List<ImageModelInfo> models, String body) {
    assertParsedFaithfully(models, body, false);
  }

  /**
   * Asserts that {@code images} is exactly the entries of type image of the JSON array {@code
   * body}, sorted by id, as {@link #assertModelsParsedFaithfully} compares them.
   */
  static void assertImageModelsParsedFaithfully(List<ImageModelInfo> images, String body) {
    assertParsedFaithfully(images, body, true);
  }

  private static void assertParsedFaithfully(
      List<ImageModelInfo> models, String body, boolean imagesOnly) {
    Object parsed = parse(body);
    assertThat(parsed).as("a JSON array: %s", excerpt(body, 500)).isInstanceOf(List.class);
    List<Map<?, ?>> wire =
        ((List<?>) parsed)
            .stream()
                .<Map<?, ?>>map(entry -> (Map<?, ?>) entry)
                .filter(entry -> !imagesOnly || ImageModelInfo.IMAGE.equals(entry.get("type")))
                .sorted(Comparator.comparing(entry -> (String) entry.get("id")))
                .toList();
    assertThat(models)
        .as("the ids, in order, of %s", excerpt(body, 500))
        .extracting(ImageModelInfo::id)
        .containsExactlyElementsOf(wire.stream().map(entry -> (String) entry.get("id")).toList());
    for (int i = 0; i < wire.size(); i++) {
      ImageModelInfo model = models.get(i);
      Map<?, ?> entry = wire.get(i);
      String what = "entry " + model.id();
      assertThat(model.type()).as(what).isEqualTo(entry.get("type"));
      assertThat(model.isImage())
          .as(what)
          .isEqualTo(ImageModelInfo.IMAGE.equals(entry.get("type")));
      assertThat(model.displayName()).as(what).isEqualTo(entry.get("display_name"));
      assertThat(model.organization()).as(what).isEqualTo(entry.get("organization"));
      assertThat(model.link()).as(what).isEqualTo(entry.get("link"));
      assertThat(model.license()).as(what).isEqualTo(entry.get("license"));
      // Moshi reads every JSON number as a double: compared as doubles, both come from one text.
      assertThat(model.raw().created().doubleValue()).as(what).isEqualTo(entry.get("created"));
      Integer contextLength = model.contextLength();
      assertThat(contextLength == null ? null : contextLength.doubleValue())
          .as(what)
          .isEqualTo(entry.get("context_length"));
      Map<?, ?> pricing = (Map<?, ?>) entry.get("pricing");
      if (pricing == null) {
        assertThat(model.pricing()).as(what).isNull();
      } else {
        assertThat(model.pricing())
            .as(what)
            .isEqualTo(
                new ImageModelInfo.Pricing(
                    (Double) pricing.get("hourly"),
                    (Double) pricing.get("input"),
                    (Double) pricing.get("output"),
                    (Double) pricing.get("base"),
                    (Double) pricing.get("finetune")));
      }
    }
  }

  /** Parses JSON with Moshi, as the fake server does; null for JSON {@code null}. */
  static @Nullable Object parse(String json) {
    try {
      return JSON.fromJson(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + excerpt(json, 200), e);
    }
  }

  /** Returns the text cut to {@code max} characters. */
  static String excerpt(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "… (" + text.length() + " chars)";
  }
}
