package io.github.together4j.cli;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import okhttp3.Call;
import okhttp3.ConnectionSpec;
import okhttp3.EventListener;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.ForwardingSource;
import okio.Okio;

/**
 * Watches the HTTP traffic of one run, for the status line and the timings: when the generation's
 * response started (Together's work is done) and how many response bytes have arrived since.
 */
final class Transfers extends EventListener implements Interceptor {
  private final LongSupplier clock;
  private final AtomicLong bytes = new AtomicLong();
  private volatile long responseAt;
  private final Set<Call> running = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelled;

  Transfers(LongSupplier clock) {
    this.clock = clock;
  }

  /**
   * An OkHttp client reporting to this object; the caller shuts it down ({@link #close}). With
   * {@code cleartextOnly} it speaks plain http only, which spares OkHttp's TLS set-up (loading the
   * JDK's trusted certificates: about a third of a second at start) when every call goes to a
   * loopback server.
   */
  OkHttpClient newHttpClient(boolean cleartextOnly) {
    OkHttpClient.Builder builder =
        new OkHttpClient.Builder().eventListener(this).addNetworkInterceptor(this);
    if (cleartextOnly) {
      builder.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT));
    }
    return builder.build();
  }

  /** Releases what {@code client} holds: it is ours, so TogetherImages.close() leaves it. */
  static void close(OkHttpClient client) {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  @Override
  public void callStart(Call call) {
    running.add(call);
    if (cancelled) {
      call.cancel();
    }
  }

  @Override
  public void callEnd(Call call) {
    running.remove(call);
  }

  @Override
  public void callFailed(Call call, IOException e) {
    running.remove(call);
  }

  /** Cancels every call under way, and any started from now on. */
  void cancelAll() {
    cancelled = true;
    running.forEach(Call::cancel);
  }

  /** {@return whether {@link #cancelAll()} was called} */
  boolean cancelled() {
    return cancelled;
  }

  @Override
  public void responseHeadersEnd(Call call, Response response) {
    if (call.request().url().encodedPath().endsWith("/images/generations")) {
      responseAt = clock.getAsLong();
    }
  }

  /** {@return when the last generation response's headers arrived, or 0 before} */
  long responseAt() {
    return responseAt;
  }

  /** {@return the response bytes received so far, API responses and downloads alike} */
  long bytes() {
    return bytes.get();
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    ResponseBody body = response.body();
    ForwardingSource counted =
        new ForwardingSource(body.source()) {
          @Override
          public long read(Buffer sink, long byteCount) throws IOException {
            long read = super.read(sink, byteCount);
            if (read > 0) {
              bytes.addAndGet(read);
            }
            return read;
          }
        };
    return response
        .newBuilder()
        .body(ResponseBody.create(Okio.buffer(counted), body.contentType(), body.contentLength()))
        .build();
  }
}
