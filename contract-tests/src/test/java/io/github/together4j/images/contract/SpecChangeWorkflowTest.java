package io.github.together4j.images.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelResolverFactory;
import com.atlassian.oai.validator.report.ValidationReport;
import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.contract.SpecChangeReport.Change;
import io.github.together4j.images.contract.SpecChangeReport.Report;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openapitools.codegen.CliOption;
import org.openapitools.codegen.ClientOptInput;
import org.openapitools.codegen.CodegenConfig;
import org.openapitools.codegen.CodegenConstants;
import org.openapitools.codegen.DefaultGenerator;
import org.openapitools.codegen.config.CodegenConfigurator;
import org.openapitools.codegen.config.GlobalSettings;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Proves the "when the spec changes" workflow (README) on two edits of a copy of
 * openapi/images.yaml: a compatible one (a new optional request property, {@code style}) and a
 * breaking one (the response's {@code model} renamed {@code model_name}).
 *
 * <p>For each, {@link SpecChangeReport} must classify it right; the edited spec must generate, with
 * the build's own generator configuration (read from generated-client/pom.xml) and templates, code
 * that compiles and has the new record component; and the compatible one must reach the wire
 * through today's facade, unchanged, by {@code putExtra}, in a body the edited spec accepts.
 */
class SpecChangeWorkflowTest {
  private static final Path SPEC =
      Path.of(System.getProperty("together4j.spec", "../openapi/images.yaml"))
          .toAbsolutePath()
          .normalize();
  private static final Path REPO = SPEC.getParent().getParent();
  private static final Path GENERATED_CLIENT = REPO.resolve("generated-client");
  private static final String MODEL_PACKAGE = "io.github.together4j.images.generated.model";

  @TempDir static Path dir;

  private static String baseYaml;
  private static Path compatibleSpec;
  private static Path breakingSpec;
  private static Path bothSpec;

  @StartStop final MockWebServer server = new MockWebServer();

  @BeforeAll
  static void writeEditedSpecs() throws IOException {
    baseYaml = Files.readString(SPEC);
    compatibleSpec = write("compatible.yaml", addStyle(load(baseYaml)));
    breakingSpec = write("breaking.yaml", renameModel(load(baseYaml)));
    bothSpec = write("both.yaml", renameModel(addStyle(load(baseYaml))));
  }

  // ---- The report ----------------------------------------------------------------------------

  @Test
  void unchangedSpecIsReportedAsNoChanges() {
    Report report = SpecChangeReport.compare(baseYaml, baseYaml);

    assertThat(report.isUnchanged()).isTrue();
    assertThat(report.exitStatus(false)).isZero();
    assertThat(report.render()).contains("Verdict: no changes");
  }

  @Test
  void newOptionalRequestPropertyIsReportedCompatibleByName() throws IOException {
    Report report = SpecChangeReport.compare(baseYaml, Files.readString(compatibleSpec));

    assertThat(report.isBreaking()).isFalse();
    assertThat(report.changes())
        .singleElement()
        .satisfies(
            change -> {
              assertThat(change.severity()).isEqualTo(SpecChangeReport.Severity.COMPATIBLE);
              assertThat(change.subject()).isEqualTo("ImageRequest.style");
              assertThat(change.description())
                  .isEqualTo("new optional request property (string, enum [photo, sketch])");
              assertThat(change.locations()).containsExactly("POST /images/generations request");
            });
    assertThat(report.exitStatus(false)).isZero();
    assertThat(report.render())
        .contains("  COMPATIBLE  ImageRequest.style: new optional request property")
        .contains("Verdict: COMPATIBLE: 1 change, none breaking (openapi-diff: compatible).");
  }

  @Test
  void renamedResponsePropertyIsReportedBreakingNamingTheRemovedOne() throws IOException {
    Report report = SpecChangeReport.compare(baseYaml, Files.readString(breakingSpec));

    assertThat(report.isBreaking()).isTrue();
    assertThat(report.openApiDiffResult().isIncompatible()).isTrue();
    assertThat(report.breaking())
        .singleElement()
        .satisfies(
            change -> {
              assertThat(change.subject()).isEqualTo("ImageResponse.model");
              assertThat(change.description())
                  .isEqualTo("removed required response property (string)");
              assertThat(change.locations())
                  .containsExactly("POST /images/generations response 200");
              assertThat(change.openApiDiffAgrees()).isTrue();
              assertThat(change.why()).contains("no longer compiles");
            });
    // openapi-diff knows no renames: the new name is an added (compatible) property.
    assertThat(report.compatible())
        .extracting(Change::subject)
        .containsExactly("ImageResponse.model_name");
    assertThat(report.render())
        .contains("  BREAKING    ImageResponse.model: removed required response property")
        .contains("Verdict: BREAKING: 1 of 2 changes is breaking")
        .contains("-Dspec.acceptBreaking=true (or --accept-breaking)");
  }

  @Test
  void breakingChangeFailsTheCheckUnlessAcknowledged() throws IOException {
    Report report = SpecChangeReport.compare(baseYaml, Files.readString(breakingSpec));

    assertThat(report.exitStatus(false)).isEqualTo(SpecChangeReport.EXIT_BREAKING);
    assertThat(report.exitStatus(true)).isEqualTo(SpecChangeReport.EXIT_OK);
    assertThat(report.render(true))
        .contains("Verdict: BREAKING, acknowledged: 1 of 2 changes")
        .doesNotContain("acknowledge it:");
  }

  @Test
  void compatibleAndBreakingChangesTogetherAreBreaking() throws IOException {
    Report report = SpecChangeReport.compare(baseYaml, Files.readString(bothSpec));

    assertThat(report.isBreaking()).isTrue();
    assertThat(report.breaking())
        .extracting(Change::subject)
        .containsExactly("ImageResponse.model");
    assertThat(report.compatible())
        .extracting(Change::subject)
        .containsExactlyInAnyOrder("ImageRequest.style", "ImageResponse.model_name");
  }

  @Test
  void changedTypeNewRequiredRequestPropertyAndRemovedOptionalPropertyAreBreaking() {
    Map<String, Object> spec = load(baseYaml);
    property(spec, "ImageChoicesData", "index").put("type", "string");
    schema(spec, "ImageRequest").put("required", List.of("prompt", "model", "quality"));
    properties(spec, "ImageRequest").put("quality", new LinkedHashMap<>(Map.of("type", "string")));
    properties(spec, "ImageChoicesData").remove("type");

    Report report = SpecChangeReport.compare(baseYaml, dump(spec));

    assertThat(report.breaking())
        .extracting(Change::subject, Change::description)
        .containsExactlyInAnyOrder(
            tuple("ImageRequest.quality", "new required request property (string)"),
            tuple("ImageResponse.data[].index", "type changed from integer to string"),
            tuple(
                "ImageResponse.data[].type",
                "removed optional response property (string, enum [b64_json, url])"));
    // openapi-diff calls removing an optional response property compatible; the record loses a
    // component all the same, so the report's own rule makes it breaking, and says so.
    assertThat(report.breaking())
        .filteredOn(c -> c.subject().equals("ImageResponse.data[].type"))
        .singleElement()
        .satisfies(c -> assertThat(c.openApiDiffAgrees()).isFalse());
    assertThat(report.render()).contains("[together4j rule; openapi-diff calls it compatible]");
  }

  @Test
  void commandLineExitsOneOnBreakingZeroWhenAcknowledgedAndTwoWhenABaseIsUnreadable() {
    String spec = breakingSpec.toString();
    String base = SPEC.toString();

    assertThat(run("--spec", spec, "--base-file", base))
        .startsWith("1\n")
        .contains("Spec change report: " + base + " -> ")
        .contains("BREAKING    ImageResponse.model");
    assertThat(run("--spec", spec, "--base-file", base, "--accept-breaking"))
        .startsWith("0\n")
        .contains("acknowledged");
    assertThat(run("--spec", compatibleSpec.toString(), "--base-file", base)).startsWith("0\n");
    assertThat(run("--spec", spec, "--base-file", dir.resolve("missing.yaml").toString()))
        .startsWith("2\n")
        .contains("cannot read the base spec");
  }

  // ---- Generation from the edited spec ---------------------------------------------------------

  @Test
  void compatibleChangeGeneratesACompilingRequestRecordWithTheNewComponent() throws Exception {
    try (URLClassLoader generated = generateAndCompile(compatibleSpec, dir.resolve("gen-a"))) {
      Class<?> request = Class.forName(MODEL_PACKAGE + ".ImageRequest", false, generated);

      assertThat(request.isRecord()).isTrue();
      RecordComponent style = component(request, "style");
      assertThat(style.getType().getSimpleName()).isEqualTo("StyleEnum");
      assertThat(Arrays.toString(style.getAnnotations())).contains("\"style\"");
      assertThat(style.getType().getEnumConstants())
          .extracting(Object::toString)
          .contains("photo", "sketch");
    }
  }

  @Test
  void breakingChangeGeneratesACompilingResponseRecordWithTheRenamedComponent() throws Exception {
    try (URLClassLoader generated = generateAndCompile(breakingSpec, dir.resolve("gen-b"))) {
      Class<?> response = Class.forName(MODEL_PACKAGE + ".ImageResponse", false, generated);

      assertThat(response.getRecordComponents())
          .extracting(RecordComponent::getName)
          .contains("modelName")
          .doesNotContain("model");
      assertThat(Arrays.toString(component(response, "modelName").getAnnotations()))
          .contains("\"model_name\"");
    }
  }

  @Test
  void unchangedSpecGeneratesExactlyWhatTheBuildGenerated() throws Exception {
    Path built = GENERATED_CLIENT.resolve("target/generated-sources/openapi/src/main/java");
    assumeTrue(
        Files.isDirectory(built)
            && newestChange(built) >= newestChange(SPEC)
            && newestChange(built) >= newestChange(GENERATED_CLIENT.resolve("src/main/templates")),
        "generated-client has not been generated since the spec or its templates changed");
    Path out = dir.resolve("gen-unchanged");

    generate(SPEC, out);

    Path mine = out.resolve("src/main/java");
    assertThat(relativeFiles(mine)).isEqualTo(relativeFiles(built));
    for (Path file : relativeFiles(built)) {
      assertThat(mine.resolve(file))
          .as("generated %s", file)
          .hasSameTextualContentAs(built.resolve(file));
    }
  }

  // ---- The compatible change on the wire, through today's facade --------------------------------

  @Test
  void newOptionalPropertyReachesTheWireThroughPutExtraWithoutHandWrittenCode() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(
                "{\"id\":\"gen-1\",\"model\":\"m\",\"object\":\"list\",\"data\":[{\"index\":0,"
                    + "\"url\":\"http://127.0.0.1:9/0.png\",\"type\":\"url\"}]}")
            .build());
    try (TogetherImages client =
        TogetherImages.builder()
            .apiKey("sk-spec-change")
            .baseUrl(server.url("/v1/").toString())
            .maxRetries(0)
            .build()) {
      client.generate(ImageGenerationRequest.builder("a fox").putExtra("style", "sketch").build());
    }
    String body = server.takeRequest().getBody().utf8();

    assertThat(body).contains("\"style\":\"sketch\"");
    OpenApiInteractionValidator edited = validator(compatibleSpec);
    assertThat(messages(edited.validateRequest(request(body)))).isEmpty();
    // The edited spec now constrains the value; before, it was just an extra property.
    String oil = body.replace("\"style\":\"sketch\"", "\"style\":\"oil\"");
    assertThat(messages(edited.validateRequest(request(oil)))).anyMatch(m -> m.contains("oil"));
    assertThat(messages(validator(SPEC).validateRequest(request(oil)))).isEmpty();
  }

  // ---- Helpers ---------------------------------------------------------------------------------

  private static String run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      status = SpecChangeReport.run(SpecChangeReport.Options.parse(args), out);
    }
    return status + "\n" + bytes.toString(StandardCharsets.UTF_8);
  }

  private static List<Path> relativeFiles(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }

  /** The newest modification time of a file under {@code root}, in milliseconds. */
  private static long newestChange(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.getLastModifiedTime(p).toMillis();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .max()
          .orElse(0);
    }
  }

  private static RecordComponent component(Class<?> record, String name) {
    return Arrays.stream(record.getRecordComponents())
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    record.getSimpleName()
                        + " has no "
                        + name
                        + ": "
                        + Arrays.toString(record.getRecordComponents())));
  }

  private static OpenApiInteractionValidator validator(Path spec) {
    return OpenApiInteractionValidator.createForSpecificationUrl(spec.toUri().toString())
        .withLevelResolver(LevelResolverFactory.withAdditionalPropertiesIgnored())
        .build();
  }

  private static SimpleRequest request(String body) {
    return SimpleRequest.Builder.post("/v1/images/generations")
        .withContentType("application/json")
        .withAuthorization("Bearer sk-spec-change")
        .withBody(body)
        .build();
  }

  private static List<String> messages(ValidationReport report) {
    return report.getMessages().stream().map(ValidationReport.Message::getMessage).toList();
  }

  /**
   * Generates the client from {@code spec} as generated-client/pom.xml's plugin execution does,
   * compiles it with the build's javac flags against the test classpath (without the build's own
   * generated client), and returns a class loader that sees the new classes first.
   */
  private static URLClassLoader generateAndCompile(Path spec, Path out) throws Exception {
    long start = System.nanoTime();
    generate(spec, out);
    long generated = System.nanoTime();
    Path classes = Files.createDirectories(out.resolve("classes"));
    List<Path> classpath =
        testClasspath().stream().filter(p -> !p.toString().contains("generated-client")).toList();
    compile(out.resolve("src/main/java"), classes, classpath);
    System.out.printf(
        "SpecChangeWorkflowTest: %s generated in %d ms, compiled in %d ms%n",
        spec.getFileName(),
        (generated - start) / 1_000_000,
        (System.nanoTime() - generated) / 1_000_000);
    List<URL> urls = new ArrayList<>();
    urls.add(classes.toUri().toURL());
    for (Path p : classpath) {
      urls.add(url(p));
    }
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }

  private static URL url(Path path) {
    try {
      return path.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(path.toString(), e);
    }
  }

  /** Surefire may hide the classpath in a manifest-only jar; it also publishes it here. */
  private static List<Path> testClasspath() {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Arrays.stream(cp.split(File.pathSeparator))
        .filter(s -> !s.isBlank())
        .map(Path::of)
        .filter(Files::exists)
        .toList();
  }

  private static void compile(Path sources, Path classes, List<Path> classpath) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(sources)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(files).as("generated sources under %s", sources).isNotEmpty();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager fileManager =
        javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      List<String> options =
          List.of(
              "--release",
              "17",
              "-Xlint:all",
              "-Werror",
              "-proc:none",
              "-d",
              classes.toString(),
              "-classpath",
              classpath.stream()
                  .map(Path::toString)
                  .collect(Collectors.joining(File.pathSeparator)));
      boolean ok =
          javac
              .getTask(
                  null,
                  fileManager,
                  diagnostics,
                  options,
                  null,
                  fileManager.getJavaFileObjectsFromPaths(files))
              .call();
      if (!ok) {
        fail(
            "the generated client does not compile:\n"
                + diagnostics.getDiagnostics().stream()
                    .map(
                        d ->
                            d.getKind()
                                + " "
                                + (d.getSource() == null
                                    ? ""
                                    : d.getSource().getName() + ":" + d.getLineNumber() + " ")
                                + d.getMessage(null))
                    .collect(Collectors.joining("\n")));
      }
      assertThat(diagnostics.getDiagnostics()).noneMatch(d -> d.getKind() == Diagnostic.Kind.ERROR);
    }
  }

  /** Runs the generator library as the Maven plugin's execution in generated-client/pom.xml. */
  @SuppressWarnings("deprecation") // ClientOptInput.getConfig(): what CodeGenMojo calls, too
  private static void generate(Path spec, Path out) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    Map<String, String> configOptions = new LinkedHashMap<>();
    readPluginConfiguration(options, configOptions);

    CodegenConfigurator configurator = new CodegenConfigurator();
    configurator.setInputSpec(spec.toString());
    configurator.setOutputDir(out.toString());
    boolean supportingFiles = true;
    String supportingFilesToGenerate = "";
    Map<String, String> flags =
        new LinkedHashMap<>(
            Map.of(
                CodegenConstants.API_TESTS,
                "true",
                CodegenConstants.MODEL_TESTS,
                "true",
                CodegenConstants.API_DOCS,
                "true",
                CodegenConstants.MODEL_DOCS,
                "true"));
    for (Map.Entry<String, String> option : options.entrySet()) {
      String value = option.getValue();
      switch (option.getKey()) {
        case "inputSpec", "cleanupOutput" -> {} // replaced by the edited spec; a fresh directory
        case "generatorName" -> configurator.setGeneratorName(value);
        case "library" -> configurator.setLibrary(value);
        case "templateDirectory" -> configurator.setTemplateDir(resolve(value).toString());
        case "apiPackage" -> configurator.setApiPackage(value);
        case "modelPackage" -> configurator.setModelPackage(value);
        case "invokerPackage" -> configurator.setInvokerPackage(value);
        case "generateSupportingFiles" -> supportingFiles = Boolean.parseBoolean(value);
        case "supportingFilesToGenerate" -> supportingFilesToGenerate = value;
        case "generateApiTests" -> flags.put(CodegenConstants.API_TESTS, value);
        case "generateModelTests" -> flags.put(CodegenConstants.MODEL_TESTS, value);
        case "generateApiDocumentation" -> flags.put(CodegenConstants.API_DOCS, value);
        case "generateModelDocumentation" -> flags.put(CodegenConstants.MODEL_DOCS, value);
        case "nameMappings" -> {
          for (String mapping : value.split(",")) {
            String[] kv = mapping.strip().split("=", 2);
            configurator.addNameMapping(kv[0].strip(), kv[1].strip());
          }
        }
        default ->
            fail(
                "generated-client/pom.xml sets <"
                    + option.getKey()
                    + ">, which"
                    + " SpecChangeWorkflowTest does not mirror yet: add it to generate()");
      }
    }
    try {
      // What CodeGenMojo.execute() sets before generating (generateApis/Models default to true).
      GlobalSettings.setProperty(CodegenConstants.APIS, "");
      GlobalSettings.setProperty(CodegenConstants.MODELS, "");
      if (supportingFiles) {
        GlobalSettings.setProperty(CodegenConstants.SUPPORTING_FILES, supportingFilesToGenerate);
      } else {
        GlobalSettings.clearProperty(CodegenConstants.SUPPORTING_FILES);
      }
      flags.forEach(GlobalSettings::setProperty);
      GlobalSettings.setProperty(CodegenConstants.GENERATE_RECURSIVE_DEPENDENT_MODELS, "false");

      ClientOptInput input = configurator.toClientOptInput();
      CodegenConfig config = input.getConfig();
      for (CliOption cliOption : config.cliOptions()) {
        if (configOptions.containsKey(cliOption.getOpt())) {
          config
              .additionalProperties()
              .put(cliOption.getOpt(), configOptions.get(cliOption.getOpt()));
        }
      }
      // The mojo's adjustAdditionalProperties: "true"/"false" strings become booleans.
      config
          .additionalProperties()
          .replaceAll(
              (key, value) -> {
                if (value == null) {
                  return Boolean.FALSE;
                }
                if (value instanceof String text
                    && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
                  return Boolean.valueOf(text);
                }
                return value;
              });
      new DefaultGenerator().opts(input).generate();
    } finally {
      GlobalSettings.reset();
    }
  }

  /** Reads the images execution's configuration of openapi-generator-maven-plugin. */
  private static void readPluginConfiguration(
      Map<String, String> options, Map<String, String> configOptions) throws Exception {
    Element pom =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(GENERATED_CLIENT.resolve("pom.xml").toFile())
            .getDocumentElement();
    Element configuration = null;
    for (Element plugin : descendants(pom, "plugin")) {
      if ("openapi-generator-maven-plugin".equals(childText(plugin, "artifactId"))) {
        configuration = descendants(plugin, "configuration").get(0);
      }
    }
    assertThat(configuration).as("openapi-generator-maven-plugin's configuration").isNotNull();
    for (Element option : children(configuration)) {
      if (option.getTagName().equals("configOptions")) {
        for (Element configOption : children(option)) {
          configOptions.put(configOption.getTagName(), configOption.getTextContent().strip());
        }
      } else {
        options.put(option.getTagName(), option.getTextContent().strip().replaceAll("\\s+", " "));
      }
    }
  }

  private static Path resolve(String pomPath) {
    return Path.of(pomPath.replace("${project.basedir}", GENERATED_CLIENT.toString())).normalize();
  }

  private static List<Element> descendants(Element root, String tag) {
    List<Element> found = new ArrayList<>();
    var nodes = root.getElementsByTagName(tag);
    for (int i = 0; i < nodes.getLength(); i++) {
      found.add((Element) nodes.item(i));
    }
    return found;
  }

  private static List<Element> children(Element parent) {
    List<Element> found = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        found.add(e);
      }
    }
    return found;
  }

  private static String childText(Element parent, String tag) {
    return children(parent).stream()
        .filter(e -> e.getTagName().equals(tag))
        .findFirst()
        .map(e -> e.getTextContent().strip())
        .orElse(null);
  }

  // ---- Editing the spec ------------------------------------------------------------------------

  /** Change (a): a new optional request property, an enum the facade has no setter for. */
  private static Map<String, Object> addStyle(Map<String, Object> spec) {
    Map<String, Object> style = new LinkedHashMap<>();
    style.put("type", "string");
    style.put("description", "The look of the image.");
    style.put("enum", List.of("photo", "sketch"));
    properties(spec, "ImageRequest").put("style", style);
    return spec;
  }

  /** Change (b): the response's model renamed model_name, in properties and in required. */
  private static Map<String, Object> renameModel(Map<String, Object> spec) {
    Map<String, Object> response = schema(spec, "ImageResponse");
    Map<String, Object> renamed = new LinkedHashMap<>();
    properties(spec, "ImageResponse")
        .forEach((name, value) -> renamed.put(name.equals("model") ? "model_name" : name, value));
    response.put("properties", renamed);
    List<Object> required = new ArrayList<>(list(response.get("required")));
    required.replaceAll(name -> name.equals("model") ? "model_name" : name);
    response.put("required", required);
    return spec;
  }

  private static Map<String, Object> load(String yaml) {
    return map(new Yaml().load(yaml));
  }

  private static String dump(Map<String, Object> spec) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setWidth(120);
    return new Yaml(options).dump(spec);
  }

  private static Path write(String name, Map<String, Object> spec) throws IOException {
    return Files.writeString(dir.resolve(name), dump(spec));
  }

  private static Map<String, Object> schema(Map<String, Object> spec, String name) {
    return map(map(map(spec.get("components")).get("schemas")).get(name));
  }

  private static Map<String, Object> properties(Map<String, Object> spec, String schema) {
    return map(schema(spec, schema).get("properties"));
  }

  private static Map<String, Object> property(
      Map<String, Object> spec, String schema, String property) {
    return map(properties(spec, schema).get(property));
  }

  @SuppressWarnings("unchecked") // SnakeYAML reads mappings as Map<String, Object>
  private static Map<String, Object> map(Object yaml) {
    assertThat(yaml).isInstanceOf(Map.class);
    return (Map<String, Object>) yaml;
  }

  private static List<?> list(Object yaml) {
    assertThat(yaml).isInstanceOf(List.class);
    return (List<?>) yaml;
  }
}
