package io.github.together4j.images.contract;

import static org.assertj.core.api.Assertions.fail;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolverFactory;
import com.atlassian.oai.validator.report.ValidationReport;
import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

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
 */
final class Contracts {
  /** The path the facade must call, the spec's server path plus the operation's. */
  static final String GENERATIONS = "/v1/images/generations";

  /** openapi/images.yaml, as surefire's {@code together4j.spec} property names it. */
  static final Path SPEC = specPath();

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
    SimpleRequest.Builder request = new SimpleRequest.Builder(method, path);
    for (String name : headers.names()) {
      request.withHeader(name, headers.values(name));
    }
    return VALIDATOR.validateRequest(request.withBody(body).build());
  }

  /** Validates a response to POST /v1/images/generations with OpenAPI's semantics. */
  static ValidationReport validateResponse(int status, Headers headers, String body) {
    return validateResponse(VALIDATOR, status, headers, body);
  }

  /** Validates a response to POST /v1/images/generations with {@code validator}. */
  static ValidationReport validateResponse(
      OpenApiInteractionValidator validator, int status, Headers headers, String body) {
    SimpleResponse.Builder response = SimpleResponse.Builder.status(status);
    for (String name : headers.names()) {
      response.withHeader(name, headers.values(name));
    }
    return validator.validateResponse(
        GENERATIONS, Request.Method.POST, response.withBody(body).build());
  }

  /** Fails, listing every message and the body, unless the report has no errors. */
  static void assertValid(ValidationReport report, String what, String body) {
    if (report.hasErrors()) {
      fail(
          what
              + " does not satisfy openapi/images.yaml:\n"
              + describe(report)
              + "body: "
              + excerpt(body, 2000));
    }
  }

  /** Fails unless the report has at least one error: proves a check is not vacuous. */
  static void assertInvalid(ValidationReport report, String what, String body) {
    if (!report.hasErrors()) {
      fail(
          what
              + " should break openapi/images.yaml, but the validator accepted it:\n"
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
