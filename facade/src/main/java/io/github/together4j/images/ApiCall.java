package io.github.together4j.images;

import com.squareup.moshi.JsonDataException;
import io.github.together4j.images.Retrier.Outcome;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * One attempt at an API call: sends the request through the client's OkHttp stack (with {@link
 * ApiInterceptor}), sync or async, and reads the answer with its status and headers in hand, a 2xx
 * body through a {@link BodyReader} and any other status through {@link ErrorMapper}. {@link
 * Retrier} repeats the attempts; every path (typed, async, streaming) is this one.
 */
final class ApiCall {
  /** Reads a 2xx response into a result; the response is closed after it returns. */
  interface BodyReader<T> {
    T read(Response response) throws IOException;
  }

  private final OkHttpClient http;
  private final String apiKey;

  ApiCall(OkHttpClient http, String apiKey) {
    this.http = http;
    this.apiKey = apiKey;
  }

  /** Sends {@code request} on the calling thread and reads its answer. */
  <T> Outcome<T> execute(Request request, BodyReader<T> reader, int attempt) {
    Response response;
    try {
      response = http.newCall(request).execute();
    } catch (IOException e) {
      return failed(e, 0, null, attempt);
    }
    return read(response, reader, attempt);
  }

  /**
   * Sends {@code request} on OkHttp's dispatcher and hands its outcome to {@code done} there.
   * Returns what cancels the call.
   */
  <T> Runnable enqueue(
      Request request, BodyReader<T> reader, int attempt, Consumer<Outcome<T>> done) {
    Call call = http.newCall(request);
    call.enqueue(
        new Callback() {
          @Override
          public void onFailure(Call call, IOException e) {
            if (e instanceof InterruptedIOException && "executor rejected".equals(e.getMessage())) {
              // The client was closed while the call waited for a dispatcher thread.
              done.accept(Outcome.failure(notStarted(attempt), false, null));
              return;
            }
            done.accept(failed(e, 0, null, attempt));
          }

          @Override
          public void onResponse(Call call, Response response) {
            Outcome<T> outcome;
            try {
              outcome = read(response, reader, attempt);
            } catch (RuntimeException e) {
              // Nothing may escape to OkHttp's dispatcher: the future would never complete.
              outcome =
                  Outcome.failure(
                      e instanceof TogetherException t
                          ? t
                          : ErrorMapper.fromThrowable(e, response.code(), null, attempt, apiKey),
                      false,
                      null);
            }
            done.accept(outcome);
          }
        });
    return call::cancel;
  }

  /** The failure of a call that never started: the client was closed. Not retried. */
  static TogetherException notStarted(int attempts) {
    return ErrorMapper.fromThrowable(
        new IOException("client is closed: the call had not started, and is not retried"),
        0,
        null,
        attempts);
  }

  private <T> Outcome<T> read(Response response, BodyReader<T> reader, int attempt) {
    try (response) {
      int status = response.code();
      if (!response.isSuccessful()) {
        return Outcome.failure(
            ErrorMapper.fromStatus(status, response.headers(), response.body(), attempt, apiKey),
            RetryPolicy.isRetryableStatus(status),
            response.headers());
      }
      try {
        return Outcome.success(reader.read(response));
      } catch (InvalidImageDataException e) {
        MalformedResponseException malformed =
            new MalformedResponseException(
                ErrorMapper.redact(e.getMessage(), apiKey),
                new TogetherException.Failure(
                    status,
                    null,
                    null,
                    null,
                    null,
                    ErrorMapper.requestId(response.headers(), apiKey),
                    attempt),
                ErrorMapper.redactCause(e, apiKey));
        return Outcome.failure(malformed, false, response.headers());
      } catch (IOException e) {
        return failed(e, status, response.headers(), attempt);
      } catch (JsonDataException e) {
        // A body that arrived whole but is not the contract: retrying would not change it.
        return Outcome.failure(
            ErrorMapper.fromThrowable(e, status, response.headers(), attempt, apiKey),
            false,
            response.headers());
      }
    }
  }

  private <T> Outcome<T> failed(IOException e, int status, @Nullable Headers headers, int attempt) {
    return Outcome.failure(
        ErrorMapper.fromThrowable(e, status, headers, attempt, apiKey),
        ErrorMapper.isRetryable(e),
        headers);
  }
}
