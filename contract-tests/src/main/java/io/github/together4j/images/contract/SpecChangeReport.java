package io.github.together4j.images.contract;

import static java.util.Objects.requireNonNull;

import io.swagger.v3.oas.models.media.Schema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.openapitools.openapidiff.core.OpenApiCompare;
import org.openapitools.openapidiff.core.model.Changed;
import org.openapitools.openapidiff.core.model.ChangedApiResponse;
import org.openapitools.openapidiff.core.model.ChangedContent;
import org.openapitools.openapidiff.core.model.ChangedList;
import org.openapitools.openapidiff.core.model.ChangedMediaType;
import org.openapitools.openapidiff.core.model.ChangedOpenApi;
import org.openapitools.openapidiff.core.model.ChangedOperation;
import org.openapitools.openapidiff.core.model.ChangedParameter;
import org.openapitools.openapidiff.core.model.ChangedParameters;
import org.openapitools.openapidiff.core.model.ChangedRequestBody;
import org.openapitools.openapidiff.core.model.ChangedResponse;
import org.openapitools.openapidiff.core.model.ChangedSchema;
import org.openapitools.openapidiff.core.model.DiffResult;
import org.openapitools.openapidiff.core.model.Endpoint;
import org.openapitools.openapidiff.core.model.schema.ChangedNumericRange;
import org.openapitools.openapidiff.core.output.MarkdownRender;

/**
 * The spec change report: what changed in {@code openapi/images.yaml} since a git revision, each
 * change classified as {@link Severity#COMPATIBLE COMPATIBLE} or {@link Severity#BREAKING
 * BREAKING}.
 *
 * <p>The comparison is done by <a
 * href="https://github.com/OpenAPITools/openapi-diff">openapi-diff</a> ({@link OpenApiCompare});
 * this class walks its result and prints one line per change, in the dotted property paths {@code
 * UpstreamSpecDriftTest} and {@code upstream-drift-allowlist.yaml} use ({@code
 * ImageResponse.data[].url}). Each change keeps openapi-diff's classification, made stricter where
 * the generated client's API changes even though the wire stays compatible: a removed property
 * (request or response, required or not) and a changed {@code operationId} are breaking here, while
 * openapi-diff calls them compatible. A line that follows such a rule says so.
 *
 * <p>Run by {@code ./mvnw -q -pl contract-tests -am verify -Dmaven.test.skip=true -Pspec-change},
 * which first regenerates the client and compiles the facade against it. From the command line:
 *
 * <pre>
 * SpecChangeReport [--spec FILE] [--base REF | --base-file FILE] [--accept-breaking] [--details] [--no-exit]
 * </pre>
 *
 * <p>Exit status: 0 when nothing changed, when every change is compatible, or when the breaking
 * ones are acknowledged with {@code --accept-breaking}; 1 when a breaking change is not
 * acknowledged; 2 when a spec cannot be read (no git, no such revision, not OpenAPI). With {@code
 * --no-exit} (for in-process runners such as {@code exec:java}) a nonzero status is thrown as an
 * {@link IllegalStateException} instead of ending the JVM.
 */
public final class SpecChangeReport {
  /** The option that acknowledges breaking changes. */
  public static final String ACCEPT_BREAKING_OPTION = "--accept-breaking";

  /** The Maven property that acknowledges breaking changes in the {@code spec-change} profile. */
  public static final String ACCEPT_BREAKING_PROPERTY = "spec.acceptBreaking";

  /** Exit status when nothing breaks, or when the breaking changes are acknowledged. */
  public static final int EXIT_OK = 0;

  /** Exit status when a breaking change is not acknowledged. */
  public static final int EXIT_BREAKING = 1;

  /** Exit status when a spec cannot be read. */
  public static final int EXIT_CANNOT_READ = 2;

  private static final String USAGE =
      "usage: SpecChangeReport [--spec FILE] [--base REF | --base-file FILE] [--accept-breaking]"
          + " [--details] [--no-exit]\n"
          + "  --spec FILE       the spec to check (default openapi/images.yaml, or -Dspec.file)\n"
          + "  --base REF        the git revision to compare with (default HEAD, or -Dspec.base)\n"
          + "  --base-file FILE  compare with this file instead of a git revision\n"
          + "  --accept-breaking acknowledge breaking changes: report them, exit 0"
          + " (or -Dspec.acceptBreaking=true)\n"
          + "  --details         append openapi-diff's own Markdown report (or -Dspec.details=true)\n"
          + "  --no-exit         throw instead of System.exit on failure (for exec:java)\n";

  private SpecChangeReport() {}

