package io.github.together4j.images;

import com.squareup.moshi.JsonDataException;
import io.github.together4j.images.Retrier.Outcome;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Sends API calls, sync or async: each attempt goes through the client's OkHttp stack (with {@link
 * ApiInterceptor}) and is read with its status and headers in hand, a 2xx body through a {@link
 * BodyReader} and any other status through {@link ErrorMapper}; {@link Retrier} repeats the
 * attempts. Every path (typed, async, streaming) is this one.
 */
final class ApiCall {
  /** Reads a 2xx response into a result; the response is closed after it returns. */
  interface BodyReader<T> {
    T read(Response response) throws IOException;
  }

  private final Transport transport;
  private final OkHttpClient http;
  private final Retrier retrier;
  private final String apiKey;
  private final ModelSuggestions suggestions;

  ApiCall(Transport transport, Retrier retrier, String apiKey, ModelSuggestions suggestions) {
    this.transport = transport;
    this.http = transport.api;
    this.retrier = retrier;
    this.apiKey = apiKey;
    this.suggestions = suggestions;
  }

  /**
   * Sends {@code request} on the calling thread, retrying, and returns what {@code reader} read.
   * {@code schema} names what a 2xx body must be (e.g. {@code ImageResponse}), for messages.
   */
  <T> T run(Request request, String schema, BodyReader<T> reader) {
    try {
      return retrier.run(attempt -> execute(request, schema, reader, attempt));
    } finally {
      transport.releaseIfClosed();
    }
  }

  /**
   * Sends {@code request} once, as attempt number {@code attempt}, on the calling thread, and
   * returns how it ended without retrying: for a caller that runs its own retries ({@link
   * BatchRunner}).
   */
  <T> Outcome<T> once(Request request, String schema, BodyReader<T> reader, int attempt) {
    try {
      return execute(request, schema, reader, attempt);
    } finally {
      transport.releaseIfClosed();
    }
  }

  /**
   * Sends {@code request} without blocking the calling thread, as {@link Retrier#runAsync} does:
   * cancelling the future cancels the HTTP call in flight.
   */
  <T> CompletableFuture<T> runAsync(Request request, String schema, BodyReader<T> reader) {
    CompletableFuture<T> future =
        retrier.runAsync(
            (attempt, done) -> enqueue(request, schema, reader, attempt, done),
            transport::canSend,
            ApiCall::notStarted);
    future.whenComplete((result, error) -> transport.releaseIfClosed());
    return future;
  }

  /** One attempt on the calling thread. */
  private <T> Outcome<T> execute(
      Request request, String schema, BodyReader<T> reader, int attempt) {
    Response response;
    try {
      response = http.newCall(request).execute();
    } catch (IOException e) {
      return failed(e, schema, 0, null, attempt);
    }
    return read(response, schema, reader, attempt);
  }

  /** One attempt on OkHttp's dispatcher, handing its outcome to {@code done}; returns a cancel. */
  private <T> Runnable enqueue(
      Request request,
      String schema,
      BodyReader<T> reader,
      int attempt,
      Consumer<Outcome<T>> done) {
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
            done.accept(failed(e, schema, 0, null, attempt));
          }

          @Override
          public void onResponse(Call call, Response response) {
            Outcome<T> outcome;
            try {
              outcome = read(response, schema, reader, attempt);
            } catch (RuntimeException e) {
              // Nothing may escape to OkHttp's dispatcher: the future would never complete.
              outcome =
                  Outcome.failure(
                      e instanceof TogetherException t
                          ? t
                          : ErrorMapper.fromThrowable(
                              e, response.code(), null, attempt, apiKey, schema),
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

  private <T> Outcome<T> read(Response response, String schema, BodyReader<T> reader, int attempt) {
    try (response) {
      int status = response.code();
      if (!response.isSuccessful()) {
        return Outcome.failure(
            suggestions.explain(
                response.request(),
                ErrorMapper.fromStatus(
                    status, response.headers(), response.body(), attempt, apiKey)),
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
        return failed(e, schema, status, response.headers(), attempt);
      } catch (JsonDataException e) {
        // A body that arrived whole but is not the contract: retrying would not change it.
        return Outcome.failure(
            ErrorMapper.fromThrowable(e, status, response.headers(), attempt, apiKey, schema),
            false,
            response.headers());
      }
    }
  }

  private <T> Outcome<T> failed(
      IOException e, String schema, int status, @Nullable Headers headers, int attempt) {
    return Outcome.failure(
        ErrorMapper.fromThrowable(e, status, headers, attempt, apiKey, schema),
        ErrorMapper.isRetryable(e),
        headers);
  }
}
