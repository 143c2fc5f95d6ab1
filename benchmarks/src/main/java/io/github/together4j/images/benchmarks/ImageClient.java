package io.github.together4j.images.benchmarks;

import java.nio.file.Path;

/**
 * One way of generating images and writing each to a file: together4j's two, the two convenient raw
 * clients and the two tight baselines (the streaming one also with generateAndSave's disk work).
 * Implementations are thread-safe; each worker thread writes its own files (names start with {@code
 * w<worker>_}), replaced by its next request, so the disk does not fill up.
 */
interface ImageClient extends AutoCloseable {
  /** The names the driver and {@link #create} know, in the order the table lists them. */
  String TOGETHER4J_GENERATE = "together4j-generate";

  String TOGETHER4J_STREAM = "together4j-stream";
  String RAW_STRING = "raw-string";
  String RAW_STREAM = "raw-stream";
  String TIGHT_BUFFERED = "tight-buffered";
  String TIGHT_STREAM = "tight-stream";
  String TIGHT_STREAM_FSYNC = "tight-stream-fsync";
  String TIGHT_STREAM_ATOMIC = "tight-stream-atomic";

  /**
   * Asks for {@code n} images and writes each to a file in the client's directory.
   *
   * @param worker the calling worker, which names the files
   * @param n how many images
   * @return the decoded image bytes written
   * @throws Exception anything; the caller counts it as a failed request
   */
  long generateAndWrite(int worker, int n) throws Exception;

  @Override
  void close();

  /** Everything a client needs to reach the fake server and name its files. */
  record Target(String baseUrl, String apiKey, Path directory) {
    /** What every client asks for, so every request gets the same body from the server. */
    static final String PROMPT = "a benchmark image";

    static final String MODEL = "black-forest-labs/FLUX.1-schnell";
  }

  static ImageClient create(String name, Target target) {
    return switch (name) {
      case TOGETHER4J_GENERATE -> new Together4jGenerateClient(target);
      case TOGETHER4J_STREAM -> new Together4jStreamClient(target);
      case RAW_STRING -> new RawStringClient(target);
      case RAW_STREAM -> new RawStreamClient(target);
      case TIGHT_BUFFERED -> new TightBufferedClient(target);
      case TIGHT_STREAM -> new TightStreamClient(target, TightStreamClient.Disk.NONE);
      case TIGHT_STREAM_FSYNC -> new TightStreamClient(target, TightStreamClient.Disk.FSYNC);
      case TIGHT_STREAM_ATOMIC -> new TightStreamClient(target, TightStreamClient.Disk.ATOMIC);
      default ->
          throw new IllegalArgumentException(
              "unknown client "
                  + name
                  + ": use "
                  + String.join(
                      ", ",
                      TOGETHER4J_GENERATE,
                      TOGETHER4J_STREAM,
                      RAW_STRING,
                      RAW_STREAM,
                      TIGHT_BUFFERED,
                      TIGHT_STREAM,
                      TIGHT_STREAM_FSYNC,
                      TIGHT_STREAM_ATOMIC));
    };
  }
}