  /** How a change affects existing clients. */
  public enum Severity {
    /** Existing clients and together4j's generated code keep working. */
    COMPATIBLE,
    /** Existing clients, or code written against the generated client, may break. */
    BREAKING
  }

  /**
   * One change between the two specs.
   *
   * @param severity whether it breaks
   * @param subject what changed: a dotted property path such as {@code ImageResponse.model}, an
   *     endpoint, or an operation
   * @param description what happened to it, e.g. {@code removed required property}
   * @param why for a breaking change, what breaks; empty for a compatible one
   * @param openApiDiffAgrees false when a together4j rule made a change openapi-diff calls
   *     compatible breaking
   * @param locations where in the API it shows, e.g. {@code POST /images/generations response 200}
   */
  public record Change(
      Severity severity,
      String subject,
      String description,
      String why,
      boolean openApiDiffAgrees,
      List<String> locations) {
    /** Checks for nulls and copies the locations. */
    public Change {
      requireNonNull(severity, "severity");
      requireNonNull(subject, "subject");
      requireNonNull(description, "description");
      requireNonNull(why, "why");
      locations = List.copyOf(locations);
    }

    /**
     * Returns whether this change is breaking.
     *
     * @return true for {@link Severity#BREAKING}
     */
    public boolean isBreaking() {
      return severity == Severity.BREAKING;
    }

    /**
     * Returns the change as report lines: the classification, the subject and what happened, where
     * it shows and, for a breaking change, what breaks.
     *
     * @return one or two lines, without a trailing newline
     */
    public String render() {
      StringBuilder line =
          new StringBuilder(
              String.format(Locale.ROOT, "  %-10s  %s: %s", severity, subject, description));
      if (!locations.isEmpty()) {
        line.append(" (").append(renderLocations(locations)).append(')');
      }
      if (!why.isEmpty()) {
        line.append("\n              breaks: ").append(why);
        if (!openApiDiffAgrees) {
          line.append(" [together4j rule; openapi-diff calls it compatible]");
        }
      }
      return line.toString();
    }
  }

  /**
   * The classified changes between a base spec and a new one.
   *
   * @param baseLabel the base spec, e.g. {@code openapi/images.yaml at HEAD}
   * @param newLabel the new spec, e.g. {@code openapi/images.yaml (working copy)}
   * @param openApiDiffResult openapi-diff's verdict on the whole document
   * @param changes the changes, compatible and breaking, in the order openapi-diff found them
   * @param openApiDiffMarkdown openapi-diff's own Markdown rendering of the difference
   */
  public record Report(
      String baseLabel,
      String newLabel,
      DiffResult openApiDiffResult,
      List<Change> changes,
      String openApiDiffMarkdown) {
    /** Checks for nulls and copies the changes. */
    public Report {
      requireNonNull(baseLabel, "baseLabel");
      requireNonNull(newLabel, "newLabel");
      requireNonNull(openApiDiffResult, "openApiDiffResult");
      requireNonNull(openApiDiffMarkdown, "openApiDiffMarkdown");
      changes = List.copyOf(changes);
    }

    /**
     * Returns whether the specs are equivalent.
     *
     * @return true when there is no change at all
     */
    public boolean isUnchanged() {
      return changes.isEmpty();
    }

    /**
     * Returns whether any change is breaking.
     *
     * @return true when at least one change is {@link Severity#BREAKING}
     */
    public boolean isBreaking() {
      return changes.stream().anyMatch(Change::isBreaking);
    }

    /**
     * Returns the breaking changes.
     *
     * @return the changes classified {@link Severity#BREAKING}
     */
    public List<Change> breaking() {
      return changes.stream().filter(Change::isBreaking).toList();
    }

    /**
     * Returns the compatible changes.
     *
     * @return the changes classified {@link Severity#COMPATIBLE}
     */
    public List<Change> compatible() {
      return changes.stream().filter(c -> !c.isBreaking()).toList();
    }

    /**
     * Returns the exit status of the check for this report.
     *
     * @param acknowledged whether breaking changes were acknowledged
     * @return {@link #EXIT_BREAKING} for an unacknowledged breaking change, else {@link #EXIT_OK}
     */
    public int exitStatus(boolean acknowledged) {
      return isBreaking() && !acknowledged ? EXIT_BREAKING : EXIT_OK;
    }

    /**
     * Renders the report for a check that does not acknowledge breaking changes.
     *
     * @return the report, ending with a newline
     */
    public String render() {
      return render(false);
    }

    /**
     * Renders the report: a header with both specs, one entry per change and a verdict.
     *
     * @param acknowledged whether breaking changes were acknowledged
     * @return the report, ending with a newline
     */
    public String render(boolean acknowledged) {
      StringBuilder s = new StringBuilder();
      s.append("Spec change report: ")
          .append(baseLabel)
          .append(" -> ")
          .append(newLabel)
          .append('\n');
      for (Change change : changes) {
        s.append(change.render()).append('\n');
      }
      int breaking = breaking().size();
      int total = changes.size();
      String tool = "openapi-diff: " + openApiDiffResult.name().toLowerCase(Locale.ROOT);
      if (isUnchanged()) {
        s.append("Verdict: no changes (").append(tool).append(").\n");
      } else if (breaking == 0) {
        s.append("Verdict: COMPATIBLE: ")
            .append(count(total, "change"))
            .append(", none breaking (")
            .append(tool)
            .append(").\n");
      } else if (acknowledged) {
        s.append("Verdict: BREAKING, acknowledged: ")
            .append(breaking)
            .append(" of ")
            .append(count(total, "change"))
            .append(breaking == 1 ? " is" : " are")
            .append(" breaking (")
            .append(tool)
            .append("); passing because ")
            .append(ACCEPT_BREAKING_PROPERTY)
            .append("=true.\n");
      } else {
        s.append("Verdict: BREAKING: ")
            .append(breaking)
            .append(" of ")
            .append(count(total, "change"))
            .append(breaking == 1 ? " is" : " are")
            .append(" breaking (")
            .append(tool)
            .append(").\n")
            .append("  Once the facade, its tests and the allow-lists follow the change (README,")
            .append(" \"When the spec changes\"),\n")
            .append("  acknowledge it: -D")
            .append(ACCEPT_BREAKING_PROPERTY)
            .append("=true (or ")
            .append(ACCEPT_BREAKING_OPTION)
            .append(").\n");
      }
      return s.toString();
    }
  }

