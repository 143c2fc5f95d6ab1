package io.github.together4j.images.testkit;

import static java.util.Objects.requireNonNull;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonWriter;
import com.squareup.moshi.Moshi;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.generated.model.ModelInfo;
import io.github.together4j.images.internal.RuntimeDependencies;
import io.github.together4j.images.testkit.internal.ImageRenderer;
import io.github.together4j.images.testkit.internal.SpecValidator;
import io.github.together4j.images.testkit.internal.SpecValidator.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.net.ServerSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * A fake Together AI image server on a loopback port: it checks the API key, validates requests
 * against {@code openapi/images.yaml} and answers with real PNG or JPEG images, drawn
 * deterministically from the prompt and seed.
 *
 * <pre>{@code
 * try (FakeTogetherServer server = FakeTogetherServer.start();
 *     TogetherImages client = server.newClient()) {
 *   ImageGenerationResult result = client.generate("a lighthouse at dusk");
 *   result.images().get(0).saveTo(Path.of("lighthouse"));     // a real 1024×1024 JPEG
 * }
 * }</pre>
 *
 * <p>It serves {@code POST /v1/images/generations} as the contract describes:
 *
 * <ul>
 *   <li>{@code Authorization: Bearer <key>} must carry {@link #apiKey()}; otherwise 401.
 *   <li>The body is validated against the spec's {@code ImageRequest} schema, read from the yaml at
 *       run time: a violation is a 400 {@code invalid_request_error} whose {@code param} names the
 *       field. Beyond the spec, at most {@value #MAX_N} images of at most {@value #MAX_DIMENSION}
 *       pixels a side are drawn (400 otherwise), to keep a test suite fast.
 *   <li>{@code n} images of {@code width}×{@code height} in {@code output_format} (JPEG by default,
 *       as the spec says), as {@code b64_json} or, for {@code response_format=url} (the live API's
 *       default, and this server's), as a {@code url} on this server, signed and served once asked
 *       for. Image {@code i} is drawn from the prompt and {@code seed + i}; with no seed, seed 0,
 *       so the same request always gives the same bytes (the live API picks a random seed).
 *   <li>The response has {@code id}, {@code model}, {@code object: "list"} and, per image, {@code
 *       index}, {@code type} and {@code timings}, like the live API.
 * </ul>
 *
 * <p>It serves {@code GET /v1/models} too:
 *
 * <ul>
 *   <li>The same {@code Authorization} check; 401 otherwise. Other methods are 405.
 *   <li>The models the server was built with ({@link Builder#models(List)}; by default {@link
 *       #DEFAULT_MODELS}, five image models, a chat model, an embedding model and one of a type the
 *       spec does not list), in the order given, written as the spec's {@code ModelInfoList} and
 *       checked against it before they are sent: an answer that would break the spec is a 500
 *       {@code fake_server_error} instead.
 *   <li>{@code dedicated=true} lists the dedicated models, and this server has none: the answer is
 *       {@code []}. {@code dedicated=false}, or no {@code dedicated}, lists every model. Any other
 *       value (the spec's boolean is {@code true} or {@code false}) is a 400 {@code
 *       invalid_request_error} with {@code param} {@code dedicated}. Other query parameters are
 *       ignored.
 * </ul>
 *
 * <p>{@link #enqueue(Fault)} scripts misbehaviour for the next generation requests, {@link
 * #enqueueModels(Fault)} for the next model list requests; {@link #takeRequest()} returns what
 * clients sent to either, the API key redacted. The server is thread-safe. Run {@link
 * #main(String[])} to use it from curl or another SDK.
 */
public final class FakeTogetherServer implements AutoCloseable {
  /** The API key a server accepts unless built with another. */
  public static final String DEFAULT_API_KEY = "fake-together-key";

  /** The most images one request may ask for. */
  public static final int MAX_N = 4;

  /** The largest width or height drawn. */
  public static final int MAX_DIMENSION = ImageRenderer.MAX_DIMENSION;

  /**
   * The models {@code GET /v1/models} lists unless the server is built with others: real Together
   * ids with names, licenses and prices shaped like the live API's, in no particular order. They
   * are the image models {@code black-forest-labs/FLUX.1-schnell-Free}, {@code FLUX.1-schnell},
   * {@code FLUX.1-dev}, {@code FLUX.1.1-pro} and {@code FLUX.1-kontext-pro}, the chat model {@code
   * meta-llama/Llama-3.3-70B-Instruct-Turbo}, the embedding model {@code BAAI/bge-large-en-v1.5}
   * and {@code openai/whisper-large-v3}, whose type {@code transcribe} the spec does not list. The
   * two pro image models leave out the optional {@code license} and {@code context_length}, and
   * {@code FLUX.1-kontext-pro} its {@code link} too. The list is unmodifiable; build on it with
   * {@code new ArrayList<>(DEFAULT_MODELS)} or {@link ModelInfo#toBuilder()}.
   */
  public static final List<ModelInfo> DEFAULT_MODELS = ModelCatalog.readDefaults();

  /** How many untaken requests {@link #takeRequest()} keeps; older ones are dropped. */
  static final int MAX_RECORDED = 1_000;

  /** How a recorded request shows its {@code Authorization} header. */
  static final String REDACTED = "Bearer <redacted>";

  static final String GENERATIONS = "/v1/images/generations";
  static final String FILES = "/v1/files/";

  /** URL results kept for download; older ones are forgotten, as expired URLs are. */
  static final int MAX_STORED_FILES = 64;

  private static final Moshi MOSHI = new Moshi.Builder().build();
  private static final JsonAdapter<Object> JSON = MOSHI.adapter(Object.class);
  private static final SpecValidator VALIDATOR = SpecValidator.fromClasspath();

  private final MockWebServer server = new MockWebServer();
  private final String apiKey;
  private final Queue<Fault> script = new ConcurrentLinkedQueue<>();
  private final Queue<Fault> modelsScript = new ConcurrentLinkedQueue<>();
  private final List<ModelInfo> models;

  /** The last {@value #MAX_RECORDED} requests not yet taken: a long-running server stays small. */
  private final BlockingQueue<RecordedImageRequest> recorded =
      new LinkedBlockingQueue<>(MAX_RECORDED);

  private final AtomicInteger generations = new AtomicInteger();
  private final AtomicInteger modelLists = new AtomicInteger();

  /** The image every request gets in benchmark mode, else null. */
  private final byte @Nullable [] fixedImage;

  /** Benchmark mode's whole base64 response bodies, by n: served as cheap copies. */
  private final Map<Integer, Buffer> fixedBodies = new java.util.concurrent.ConcurrentHashMap<>();

  /** Numbers every generation, never reset, so ids stay unique across tests. */
  private final AtomicLong ids = new AtomicLong();

  private final Map<String, StoredFile> files =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, StoredFile> eldest) {
          return size() > MAX_STORED_FILES;
        }
      };

  /** An image served under {@link #FILES}; one that loops redirects to itself instead. */
  private record StoredFile(byte[] bytes, String contentType, String signature, boolean loops) {}

  private FakeTogetherServer(Builder builder) {
    this.apiKey = builder.apiKey;
    this.fixedImage = builder.fixedImage;
    this.models = builder.models;
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            try {
              // MockWebServer queues every request for its own takeRequest(), which this server
              // never
              // calls; drained here, a server that answers millions of requests stays small.
              while (server.takeRequest(0, TimeUnit.NANOSECONDS) != null) {
                // Dropped: recorded (above) is this server's own, bounded record.
              }
              return FakeTogetherServer.this.dispatch(request);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return error(500, "fake_server_error", "the fake server was interrupted", null, null);
            } catch (RuntimeException e) {
              // A bug here must fail the client's call at once, not leave it waiting for a timeout.
              return error(500, "fake_server_error", "the fake server failed: " + e, null, null);
            }
          }
        });
    server.setServerSocketFactory(new NoDelayServerSocketFactory());
    try {
      server.start(InetAddress.getLoopbackAddress(), builder.port);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start the fake Together server on port " + builder.port, e);
    }
  }

  /**
   * Starts a server on a free loopback port, accepting {@value #DEFAULT_API_KEY}.
   *
   * @return the running server
   */
  public static FakeTogetherServer start() {
    return builder().start();
  }

  /**
   * Returns a builder for a server with another key or a fixed port.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the base URL to give a client, e.g. {@code http://127.0.0.1:53124/v1/}.
   *
   * @return the base URL, ending in {@code /v1/}
   */
  public String baseUrl() {
    return server.url("/v1/").toString();
  }

  /**
   * Returns the port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return server.getPort();
  }

  /**
   * Returns the API key this server accepts.
   *
   * @return the key
   */
  public String apiKey() {
    return apiKey;
  }

  /**
   * Returns a client builder already pointed at this server with its key, to change a setting
   * before building.
   *
   * @return a new builder
   */
  public TogetherImages.Builder clientBuilder() {
    return TogetherImages.builder().apiKey(apiKey).baseUrl(baseUrl());
  }

  /**
   * Returns a new client pointed at this server with its key; the caller closes it.
   *
   * @return a new client
   */
  public TogetherImages newClient() {
    return clientBuilder().build();
  }

  /**
   * Returns the models {@code GET /v1/models} lists, in the order given to {@link
   * Builder#models(List)}.
   *
   * @return the models, unmodifiable
   */
  public List<ModelInfo> models() {
    return models;
  }

  /**
   * Makes the next image generation request that has no fault yet misbehave as {@code fault} says.
   * Faults apply in the order enqueued, one per request. Model list requests never take these: see
   * {@link #enqueueModels(Fault)}.
   *
   * @param fault the misbehaviour
   * @return this server
   */
  public FakeTogetherServer enqueue(Fault fault) {
    script.add(requireNonNull(fault, "fault == null"));
    return this;
  }

  /**
   * Makes the next {@code GET /v1/models} request that has no fault yet misbehave as {@code fault}
   * says. Faults apply in the order enqueued, one per request, whether or not the request is
   * authorized, as generation faults do; image generations never take these. A fault that answers
   * normally ({@link Fault#delay}, {@link Fault#slowBody}, {@link Fault#dropMidBody}) answers with
   * the model list; {@link Fault#malformedJson()} sends the model list cut in half.
   *
   * @param fault the misbehaviour
   * @return this server
   * @throws IllegalArgumentException for a fault that changes images ({@link
   *     Fault#malformedBase64()}, {@link Fault#urlNotFound()}, {@link Fault#urlRedirectLoop()}): a
   *     model list has none
   */
  public FakeTogetherServer enqueueModels(Fault fault) {
    requireNonNull(fault, "fault == null");
    if (fault.changesImages()) {
      throw new IllegalArgumentException(
          fault
              + " changes the images of a generation and a model list has none;"
              + " enqueue it with enqueue(Fault)");
    }
    modelsScript.add(fault);
    return this;
  }

  /**
   * Returns the oldest request not yet taken, an image generation or a model list, waiting up to 10
   * seconds for one. The server keeps the last 1,000 requests not yet taken, so that one left
   * running for long does not grow; older ones are dropped. Image downloads and requests refused
   * for their method or path are not kept.
   *
   * @return the request, its API key redacted
   * @throws IllegalStateException if none arrives in time
   */
  public RecordedImageRequest takeRequest() {
    try {
      RecordedImageRequest request = recorded.poll(10, TimeUnit.SECONDS);
      if (request == null) {
        throw new IllegalStateException("no request arrived within 10 s");
      }
      return request;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a request", e);
    }
  }

  /**
   * Returns the oldest request not yet taken, as {@link #takeRequest()} does, waiting up to {@code
   * timeout}.
   *
   * @param timeout how long to wait; zero to look without waiting
   * @return the request, or null if none arrived in time
   */
  public @Nullable RecordedImageRequest takeRequest(Duration timeout) {
    requireNonNull(timeout, "timeout == null");
    try {
      return recorded.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a request", e);
    }
  }

  /**
   * Returns how many image generation requests arrived since the start or the last {@link
   * #reset()}; image downloads and model lists are not counted (see {@link #modelsRequestCount()}).
   *
   * @return the count
   */
  public int requestCount() {
    return generations.get();
  }

  /**
   * Returns how many {@code GET /v1/models} requests arrived since the start or the last {@link
   * #reset()}, authorized or not.
   *
   * @return the count
   */
  public int modelsRequestCount() {
    return modelLists.get();
  }

  /**
   * Forgets enqueued faults of both kinds, recorded requests, counts and stored URL images, as
   * between two tests. The models listed stay as built.
   */
  public void reset() {
    script.clear();
    modelsScript.clear();
    recorded.clear();
    generations.set(0);
    modelLists.set(0);
    synchronized (files) {
      files.clear();
    }
  }

  /** Stops the server. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "FakeTogetherServer{baseUrl=" + baseUrl() + "}";
  }

  /**
   * Runs a server until the process is stopped: {@code [--port N] [--api-key KEY] [--fixed-image
   * FILE]} (default: a free port, {@value #DEFAULT_API_KEY}, drawn images; see {@link
   * Builder#fixedImage(byte[])}). It serves generations and {@link #DEFAULT_MODELS} on {@code GET
   * /v1/models}, and prints a curl command for each.
   *
   * @param args the command line
   * @throws InterruptedException if interrupted while serving
   */
  public static void main(String[] args) throws InterruptedException {
    Builder builder;
    try {
      builder = parseArgs(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    FakeTogetherServer server = builder.start();
    System.out.println(
        "Fake Together server at "
            + server.baseUrl()
            + " accepting API key "
            + server.apiKey()
            + "; try:");
    System.out.println(
        "  curl -s "
            + server.baseUrl()
            + "images/generations -H 'Authorization: Bearer "
            + server.apiKey()
            + "' -H 'Content-Type: application/json' -d '{\"prompt\":\"a fox\","
            + "\"model\":\"m\",\"width\":256,\"height\":256,\"response_format\":\"url\"}'");
    System.out.println(
        "  curl -s "
            + server.baseUrl()
            + "models -H 'Authorization: Bearer "
            + server.apiKey()
            + "'");
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    try {
      new CountDownLatch(1).await();
    } finally {
      server.close();
    }
  }

  static final String USAGE =
      "usage: FakeTogetherServer [--port N] [--api-key KEY] [--fixed-image FILE]";

  /** Reads {@link #main}'s arguments; every mistake is an IllegalArgumentException. */
  static Builder parseArgs(String[] args) {
    Builder builder = builder();
    for (int i = 0; i < args.length; i += 2) {
      String option = args[i];
      if (!option.equals("--port")
          && !option.equals("--api-key")
          && !option.equals("--fixed-image")) {
        throw new IllegalArgumentException("unknown argument " + option);
      }
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args[i + 1];
      if (option.equals("--port")) {
        try {
          builder.port(Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--port " + value + " is not a number", e);
        }
      } else if (option.equals("--fixed-image")) {
        try {
          builder.fixedImage(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(value)));
        } catch (IOException e) {
          throw new IllegalArgumentException("--fixed-image " + value + " cannot be read: " + e, e);
        }
      } else {
        builder.apiKey(value);
      }
    }
    return builder;
  }

  private MockResponse dispatch(RecordedRequest request) {
    String method = request.getMethod();
    String path = request.getUrl().encodedPath();
    if (path.equals(GENERATIONS)) {
      if (!"POST".equals(method)) {
        return error(
            405, "invalid_request_error", method + " is not allowed: use POST", null, null);
      }
      return generate(request);
    }
    if (path.equals(ModelCatalog.PATH)) {
      if (!"GET".equals(method)) {
        return error(405, "invalid_request_error", method + " is not allowed: use GET", null, null);
      }
      return listModels(request);
    }
    if (path.startsWith(FILES) && "GET".equals(method)) {
      return download(request, path.substring(FILES.length()));
    }
    return error(404, "not_found", "no route for " + method + " " + path, null, null);
  }

  private MockResponse generate(RecordedRequest request) {
    String body = request.getBody() == null ? "" : request.getBody().utf8();
    @Nullable Object json = parse(body);
    boolean authorized = isAuthorized(request.getHeaders().get("Authorization"));
    String contentType = request.getHeaders().get("Content-Type");
    record(request, body, json, authorized);
    generations.incrementAndGet();
    long id = ids.incrementAndGet();
    return respond(
        id,
        script.poll(),
        fault -> answer(id, contentType, json, authorized, body, fault),
        () -> "{\"id\":\"fake-" + id + "\",\"model\":\"m\",\"object\":\"list\",\"data\":[{\"in");
  }

  private MockResponse listModels(RecordedRequest request) {
    boolean authorized = isAuthorized(request.getHeaders().get("Authorization"));
    HttpUrl url = request.getUrl();
    record(request, "", null, authorized);
    modelLists.incrementAndGet();
    long id = ids.incrementAndGet();
    return respond(
        id,
        modelsScript.poll(),
        fault -> modelsAnswer(url, authorized),
        () -> {
          String whole = ModelCatalog.answer(models, VALIDATOR);
          return whole.substring(0, whole.length() / 2);
        });
  }

  /** The answer to a model list request: 401, 400 for a bad {@code dedicated}, or the list. */
  private MockResponse.Builder modelsAnswer(HttpUrl url, boolean authorized) {
    if (!authorized) {
      return unauthorized();
    }
    List<@Nullable String> values = url.queryParameterValues(ModelCatalog.DEDICATED);
    @Nullable Boolean dedicated = ModelCatalog.dedicated(values);
    if (dedicated == null) {
      return errorBuilder(
          400,
          "invalid_request_error",
          ModelCatalog.dedicatedProblem(values),
          ModelCatalog.DEDICATED,
          null);
    }
    // This server has no dedicated endpoints, so no dedicated models.
    return new MockResponse.Builder()
        .addHeader("Content-Type", "application/json")
        .body(ModelCatalog.answer(dedicated ? List.of() : models, VALIDATOR));
  }

  /** Keeps {@code request} for {@link #takeRequest()}, dropping the oldest when full. */
  private void record(
      RecordedRequest request, String body, @Nullable Object json, boolean authorized) {
    RecordedImageRequest seen =
        new RecordedImageRequest(
            request.getMethod(),
            request.getUrl(),
            redact(request.getHeaders()),
            body,
            json,
            authorized);
    while (!recorded.offer(seen)) {
      recorded.poll();
    }
  }

  /**
   * The response to request {@code id}: {@code answer}'s, or, when {@code fault} is given, what it
   * scripts. {@code answer} takes the fault that changes images (or null) and {@code truncated}
   * gives the body of {@link Fault#malformedJson()}.
   */
  private static MockResponse respond(
      long id,
      @Nullable Fault fault,
      Function<@Nullable Fault, MockResponse.Builder> answer,
      Supplier<String> truncated) {
    if (fault == null) {
      return answer.apply(null).setHeader("x-request-id", "fake-req-" + id).build();
    }
    MockResponse.Builder response =
        switch (fault.kind) {
          case ERROR ->
              errorBuilder(fault.status, fault.type, fault.message, fault.param, fault.code);
          case HTML_PAGE ->
              new MockResponse.Builder()
                  .code(fault.status)
                  .addHeader("Content-Type", "text/html")
                  .body(
                      "<html><head><title>"
                          + fault.status
                          + "</title></head><body><center><h1>"
                          + fault.status
                          + " "
                          + reason(fault.status)
                          + "</h1></center><hr><center>nginx</center></body></html>\n");
          case DISCONNECT ->
              new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket());
          case MALFORMED_JSON ->
              new MockResponse.Builder()
                  .addHeader("Content-Type", "application/json")
                  .body(truncated.get());
          case DELAY ->
              answer.apply(null).headersDelay(fault.delay.toNanos(), TimeUnit.NANOSECONDS);
          case DROP_MID_BODY -> answer.apply(null).onResponseBody(new SocketEffect.CloseSocket());
          case SLOW_BODY ->
              answer
                  .apply(null)
                  .throttleBody(fault.bytesPerPause, fault.delay.toNanos(), TimeUnit.NANOSECONDS);
          case MALFORMED_BASE64, URL_NOT_FOUND, URL_REDIRECT_LOOP -> answer.apply(fault);
          case BODY ->
              new MockResponse.Builder()
                  .code(fault.status)
                  .addHeader("Content-Type", requireNonNull(fault.contentType))
                  .body(requireNonNull(fault.body));
        };
    response.setHeader("x-request-id", "fake-req-" + id);
    fault.headers.forEach(response::setHeader);
    return response.build();
  }

  /** Whether {@code authorization} carries the key; the scheme name is case-insensitive. */
  private boolean isAuthorized(@Nullable String authorization) {
    return authorization != null
        && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        && authorization.substring(7).strip().equals(apiKey);
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Error";
    };
  }

  /**
   * The answer to a request: an error for a bad one, else the images, as {@code fault} (one that
   * changes the images, or null) has them.
   */
  private MockResponse.Builder answer(
      long id,
      @Nullable String contentType,
      @Nullable Object json,
      boolean authorized,
      String body,
      @Nullable Fault fault) {
    if (!authorized) {
      return unauthorized();
    }
    // The spec declares only application/json; like the validators, a missing type is let through.
    if (contentType != null
        && !contentType
            .toLowerCase(java.util.Locale.ROOT)
            .strip()
            .matches("application/json\\s*(;.*)?")) {
      return errorBuilder(
          400,
          "invalid_request_error",
          "Content-Type must be application/json, got " + contentType,
          null,
          null);
    }
    if (json == null) {
      return errorBuilder(
          400,
          "invalid_request_error",
          "Request body is not valid JSON: " + excerpt(body),
          null,
          null);
    }
    List<Violation> violations = VALIDATOR.validateRequest(json);
    if (!violations.isEmpty()) {
      return errorBuilder(
          400,
          "invalid_request_error",
          violations.stream().map(Violation::message).collect(Collectors.joining("; ")),
          violations.get(0).param(),
          null);
    }
    @SuppressWarnings("unchecked") // validated: the body is an object
    Map<String, Object> fields = (Map<String, Object>) json;
    int n = integer(fields, "n", 1);
    int width = integer(fields, "width", 1024);
    int height = integer(fields, "height", 1024);
    if (n > MAX_N) {
      return errorBuilder(
          400,
          "invalid_request_error",
          "n must be at most " + MAX_N + " on the fake server, got " + n,
          "n",
          null);
    }
    for (String side : List.of("width", "height")) {
      int value = side.equals("width") ? width : height;
      if (value > MAX_DIMENSION) {
        return errorBuilder(
            400,
            "invalid_request_error",
            side + " must be at most " + MAX_DIMENSION + " on the fake server, got " + value,
            side,
            null);
      }
    }
    String prompt = (String) fields.get("prompt");
    long seed = fields.get("seed") instanceof Number number ? number.longValue() : 0L;
    boolean png = "png".equals(fields.get("output_format"));
    // A fault about downloads needs url results, whatever was asked for.
    boolean forceUrls =
        fault != null
            && (fault.kind == Fault.Kind.URL_NOT_FOUND
                || fault.kind == Fault.Kind.URL_REDIRECT_LOOP);
    boolean base64 = !forceUrls && "base64".equals(fields.get("response_format"));
    String model = (String) fields.get("model");
    if (fixedImage != null && base64 && fault == null) {
      // Benchmark mode: the same body for every request of this n, built once, copied cheaply
      // (an okio copy shares its segments), so the server's cost is the network alone.
      Buffer fixedBody =
          fixedBodies.computeIfAbsent(
              n,
              count ->
                  render(0, prompt, seed, count, width, height, png, true, "fake/fixed", null));
      return new MockResponse.Builder()
          .addHeader("Content-Type", "application/json")
          .body(fixedBody.copy());
    }
    return new MockResponse.Builder()
        .addHeader("Content-Type", "application/json")
        .body(render(id, prompt, seed, n, width, height, png, base64, model, fault));
  }

  /**
   * Draws the images into a response body; {@code fault}, if any, corrupts base64 ({@link
   * Fault.Kind#MALFORMED_BASE64}) or breaks the URLs' downloads.
   */
  private Buffer render(
      long id,
      String prompt,
      long seed,
      int n,
      int width,
      int height,
      boolean png,
      boolean base64,
      String model,
      @Nullable Fault fault) {
    Buffer out = new Buffer();
    try (JsonWriter writer = JsonWriter.of(out)) {
      writer.beginObject();
      writer
          .name("id")
          .value(
              "fake-"
                  + HexFormat.of().toHexDigits((prompt + "\u0000" + seed).hashCode())
                  + "-"
                  + id);
      writer.name("model").value(model);
      writer.name("object").value("list");
      writer.name("data").beginArray();
      for (int i = 0; i < n; i++) {
        long start = System.nanoTime();
        byte[] image =
            fixedImage != null
                ? fixedImage
                : ImageRenderer.render(
                    prompt,
                    seed + i,
                    width,
                    height,
                    png ? ImageRenderer.Format.PNG : ImageRenderer.Format.JPEG);
        writer.beginObject();
        writer.name("index").value(i);
        if (base64) {
          String text = java.util.Base64.getEncoder().encodeToString(image);
          boolean corrupt =
              fault != null
                  && fault.kind == Fault.Kind.MALFORMED_BASE64
                  && (fault.index == Fault.ALL_IMAGES || fault.index == i);
          writer.name("b64_json").value(corrupt ? corrupt(text) : text);
          writer.name("type").value("b64_json");
        } else {
          boolean pngBytes = image.length > 0 && (image[0] & 0xff) == 0x89;
          writer
              .name("url")
              .value(
                  store(
                      image,
                      pngBytes ? "image/png" : "image/jpeg",
                      pngBytes ? "png" : "jpg",
                      fault == null ? null : fault.kind));
          writer.name("type").value("url");
        }
        writer
            .name("timings")
            .beginObject()
            .name("inference")
            .value((System.nanoTime() - start) / 1e9)
            .endObject();
        writer.endObject();
      }
      writer.endArray();
      writer.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Keeps the image's structure but puts characters base64 does not have in its middle. */
  private static String corrupt(String text) {
    int middle = text.length() / 2;
    return text.substring(0, middle) + "%$!" + text.substring(middle + 3);
  }

  /**
   * Keeps an image for download and returns its signed URL; {@link Fault.Kind#URL_NOT_FOUND} keeps
   * nothing, {@link Fault.Kind#URL_REDIRECT_LOOP} keeps a redirect to itself.
   */
  private String store(
      byte[] image, String contentType, String extension, Fault.@Nullable Kind fault) {
    String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    String signature = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    if (fault != Fault.Kind.URL_NOT_FOUND) {
      synchronized (files) {
        files.put(
            id + "." + extension,
            new StoredFile(image, contentType, signature, fault == Fault.Kind.URL_REDIRECT_LOOP));
      }
    }
    return server
        .url(FILES + id + "." + extension)
        .newBuilder()
        .addQueryParameter("X-Fake-Signature", signature)
        .addQueryParameter("X-Fake-Expires", "3600")
        .build()
        .toString();
  }

  private MockResponse download(RecordedRequest request, String name) {
    StoredFile file;
    synchronized (files) {
      file = files.get(name);
    }
    if (file == null) {
      return error(
          404, "not_found", "no image " + name + " (expired, or never generated here)", null, null);
    }
    if (!file.signature().equals(request.getUrl().queryParameter("X-Fake-Signature"))) {
      return error(
          403, "access_denied", "the signature of this image URL is missing or wrong", null, null);
    }
    if (file.loops()) {
      return new MockResponse.Builder()
          .code(302)
          .addHeader(
              "Location", request.getUrl().encodedPath() + "?" + request.getUrl().encodedQuery())
          .build();
    }
    return new MockResponse.Builder()
        .addHeader("Content-Type", file.contentType())
        .body(new Buffer().write(file.bytes()))
        .build();
  }

  /** The 401 Together sends for a missing or wrong key. */
  private static MockResponse.Builder unauthorized() {
    return errorBuilder(
        401,
        "invalid_request_error",
        "Invalid API key provided. You can find your API key at https://api.together.ai/settings/api-keys.",
        null,
        "invalid_api_key");
  }

  private static MockResponse error(
      int status, String type, String message, @Nullable String param, @Nullable String code) {
    return errorBuilder(status, type, message, param, code).build();
  }

  private static MockResponse.Builder errorBuilder(
      int status,
      @Nullable String type,
      @Nullable String message,
      @Nullable String param,
      @Nullable String code) {
    Map<String, @Nullable Object> error = new LinkedHashMap<>();
    error.put("message", message);
    error.put("type", type);
    error.put("param", param);
    error.put("code", code);
    Buffer body = new Buffer();
    try (JsonWriter writer = JsonWriter.of(body)) {
      writer.setSerializeNulls(true);
      JSON.toJson(writer, Map.of("error", error));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new MockResponse.Builder()
        .code(status)
        .addHeader("Content-Type", "application/json")
        .body(body);
  }

  private static @Nullable Object parse(String body) {
    try {
      return JSON.fromJson(body);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static int integer(Map<String, Object> fields, String name, int fallback) {
    return fields.get(name) instanceof Number number ? number.intValue() : fallback;
  }

  private static String excerpt(String body) {
    String flat = body.strip().replaceAll("\\s+", " ");
    return flat.length() <= 80 ? flat : flat.substring(0, 80) + "…";
  }

  private static Headers redact(Headers headers) {
    Headers.Builder redacted = headers.newBuilder();
    if (headers.get("Authorization") != null) {
      redacted.set("Authorization", REDACTED);
    }
    return redacted.build();
  }

  /**
   * Sets TCP_NODELAY on accepted connections: without it, Nagle's algorithm meeting the client's
   * delayed ACK adds ~40 ms to every response, which a test suite pays per call.
   */
  private static final class NoDelayServerSocketFactory extends ServerSocketFactory {
    @Override
    public ServerSocket createServerSocket() throws IOException {
      return new ServerSocket() {
        @Override
        public Socket accept() throws IOException {
          Socket socket = super.accept();
          socket.setTcpNoDelay(true);
          return socket;
        }
      };
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      throw new UnsupportedOperationException("MockWebServer binds through createServerSocket()");
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      throw new UnsupportedOperationException("MockWebServer binds through createServerSocket()");
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
        throws IOException {
      throw new UnsupportedOperationException("MockWebServer binds through createServerSocket()");
    }
  }

  /** Builds {@link FakeTogetherServer}s. */
  public static final class Builder {
    private String apiKey = DEFAULT_API_KEY;
    private int port;
    private byte @Nullable [] fixedImage;
    private List<ModelInfo> models = DEFAULT_MODELS;

    private Builder() {}

    /**
     * Sets the models {@code GET /v1/models} lists, in this order (default {@link
     * FakeTogetherServer#DEFAULT_MODELS}). Each is checked against the spec's {@code ModelInfo}
     * now, so that the server never sends what the live API could not: an {@code object} other than
     * {@code model}, or a price that is NaN or infinite, is refused. The list is copied.
     *
     * <pre>{@code
     * List<ModelInfo> models = new ArrayList<>(FakeTogetherServer.DEFAULT_MODELS);
     * models.add(ModelInfo.builder()
     *     .id("acme/painter-2").object(ModelInfo.ObjectEnum.MODEL)
     *     .created(1_700_000_000L).type("image").build());
     * FakeTogetherServer server = FakeTogetherServer.builder().models(models).start();
     * }</pre>
     *
     * @param models the models, possibly none
     * @return this builder
     * @throws NullPointerException if {@code models} or an entry is null
     * @throws IllegalArgumentException if an entry breaks the spec; the message names the entry's
     *     index and id and each broken field, e.g. {@code models[2].pricing.base must be a number,
     *     got NaN}
     */
    public Builder models(List<ModelInfo> models) {
      requireNonNull(models, "models == null");
      this.models = ModelCatalog.checked(models, VALIDATOR);
      return this;
    }

    /**
     * Answers every request with {@code image}, {@code n} times, instead of drawing images: for
     * benchmarks, where the client and the network should be measured, not the renderer. Base64
     * bodies are then built once per {@code n} and shared, so their {@code id} repeats; size, seed,
     * prompt and {@code output_format} are validated but otherwise ignored.
     *
     * @param image the image bytes, e.g. a pre-rendered PNG
     * @return this builder
     */
    public Builder fixedImage(byte[] image) {
      requireNonNull(image, "image == null");
      this.fixedImage = image.clone();
      return this;
    }

    /**
     * Sets the API key the server accepts (default {@value FakeTogetherServer#DEFAULT_API_KEY}).
     *
     * @param apiKey the key
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      requireNonNull(apiKey, "apiKey == null");
      if (apiKey.isBlank()) {
        throw new IllegalArgumentException("apiKey is blank");
      }
      this.apiKey = apiKey;
      return this;
    }

    /**
     * Sets the loopback port to listen on (default 0: a free one).
     *
     * @param port 0 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(
            "port = " + port + " is out of range: allowed is 0 to 65535");
      }
      this.port = port;
      return this;
    }

    /**
     * Starts the server.
     *
     * @return the running server
     * @throws IllegalStateException if the classpath holds an OkHttp other than 5.x or an Okio too
     *     old for it (the message names the jars and the fix)
     */
    public FakeTogetherServer start() {
      RuntimeDependencies.verify();
      return new FakeTogetherServer(this);
    }
  }
}
