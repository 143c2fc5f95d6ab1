package io.github.together4j.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import okhttp3.Headers;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * What the fuzz targets share: a client whose every call is answered in-process by an interceptor
 * (no socket is ever opened), a distinctive API key that no exception message may contain, tiny
 * real images, and temporary directories emptied between inputs.
 */
final class FuzzSupport {
  /** The key every fuzzed client is built with; messages must never echo it. */
  static final String API_KEY = "canary_FuzzKey-9Qx7Zr2Lw5Mn8Bv3";

  /** The API's base URL: loopback, so plain http is allowed, and never connected to. */
  static final String BASE_URL = "http://127.0.0.1:9/v1/";

  /** The bytes a url result downloads: a complete 1×1 PNG. */
  static final byte[] PNG =
      Base64.getDecoder()
          .decode(
              "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

  /** The same PNG as base64, for results built in the test. */
  static final String PNG_BASE64 = Base64.getEncoder().encodeToString(PNG);

  private FuzzSupport() {}

  /**
   * Answers calls to {@code /images/generations} with the status, headers and body set last, and
   * every other URL (a url result's download) with {@link #PNG}. It comes before the client's own
   * interceptors, so the synthetic response is what Retrofit, Moshi and the facade see.
   */
  static final class SyntheticServer implements Interceptor {
    private volatile int status = 200;
    private volatile Headers headers = Headers.of();
    private volatile byte[] body = new byte[0];
    private volatile @Nullable String contentType = "application/json";

    byte[] body() {
      return body;
    }

    void respond(int status, Headers headers, byte[] body, @Nullable String contentType) {
      this.status = status;
      this.headers = headers;
      this.body = body;
      this.contentType = contentType;
    }

    @Override
    public Response intercept(Chain chain) {
      Request request = chain.request();
      Response.Builder response =
          new Response.Builder().request(request).protocol(Protocol.HTTP_1_1);
      if (request.url().encodedPath().endsWith("/images/generations")) {
        String type = contentType;
        return response
            .code(status)
            .message("synthetic")
            .headers(headers)
            .body(ResponseBody.create(body, type == null ? null : MediaType.get(type)))
            .build();
      }
      return response
          .code(200)
          .message("OK")
          .header("Content-Type", "image/png")
          .body(ResponseBody.create(PNG, MediaType.get("image/png")))
          .build();
    }
  }

  /** A client answered by {@code server}, without retries (each input is one attempt). */
  static TogetherImages client(SyntheticServer server) {
    OkHttpClient http = new OkHttpClient.Builder().addInterceptor(server).build();
    return TogetherImages.builder()
        .apiKey(API_KEY)
        .baseUrl(BASE_URL)
        .maxRetries(0)
        .okHttpClient(http)
        .build();
  }

  /** Creates a temporary directory, deleted when the JVM exits. */
  static Path tempDirectory(String prefix) {
    try {
      Path dir = Files.createTempDirectory(prefix);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(dir)));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything in {@code dir}, recursively, as paths relative to it. */
  static List<String> contents(Path dir) {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      List<String> names = new ArrayList<>();
      walk.filter(p -> !p.equals(dir)).forEach(p -> names.add(dir.relativize(p).toString()));
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes what {@code dir} holds, keeping {@code dir} itself. */
  static void empty(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : (Iterable<Path>) children::iterator) {
        deleteRecursively(child);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path path) {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(
          path,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, @Nullable IOException e)
                throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Checks what every exception the client throws promises: a message, not absurdly long, that
   * never contains the API key.
   */
  static void checkMessage(Throwable e, int maxLength) {
    checkMessage(e, maxLength, false);
  }

  /**
   * As {@link #checkMessage(Throwable, int)}, with the key check skipped if {@code keyTolerated}:
   * for messages quoting what the caller passed, which may hold the key by the caller's choice.
   */
  static void checkMessage(Throwable e, int maxLength, boolean keyTolerated) {
    String message = e.getMessage();
    if (message == null) {
      throw new AssertionError(e.getClass().getName() + " without a message", e);
    }
    if (!keyTolerated && message.contains(API_KEY)) {
      throw new AssertionError("the message contains the API key: " + message, e);
    }
    if (message.length() > maxLength) {
      throw new AssertionError(
          "a message of "
              + message.length()
              + " characters (limit "
              + maxLength
              + "): "
              + message.substring(0, 300)
              + "…",
          e);
    }
  }
}