  /**
   * Compares two specs given as YAML (or JSON) text.
   *
   * @param baseYaml the spec before the change
   * @param newYaml the spec after the change
   * @return the classified changes
   * @throws IllegalArgumentException if either is not a readable OpenAPI document
   */
  public static Report compare(String baseYaml, String newYaml) {
    return compare("base", baseYaml, "new", newYaml);
  }

  /**
   * Compares two specs given as YAML (or JSON) text, with labels for the report's header.
   *
   * @param baseLabel what the base spec is, e.g. {@code openapi/images.yaml at HEAD}
   * @param baseYaml the spec before the change
   * @param newLabel what the new spec is, e.g. {@code openapi/images.yaml (working copy)}
   * @param newYaml the spec after the change
   * @return the classified changes
   * @throws IllegalArgumentException if either is not a readable OpenAPI document
   */
  public static Report compare(String baseLabel, String baseYaml, String newLabel, String newYaml) {
    ChangedOpenApi diff;
    try {
      diff = OpenApiCompare.fromContents(baseYaml, newYaml);
    } catch (RuntimeException e) {
      String which = String.valueOf(e.getMessage()).contains("old") ? baseLabel : newLabel;
      throw new IllegalArgumentException(
          which + " is not a readable OpenAPI document (" + e.getMessage() + ")", e);
    }
    Walker walker = new Walker();
    walker.walk(diff);
    DiffResult toolResult = diff.isChanged();
    if (toolResult.isIncompatible()
        && walker.changes.values().stream().noneMatch(Change::isBreaking)) {
      walker.add(
          Severity.BREAKING,
          "the spec",
          "an incompatible change this report does not itemise",
          "see openapi-diff's own report (--details)",
          true,
          "");
    } else if (toolResult.isDifferent() && walker.changes.isEmpty()) {
      walker.add(
          Severity.COMPATIBLE,
          "the spec",
          "a change this report does not itemise" + " (see openapi-diff's own report: --details)",
          "",
          true,
          "");
    }
    String markdown = toolResult.isUnchanged() ? "" : markdown(diff);
    return new Report(
        baseLabel, newLabel, toolResult, List.copyOf(walker.changes.values()), markdown);
  }

