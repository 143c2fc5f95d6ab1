package io.github.together4j.images;

import static io.github.together4j.images.FuzzSupport.API_KEY;
import static io.github.together4j.images.FuzzSupport.checkMessage;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.together4j.images.FuzzSupport.SyntheticServer;
import io.github.together4j.images.generated.JSON;
import io.github.together4j.images.generated.model.ErrorData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * Hostile error responses. An input reads like an HTTP response without its protocol: a first line
 * with the status (any number, folded into 400–599), header lines, an empty line, then the body.
 * {@code {KEY}} anywhere stands for the API key, so the fuzzer can make the server echo it.
 *
 * <p>Each input goes to {@link ErrorMapper#fromStatus} directly and through the public {@code
 * generate()} and {@code generateAndSave()}: the exception must be the status's subclass (also when
 * the body is not ErrorData, as a proxy's page is not), carry the status and request id, and have a
 * short message without the key; the retry delay the headers ask for must be a sane duration.
 */
class ErrorBodyFuzzTest {
  static final int MAX_MESSAGE = 2000;

  private static final SyntheticServer SERVER = new SyntheticServer();
  private static final TogetherImages CLIENT = FuzzSupport.client(SERVER);
  private static final Path ROOT = FuzzSupport.tempDirectory("together4j-fuzz-error");
  private static final ImageGenerationRequest REQUEST =
      ImageGenerationRequest.of("a lighthouse at dusk");
  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  private static final RetryPolicy RETRIES = RetryPolicy.standard(2);

