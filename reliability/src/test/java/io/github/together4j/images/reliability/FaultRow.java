package io.github.together4j.images.reliability;

import static java.util.Objects.requireNonNull;

import io.github.together4j.images.ImageGenerationRequest;
import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.Fault;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * One row of {@link FaultMatrixTest}: the faults scripted on the fake server, the way the images
 * are asked for and saved, and what must come of it.
 */
final class FaultRow {
  /** How a row asks for images and saves them. */
  enum Via {
    /** {@code generate(request)}, then {@code result.saveAll(dir)}: the typed path. */
    GENERATE_THEN_SAVE_ALL("generate + saveAll"),
    /** {@code generateAndSave(request, dir)}: the streaming save path. */
    GENERATE_AND_SAVE("generateAndSave"),
    /** {@code generateAsync(request).get()}, then {@code result.saveAll(dir)}. */
    GENERATE_ASYNC_THEN_SAVE_ALL("generateAsync + saveAll"),
    /** {@code generateAsync(request)}, cancelled once the response headers have arrived. */
    CANCEL_ASYNC_AFTER_HEADERS("generateAsync, cancelled after the headers");

    final String shown;

    Via(String shown) {
      this.shown = shown;
    }

    /** The typed path and the streaming save path, the two every fault runs through. */
    static final Via[] BOTH = {GENERATE_THEN_SAVE_ALL, GENERATE_AND_SAVE};
  }

  final String fault;
  final Via via;
  final Supplier<List<Fault>> script;
  final ImageGenerationRequest request;
  final UnaryOperator<TogetherImages.Builder> client;

  /** The exception expected, exactly; null for success. */
  final @Nullable Class<? extends Throwable> failure;

  final Consumer<Throwable> checks;

  /** Image generation requests the server must have seen. */
  final int attempts;

  /** What {@code TogetherException.attempts()} must say. */
  final int reportedAttempts;

  /** The files the directory must hold afterwards, by name, hidden ones included. */
  final List<String> files;

  /** The bytes every file left must have; null to compare with a clean generation. */
  final byte @Nullable [] image;

  final Duration atLeast;
  final Duration atMost;

  /** Whether a clean call first leaves a pooled connection for the faulty one to reuse. */
  final boolean reuseConnection;

  private FaultRow(Builder builder, Via via) {
    this.fault = builder.fault;
    this.via = via;
    this.script = builder.script;
    this.request = requireNonNull(builder.request, "request");
    this.client = builder.client;
    this.failure = builder.failure;
    this.checks = builder.checks;
    this.attempts = builder.attempts;
    this.reportedAttempts =
        builder.reportedAttempts != null ? builder.reportedAttempts : builder.attempts;
    this.files = builder.files;
    this.image = builder.image;
    this.atLeast = builder.atLeast;
    this.atMost = builder.atMost;
    this.reuseConnection = builder.reuseConnection;
  }

  /** Starts a row whose script is known in advance. */
  static Builder fault(String fault, Fault... script) {
    List<Fault> faults = List.of(script);
    return new Builder(fault, () -> faults);
  }

  /** Starts a row whose script is made when the row runs, e.g. to hold a date. */
  static Builder fault(String fault, Supplier<List<Fault>> script) {
    return new Builder(fault, script);
  }

  /** Returns {@code count} copies of {@code fault}. */
  static Fault[] times(int count, Fault fault) {
    Fault[] faults = new Fault[count];
    Arrays.fill(faults, fault);
    return faults;
  }

  /** The outcome in words, for the row's name. */
  String outcome() {
    String tries = attempts == 1 ? "1 attempt" : attempts + " attempts";
    if (failure == null) {
      return "saved " + String.join(", ", files) + " after " + tries;
    }
    return failure.getSimpleName()
        + " after "
        + tries
        + (files.isEmpty() ? ", no file" : ", left " + String.join(", ", files));
  }

  @Override
  public String toString() {
    return fault + " | " + via.shown + " => " + outcome();
  }

  /** Collects a row; {@link #on} makes one per way of saving. */
  static final class Builder {
    private final String fault;
    private final Supplier<List<Fault>> script;
    private @Nullable ImageGenerationRequest request;
    private UnaryOperator<TogetherImages.Builder> client = UnaryOperator.identity();
    private @Nullable Class<? extends Throwable> failure;
    private Consumer<Throwable> checks = e -> {};
    private int attempts = 1;
    private @Nullable Integer reportedAttempts;
    private List<String> files = List.of();
    private byte @Nullable [] image;
    private Duration atLeast = Duration.ZERO;
    private Duration atMost = Duration.ofSeconds(10);
    private boolean reuseConnection;

    private Builder(String fault, Supplier<List<Fault>> script) {
      this.fault = fault;
      this.script = script;
    }

    Builder request(ImageGenerationRequest request) {
      this.request = request;
      return this;
    }

    /** Configures the client beyond its server, key and shared OkHttp client. */
    Builder client(UnaryOperator<TogetherImages.Builder> client) {
      this.client = client;
      return this;
    }

    /** Expects success, leaving exactly {@code files}. */
    Builder succeeds(String... files) {
      this.failure = null;
      this.files = List.of(files);
      return this;
    }

    /** Expects exactly {@code type}, and whatever {@code checks} asserts on it. */
    <T extends Throwable> Builder fails(Class<T> type, Consumer<? super T> checks) {
      this.failure = type;
      this.checks = e -> checks.accept(type.cast(e));
      return this;
    }

    /** Expects these files left beside a failure (none by default). */
    Builder leaves(String... files) {
      this.files = List.of(files);
      return this;
    }

    /** Expects the server to have seen {@code attempts} image generation requests. */
    Builder attempts(int attempts) {
      this.attempts = attempts;
      return this;
    }

    /** Expects the exception to report {@code attempts}, when it differs from the requests seen. */
    Builder reportedAttempts(int attempts) {
      this.reportedAttempts = attempts;
      return this;
    }

    /** Expects every file left to hold exactly {@code image}. */
    Builder image(byte[] image) {
      this.image = image.clone();
      return this;
    }

    /** Expects the operation to take at least {@code duration}, e.g. a Retry-After wait. */
    Builder tookAtLeast(Duration duration) {
      this.atLeast = duration;
      return this;
    }

    /** Expects the operation to take less than {@code duration}. */
    Builder tookLessThan(Duration duration) {
      this.atMost = duration;
      return this;
    }

    /**
     * Makes a clean call before the faults are scripted, so the first faulty request goes over a
     * pooled connection that has served before; that call is not counted.
     */
    Builder onAReusedConnection() {
      this.reuseConnection = true;
      return this;
    }

    /** Returns one row per way of saving. */
    Stream<FaultRow> on(Via... vias) {
      return Arrays.stream(vias).map(via -> new FaultRow(this, via));
    }
  }
}