  /** Returns openapi-diff's own Markdown rendering of {@code diff}. */
  private static String markdown(ChangedOpenApi diff) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStreamWriter writer = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
      new MarkdownRender().render(diff, writer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /**
   * Runs the check from the command line.
   *
   * @param args see the class documentation
   */
  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      exit(EXIT_CANNOT_READ, e.getMessage(), List.of(args).contains("--no-exit"));
      return;
    }
    if (options.help) {
      System.out.print(USAGE);
      return;
    }
    int status = run(options, System.out);
    if (status != EXIT_OK) {
      exit(
          status,
          status == EXIT_BREAKING
              ? "breaking spec changes are not acknowledged (see the report above; -D"
                  + ACCEPT_BREAKING_PROPERTY
                  + "=true acknowledges them)"
              : "the spec change report could not compare the specs (see above)",
          options.noExit);
    }
  }

  private static void exit(int status, String message, boolean noExit) {
    if (noExit) {
      throw new IllegalStateException("Spec change check failed: " + message);
    }
    System.exit(status);
  }

  /**
   * Reads both specs, compares them, prints the report and returns the exit status.
   *
   * @param options the parsed command line
   * @param out where the report goes
   * @return {@link #EXIT_OK}, {@link #EXIT_BREAKING} or {@link #EXIT_CANNOT_READ}
   */
  static int run(Options options, PrintStream out) {
    Path spec = options.spec.toAbsolutePath().normalize();
    String display = displayName(spec);
    String newYaml;
    String baseYaml;
    String baseLabel;
    try {
      newYaml = Files.readString(spec);
    } catch (IOException e) {
      out.println("Spec change report: cannot read " + spec + ": " + e);
      return EXIT_CANNOT_READ;
    }
    if (options.baseFile != null) {
      try {
        baseYaml = Files.readString(options.baseFile);
      } catch (IOException e) {
        out.println("Spec change report: cannot read the base spec " + options.baseFile + ": " + e);
        return EXIT_CANNOT_READ;
      }
      baseLabel = options.baseFile.toString();
    } else {
      try {
        baseYaml = gitShow(spec, options.base);
      } catch (BaseUnavailableException e) {
        out.println("Spec change report: " + e.getMessage());
        return EXIT_CANNOT_READ;
      }
      baseLabel = display + " at " + options.base;
    }
    Report report;
    try {
      report = compare(baseLabel, baseYaml, display + " (working copy)", newYaml);
    } catch (IllegalArgumentException e) {
      out.println("Spec change report: " + e.getMessage());
      return EXIT_CANNOT_READ;
    }
    out.print(report.render(options.acceptBreaking));
    if (options.details && !report.openApiDiffMarkdown().isEmpty()) {
      out.println();
      out.println("openapi-diff's own report:");
      out.println(report.openApiDiffMarkdown());
    }
    out.flush();
    return report.exitStatus(options.acceptBreaking);
  }

  /** Signals that the base spec cannot be had from git; the message says why, for the user. */
  static final class BaseUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    BaseUnavailableException(String message) {
      super(message);
    }
  }

  /**
   * Returns the spec's content at a git revision, running {@code git show REF:./NAME} in the spec's
   * directory (so it works from any working directory, in a worktree too).
   *
   * @param spec the spec in the working copy
   * @param ref the revision, e.g. {@code HEAD}, {@code main}, {@code HEAD~3}
   * @return the spec's text at that revision
   * @throws BaseUnavailableException if git is missing, the revision unknown, or the file absent at
   *     that revision; the message says which
   */
  static String gitShow(Path spec, String ref) throws BaseUnavailableException {
    Path dir = spec.getParent();
    String object = ref + ":./" + spec.getFileName();
    Process process;
    try {
      process = new ProcessBuilder("git", "show", object).directory(dir.toFile()).start();
    } catch (IOException e) {
      throw new BaseUnavailableException(
          "cannot run git to read "
              + displayName(spec)
              + " at "
              + ref
              + " ("
              + e.getMessage()
              + "). Install git, or compare with a file: --base-file FILE.");
    }
    try {
      process.getOutputStream().close();
      CompletableFuture<byte[]> stderr = readAllAsync(process.getErrorStream());
      byte[] stdout = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new BaseUnavailableException("git show " + object + " did not finish in 60 s");
      }
      String error = new String(stderr.get(), StandardCharsets.UTF_8).strip();
      if (process.exitValue() != 0) {
        throw new BaseUnavailableException(
            displayName(spec)
                + " does not exist at "
                + ref
                + ", or "
                + ref
                + " is not a revision of this repository; git says: "
                + (error.isEmpty()
                    ? "exit " + process.exitValue()
                    : error.lines().findFirst().orElse("").replaceAll("\\.$", ""))
                + ". Give another revision with -Dspec.base=REF (or --base REF).");
      }
      return new String(stdout, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BaseUnavailableException("interrupted while running git show " + object);
    } catch (ExecutionException e) {
      throw new BaseUnavailableException("cannot read git's output: " + e.getCause());
    }
  }

  private static CompletableFuture<byte[]> readAllAsync(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return in.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** Returns the spec's path relative to its git repository's root, or as given outside one. */
  private static String displayName(Path spec) {
    for (Path dir = spec.getParent(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve(".git"))) {
        return dir.relativize(spec).toString().replace('\\', '/');
      }
    }
    return spec.toString();
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static String renderLocations(List<String> locations) {
    // "POST /x response 400", "POST /x response 401" -> "POST /x responses 400, 401"
    Map<String, List<String>> responsesByOperation = new LinkedHashMap<>();
    List<String> others = new ArrayList<>();
    for (String location : locations) {
      int at = location.lastIndexOf(" response ");
      if (at < 0) {
        others.add(location);
      } else {
        responsesByOperation
            .computeIfAbsent(location.substring(0, at), k -> new ArrayList<>())
            .add(location.substring(at + " response ".length()));
      }
    }
    List<String> parts = new ArrayList<>(others);
    responsesByOperation.forEach(
        (operation, codes) ->
            parts.add(
                operation
                    + (codes.size() == 1 ? " response " : " responses ")
                    + String.join(", ", codes)));
    return String.join("; ", parts);
  }

  /** The command line. */
  static final class Options {
    Path spec = Path.of(System.getProperty("spec.file", "openapi/images.yaml"));
    String base = System.getProperty("spec.base", "HEAD");
    Path baseFile;
    boolean acceptBreaking = Boolean.parseBoolean(System.getProperty(ACCEPT_BREAKING_PROPERTY));
    boolean details = Boolean.parseBoolean(System.getProperty("spec.details"));
    boolean noExit;
    boolean help;

    static Options parse(String... args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        int eq = arg.indexOf('=');
        String name = eq < 0 ? arg : arg.substring(0, eq);
        String inline = eq < 0 ? null : arg.substring(eq + 1);
        switch (name) {
          case "--spec", "--base", "--base-file" -> {
            String value;
            if (inline != null) {
              value = inline;
            } else if (i + 1 < args.length) {
              value = args[++i];
            } else {
              throw new IllegalArgumentException(name + " needs a value");
            }
            switch (name) {
              case "--spec" -> o.spec = Path.of(value);
              case "--base" -> o.base = value;
              default -> o.baseFile = Path.of(value);
            }
          }
          case ACCEPT_BREAKING_OPTION -> o.acceptBreaking = flag(name, inline);
          case "--details" -> o.details = flag(name, inline);
          case "--no-exit" -> o.noExit = flag(name, inline);
          case "--help", "-h" -> o.help = true;
          default -> throw new IllegalArgumentException("unknown argument: " + arg);
        }
      }
      if (o.base.isBlank()) {
        throw new IllegalArgumentException("--base is blank: give a git revision such as HEAD");
      }
      return o;
    }

    private static boolean flag(String name, String inline) {
      if (inline == null || inline.equalsIgnoreCase("true")) {
        return true;
      }
      if (inline.equalsIgnoreCase("false")) {
        return false;
      }
      throw new IllegalArgumentException(name + " takes true or false, not " + inline);
    }
  }

  /** Walks openapi-diff's result and collects the changes, merged by subject and description. */
  private static final class Walker {
    final Map<String, Change> changes = new LinkedHashMap<>();

    void add(
        Severity severity,
        String subject,
        String description,
        String why,
        boolean openApiDiffAgrees,
        String location) {
      String key = severity + "\u0000" + subject + "\u0000" + description;
      Change existing = changes.get(key);
      List<String> locations = new ArrayList<>(existing == null ? List.of() : existing.locations());
      if (!location.isEmpty() && !locations.contains(location)) {
        locations.add(location);
      }
      changes.put(
          key,
          new Change(
              severity,
              subject,
              description,
              severity == Severity.BREAKING ? why : "",
              openApiDiffAgrees,
              locations));
    }

    /** Adds a change classified by openapi-diff's verdict on {@code changed}. */
    void addByTool(
        Changed changed, String subject, String description, String why, String location) {
      boolean breaking = changed.isChanged().isIncompatible();
      add(
          breaking ? Severity.BREAKING : Severity.COMPATIBLE,
          subject,
          description,
          why.isEmpty() ? "openapi-diff classifies it as incompatible" : why,
          true,
          location);
    }

    void walk(ChangedOpenApi diff) {
      for (Endpoint e : diff.getNewEndpoints()) {
        add(Severity.COMPATIBLE, endpoint(e), "new endpoint", "", true, "");
      }
      for (Endpoint e : diff.getMissingEndpoints()) {
        add(
            Severity.BREAKING,
            endpoint(e),
            "removed endpoint",
            "calls to it fail, and the generated API loses its method",
            true,
            "");
      }
      for (Endpoint e : diff.getDeprecatedEndpoints()) {
        add(Severity.COMPATIBLE, endpoint(e), "endpoint deprecated", "", true, "");
      }
      for (ChangedOperation op : diff.getChangedOperations()) {
        walk(op);
      }
    }

    private static String endpoint(Endpoint e) {
      return e.getMethod() + " " + e.getPathUrl();
    }

    private void walk(ChangedOperation op) {
      String where = op.getHttpMethod() + " " + op.getPathUrl();
      if (op.getOperationId() != null && op.getOperationId().isDifferent()) {
        add(
            Severity.BREAKING,
            where,
            "operationId changed from "
                + op.getOperationId().getLeft()
                + " to "
                + op.getOperationId().getRight(),
            "the generated Retrofit method is renamed, so code calling it no longer compiles",
            op.getOperationId().isIncompatible(),
            "");
      }
      if (op.isDeprecated()) {
        add(Severity.COMPATIBLE, where, "operation deprecated", "", true, "");
      }
      if (metadataChanged(op.getSummary()) || metadataChanged(op.getDescription())) {
        add(Severity.COMPATIBLE, where, "summary or description changed", "", true, "");
      }
      if (op.getSecurityRequirements() != null && op.getSecurityRequirements().isDifferent()) {
        addByTool(op.getSecurityRequirements(), where, "security requirements changed", "", "");
      }
      walk(op.getParameters(), where);
      walk(op.getRequestBody(), where + " request");
      walk(op.getApiResponses(), where);
    }

    private static boolean metadataChanged(Changed metadata) {
      return metadata != null && metadata.isDifferent();
    }

    private void walk(ChangedParameters parameters, String where) {
      if (parameters == null) {
        return;
      }
      for (var p : parameters.getIncreased()) {
        boolean required = Boolean.TRUE.equals(p.getRequired());
        add(
            required ? Severity.BREAKING : Severity.COMPATIBLE,
            p.getIn() + " parameter " + p.getName(),
            required ? "new required parameter" : "new optional parameter",
            "existing calls do not send it",
            true,
            where);
      }
      for (var p : parameters.getMissing()) {
        add(
            Severity.BREAKING,
            p.getIn() + " parameter " + p.getName(),
            "removed parameter",
            "the generated method loses the argument, so code passing it no longer compiles",
            true,
            where);
      }
      for (ChangedParameter p : parameters.getChanged()) {
        String subject = p.getIn() + " parameter " + p.getName();
        if (p.isChangeRequired()) {
          addByTool(
              p,
              subject,
              Boolean.TRUE.equals(p.getNewParameter().getRequired())
                  ? "now required"
                  : "now optional",
              "existing calls may not send it",
              where);
        }
        if (p.getSchema() != null) {
          walk(p.getSchema(), subject, true, where);
        }
      }
    }

    private void walk(ChangedRequestBody body, String where) {
      if (body == null) {
        return;
      }
      if (body.isChangeRequired()) {
        add(
            body.isCoreChanged().isIncompatible() ? Severity.BREAKING : Severity.COMPATIBLE,
            "request body",
            Boolean.TRUE.equals(body.getNewRequestBody().getRequired())
                ? "now required"
                : "now optional",
            "existing calls without a body fail",
            true,
            where);
      }
      walk(body.getContent(), true, where);
    }

    private void walk(ChangedApiResponse responses, String where) {
      if (responses == null) {
        return;
      }
      responses
          .getIncreased()
          .keySet()
          .forEach(
              code ->
                  add(Severity.COMPATIBLE, "response " + code, "new response", "", true, where));
      responses
          .getMissing()
          .keySet()
          .forEach(
              code ->
                  add(
                      responses.isCoreChanged().isIncompatible()
                          ? Severity.BREAKING
                          : Severity.COMPATIBLE,
                      "response " + code,
                      "removed response",
                      "clients expecting it no longer get it",
                      true,
                      where));
      for (Map.Entry<String, ChangedResponse> e : responses.getChanged().entrySet()) {
        ChangedResponse response = e.getValue();
        String location = where + " response " + e.getKey();
        if (metadataChanged(response.getDescription())) {
          add(
              Severity.COMPATIBLE,
              "response " + e.getKey(),
              "description changed",
              "",
              true,
              where);
        }
        if (response.getHeaders() != null && response.getHeaders().isDifferent()) {
          addByTool(response.getHeaders(), "response " + e.getKey(), "headers changed", "", where);
        }
        walk(response.getContent(), false, location);
      }
    }

    private void walk(ChangedContent content, boolean request, String location) {
      if (content == null) {
        return;
      }
      content
          .getIncreased()
          .keySet()
          .forEach(
              type ->
                  add(
                      Severity.COMPATIBLE,
                      "media type " + type,
                      "new media type",
                      "",
                      true,
                      location));
      content
          .getMissing()
          .keySet()
          .forEach(
              type ->
                  add(
                      content.isCoreChanged().isIncompatible()
                          ? Severity.BREAKING
                          : Severity.COMPATIBLE,
                      "media type " + type,
                      "removed media type",
                      request
                          ? "calls sending it are rejected"
                          : "clients reading it no longer get it",
                      true,
                      location));
      for (ChangedMediaType media : content.getChanged().values()) {
        if (media.getSchema() != null) {
          String root = refName(media.getNewSchema());
          if (root == null) {
            root = refName(media.getOldSchema());
          }
          walk(
              media.getSchema(),
              root == null ? (request ? "request body" : "response body") : root,
              request,
              location);
        }
      }
    }

    /**
     * Walks one schema's changes; {@code subject} is its dotted path, e.g. ImageResponse.data[].
     */
    private void walk(ChangedSchema s, String subject, boolean request, String location) {
      Schema<?> oldSchema = s.getOldSchema();
      Schema<?> newSchema = s.getNewSchema();
      if (s.isChangedType()) {
        add(
            s.isCoreChanged().isIncompatible() ? Severity.BREAKING : Severity.COMPATIBLE,
            subject,
            "type changed from " + typeOf(oldSchema) + " to " + typeOf(newSchema),
            "the generated Java type changes, and values of the old type no longer validate",
            true,
            location);
        return; // openapi-diff compares nothing else of a schema whose type changed
      }
      List<String> oldRequired = required(oldSchema);
      List<String> newRequired = required(newSchema);
      for (Map.Entry<String, Schema<?>> p : s.getIncreasedProperties().entrySet()) {
        String name = p.getKey();
        boolean required = newRequired.contains(name);
        String what =
            "new "
                + (required ? "required " : request ? "optional " : "")
                + (request ? "request" : "response")
                + " property ("
                + typeOf(p.getValue())
                + ")";
        if (request && required) {
          addByTool(
              s.getRequired(),
              subject + "." + name,
              what,
              "existing requests do not send it, so the server may reject them",
              location);
        } else {
          add(Severity.COMPATIBLE, subject + "." + name, what, "", true, location);
        }
      }
      for (Map.Entry<String, Schema<?>> p : s.getMissingProperties().entrySet()) {
        String name = p.getKey();
        boolean wasRequired = oldRequired.contains(name);
        String what =
            "removed "
                + (wasRequired ? "required " : "optional ")
                + (request ? "request" : "response")
                + " property ("
                + typeOf(p.getValue())
                + ")";
        String why =
            request
                ? "the generated builder loses its setter, so code sending it (the facade's toWire"
                    + " included) no longer compiles; putExtra can still send it"
                : wasRequired
                    ? "every response had it and code reads it; the generated record loses the"
                        + " component, so that code no longer compiles"
                    : "the generated record loses the component, so code reading it no longer"
                        + " compiles";
        add(
            Severity.BREAKING,
            subject + "." + name,
            what,
            why,
            s.isCoreChanged().isIncompatible() && !request && wasRequired,
            location);
      }
      if (s.getRequired() != null && s.getRequired().isDifferent()) {
        for (String name : s.getRequired().getIncreased()) {
          if (!s.getIncreasedProperties().containsKey(name)) {
            if (request) {
              addByTool(
                  s.getRequired(),
                  subject + "." + name,
                  "request property now required",
                  "existing requests that leave it out may be rejected",
                  location);
            } else {
              add(
                  Severity.COMPATIBLE,
                  subject + "." + name,
                  "response property now required",
                  "",
                  true,
                  location);
            }
          }
        }
        for (String name : s.getRequired().getMissing()) {
          if (!s.getMissingProperties().containsKey(name)) {
            if (request) {
              add(
                  Severity.COMPATIBLE,
                  subject + "." + name,
                  "request property now optional",
                  "",
                  true,
                  location);
            } else {
              addByTool(
                  s.getRequired(),
                  subject + "." + name,
                  "response property no longer required",
                  "responses may leave it out, and code reading it meets null",
                  location);
            }
          }
        }
      }
      if (s.getEnumeration() != null && s.getEnumeration().isDifferent()) {
        addByTool(
            s.getEnumeration(),
            subject,
            "enum " + listDiff(s.getEnumeration()),
            request
                ? "requests using a removed value are rejected"
                : "clients meet values they do not know (the generated enums read them as"
                    + " UNKNOWN_DEFAULT_OPEN_API)",
            location);
      }
      if (s.getNullable() != null && s.getNullable().isDifferent()) {
        addByTool(
            s.getNullable(),
            subject,
            Boolean.TRUE.equals(s.getNullable().getRight()) ? "now nullable" : "no longer nullable",
            "",
            location);
      }
      if (s.isChangeDefault()) {
        add(
            Severity.COMPATIBLE,
            subject,
            "default changed from " + defaultOf(oldSchema) + " to " + defaultOf(newSchema),
            "",
            true,
            location);
      }
      if (s.isChangeDeprecated()) {
        add(
            Severity.COMPATIBLE,
            subject,
            Boolean.TRUE.equals(newSchema.getDeprecated()) ? "deprecated" : "no longer deprecated",
            "",
            true,
            location);
      }
      if (metadataChanged(s.getDescription())) {
        add(Severity.COMPATIBLE, subject, "description changed", "", true, location);
      }
      if (s.getNumericRange() != null && s.getNumericRange().isDifferent()) {
        ChangedNumericRange r = s.getNumericRange();
        addByTool(
            r,
            subject,
            "range changed from "
                + range(r.getOldMinimumValue(), r.getOldMaximumValue())
                + " to "
                + range(r.getNewMinimumValue(), r.getNewMaximumValue()),
            request
                ? "values allowed before are now rejected"
                : "responses may hold values outside the old range",
            location);
      }
      constraint(s.getMaxLength(), subject, "maxLength", location);
      constraint(s.getMinLength(), subject, "minLength", location);
      constraint(s.getMultipleOf(), subject, "multipleOf", location);
      constraint(s.getMaxItems(), subject, "maxItems", location);
      constraint(s.getMinItems(), subject, "minItems", location);
      constraint(s.getMaxProperties(), subject, "maxProperties", location);
      constraint(s.getMinProperties(), subject, "minProperties", location);
      constraint(s.getUniqueItems(), subject, "uniqueItems", location);
      constraint(s.getPattern(), subject, "pattern", location);
      constraint(s.getReadOnly(), subject, "readOnly", location);
      constraint(s.getWriteOnly(), subject, "writeOnly", location);
      constraint(s.getOneOfSchema(), subject, "oneOf", location);
      if (s.isDiscriminatorPropertyChanged()) {
        add(
            s.isCoreChanged().isIncompatible() ? Severity.BREAKING : Severity.COMPATIBLE,
            subject,
            "discriminator changed",
            "openapi-diff classifies it as incompatible",
            true,
            location);
      }
      for (Map.Entry<String, ChangedSchema> p : s.getChangedProperties().entrySet()) {
        walk(p.getValue(), subject + "." + p.getKey(), request, location);
      }
      if (s.getItems() != null) {
        walk(s.getItems(), subject + "[]", request, location);
      }
      if (s.getAddProp() != null) {
        walk(s.getAddProp(), subject + ".additionalProperties", request, location);
      }
    }

    private void constraint(Changed changed, String subject, String name, String location) {
      if (changed != null && changed.isDifferent()) {
        addByTool(changed, subject, name + " changed", "", location);
      }
    }

    private static String listDiff(ChangedList<?> list) {
      List<String> parts = new ArrayList<>();
      if (!list.getIncreased().isEmpty()) {
        parts.add("gained " + list.getIncreased());
      }
      if (!list.getMissing().isEmpty()) {
        parts.add("lost " + list.getMissing());
      }
      return String.join(", ", parts);
    }

    private static List<String> required(Schema<?> schema) {
      return schema == null || schema.getRequired() == null ? List.of() : schema.getRequired();
    }

    private static String refName(Schema<?> schema) {
      if (schema == null || schema.get$ref() == null) {
        return null;
      }
      String ref = schema.get$ref();
      return ref.substring(ref.lastIndexOf('/') + 1);
    }

    private static String typeOf(Schema<?> schema) {
      if (schema == null) {
        return "nothing";
      }
      String ref = refName(schema);
      if (ref != null) {
        return ref;
      }
      String type = schema.getType();
      if (type == null && schema.getTypes() != null && !schema.getTypes().isEmpty()) {
        type = String.join("|", schema.getTypes());
      }
      if (type == null) {
        type = "any";
      }
      StringBuilder s = new StringBuilder(type);
      if (schema.getFormat() != null) {
        s.append(' ').append(schema.getFormat());
      }
      if ("array".equals(type) && schema.getItems() != null) {
        s.append(" of ").append(typeOf(schema.getItems()));
      }
      if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
        s.append(", enum ").append(schema.getEnum());
      }
      return s.toString();
    }

    private static String defaultOf(Schema<?> schema) {
      return schema == null || schema.getDefault() == null
          ? "none"
          : String.valueOf(schema.getDefault());
    }

    private static String range(Object min, Object max) {
      return "[" + (min == null ? "" : min) + ", " + (max == null ? "" : max) + "]";
    }
  }
}