  /** One parsed input. */
  record ErrorResponse(int status, Headers headers, byte[] body) {
    static ErrorResponse parse(byte[] input) {
      String text = new String(input, ISO_8859_1);
      int headEnd = text.indexOf("\n\n");
      String head = headEnd < 0 ? text : text.substring(0, headEnd);
      byte[] body =
          headEnd < 0 ? new byte[0] : Arrays.copyOfRange(input, headEnd + 2, input.length);
      String[] lines = head.split("\n", -1);
      long number = 0;
      for (char c : lines[0].toCharArray()) {
        if (c >= '0' && c <= '9') {
          number = (number * 10 + (c - '0')) % 1_000_000;
        }
      }
      int status = 400 + (int) (number % 200);
      Headers.Builder headers = new Headers.Builder();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon <= 0) {
          continue;
        }
        String name = lines[i].substring(0, colon).strip();
        // OkHttp reads a header's bytes as UTF-8 and drops none but the line break.
        String value =
            new String(lines[i].substring(colon + 1).strip().getBytes(ISO_8859_1), UTF_8)
                .replace("{KEY}", API_KEY)
                .replace("\r", "");
        if (name.isEmpty() || !name.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
          continue;
        }
        headers.addUnsafeNonAscii(name, value);
      }
      byte[] withKey = new String(body, ISO_8859_1).replace("{KEY}", API_KEY).getBytes(ISO_8859_1);
      return new ErrorResponse(status, headers.build(), withKey);
    }
  }

  @DictionaryEntries({
    "{KEY}",
    "x-request-id: ",
    "request-id: ",
    "Retry-After: ",
    "retry-after-ms: ",
    "{\"error\":{",
    "\"message\":",
    "\"type\":",
    "\"param\":",
    "\"code\":",
    "null",
    "\"\\u",
    "Wed, 21 Oct 2015 07:28:00 GMT",
    "NaN",
    "Infinity",
    "1e9",
    "-1",
    "0x1p3",
    "<html>",
    "}}"
  })
  @DictionaryFile(resourcePath = "ErrorBodyFuzzTest.dict")
  @FuzzTest(maxDuration = "60s")
  void errorResponse(byte[] input) {
    ErrorResponse response = ErrorResponse.parse(input);
    int status = response.status();

    TogetherException mapped =
        ErrorMapper.fromStatus(
            status,
            response.headers(),
            ResponseBody.create(response.body(), JSON_TYPE),
            1,
            API_KEY);
    check(mapped, response);

    SERVER.respond(status, response.headers(), response.body(), "application/json");
    TogetherException thrown;
    try {
      CLIENT.generate(REQUEST);
      throw new AssertionError("HTTP " + status + " gave a result");
    } catch (TogetherException e) {
      thrown = e;
    }
    check(thrown, response);
    if (thrown.getClass() != mapped.getClass()
        || !thrown.getMessage().equals(mapped.getMessage())) {
      throw new AssertionError("generate() threw " + thrown + " but ErrorMapper gives " + mapped);
    }

    FuzzSupport.empty(ROOT);
    try {
      CLIENT.generateAndSave(REQUEST, ROOT.resolve("out"));
      throw new AssertionError("HTTP " + status + " saved images");
    } catch (TogetherException e) {
      if (e.getClass() != mapped.getClass() || !e.getMessage().equals(mapped.getMessage())) {
        throw new AssertionError(
            "generateAndSave() threw " + e + " but ErrorMapper gives " + mapped, e);
      }
    } finally {
      java.util.List<String> left = FuzzSupport.contents(ROOT);
      if (!left.isEmpty() && !left.equals(java.util.List.of("out"))) {
        throw new AssertionError("a failed call left files: " + left);
      }
      FuzzSupport.empty(ROOT);
    }

    // The wait before a retry: the server's (0 to 60 s) or the backoff (at most 8 s).
    for (int retry = 1; retry <= 3; retry++) {
      Duration delay = RETRIES.delay(retry, response.headers());
      if (delay.isNegative() || delay.compareTo(RetryPolicy.MAX_RETRY_AFTER) > 0) {
        throw new AssertionError("retry " + retry + " would wait " + delay);
      }
    }
  }

  private static void check(TogetherException e, ErrorResponse response) {
    int status = response.status();
    checkMessage(e, MAX_MESSAGE);
    String[] fields = {e.errorType(), e.errorCode(), e.param(), e.serverMessage(), e.requestId()};
    for (String field : fields) {
      if (field != null && field.contains(API_KEY)) {
        throw new AssertionError("a field of " + e + " holds the API key: " + field);
      }
    }
    if (e.statusCode() != status) {
      throw new AssertionError("status " + e.statusCode() + " for HTTP " + status, e);
    }
    if (e.attempts() != 1) {
      throw new AssertionError("attempts " + e.attempts(), e);
    }
    String requestId = response.headers().get("x-request-id");
    if (requestId == null) {
      requestId = response.headers().get("request-id");
    }
    if (requestId != null && !requestId.contains(API_KEY) && !requestId.equals(e.requestId())) {
      throw new AssertionError("request id " + e.requestId() + " instead of " + requestId, e);
    }
    // The status picks the class, whether or not the body is ErrorData (a proxy's page is not).
    Class<?> expected = expectedClass(status);
    if (e.getClass() != expected) {
      throw new AssertionError(
          "HTTP "
              + status
              + " gave "
              + e.getClass().getSimpleName()
              + ", expected "
              + expected.getSimpleName(),
          e);
    }
    if (isErrorData(response.body()) != (e.errorType() != null && e.serverMessage() != null)) {
      throw new AssertionError("ErrorData parsed wrongly (type, message) in " + e, e);
    }
  }

  static Class<? extends TogetherException> expectedClass(int status) {
    return switch (status) {
      case 400, 422 -> BadRequestException.class;
      case 401 -> AuthenticationException.class;
      case 403 -> PermissionDeniedException.class;
      case 404 -> NotFoundException.class;
      case 429 -> RateLimitException.class;
      default -> status >= 500 ? ServerException.class : TogetherException.class;
    };
  }

  /** Whether the first 64 KiB of the body, as UTF-8, is an ErrorData object. */
  private static boolean isErrorData(byte[] body) {
    byte[] head =
        body.length > ErrorMapper.MAX_ERROR_BODY
            ? Arrays.copyOf(body, (int) ErrorMapper.MAX_ERROR_BODY)
            : body;
    String text = new String(head, UTF_8).replace(API_KEY, "██");
    if (text.isBlank()) {
      return false;
    }
    try {
      @Nullable ErrorData data = JSON.moshi().adapter(ErrorData.class).fromJson(text);
      return data != null && Objects.requireNonNull(data.error()) != null;
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }
}
