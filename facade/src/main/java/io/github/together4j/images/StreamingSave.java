package io.github.together4j.images;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import io.github.together4j.images.generated.model.ImageRequest;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * Reads an image response straight from the wire to files: each {@code b64_json} value is unescaped
 * and decoded while it is read, into a hidden temporary file, so neither the base64 text nor the
 * decoded image is ever whole in memory. Only when the whole response has been read (and any {@code
 * url} images downloaded) are the files moved to their names: a failure leaves nothing behind.
 */
final class StreamingSave {
  private static final int CHUNK = Base64Stream.BUFFER_SIZE;

  private final Path directory;
  private final String namePattern;
  private final SaveOption[] options;
  private final Downloader downloader;

  /** Temporary files written so far, deleted unless published. */
  private final List<Path> parts = new ArrayList<>();

  private final byte[] in = new byte[CHUNK];
  private final byte[] out = new byte[Base64Decoder.maxDecoded(CHUNK)];
  private final okio.Buffer.UnsafeCursor cursor = new okio.Buffer.UnsafeCursor();

  /** Whether the last {@link #copyPlain} stopped at a quote or a backslash. */
  private boolean atSpecial;

  /** One {@code data} item as read: its temporary file, or its URL to download. */
  private static final class Item {
    int position;
    @Nullable Integer index;
    @Nullable Path part;
    @Nullable String url;
    byte[] header = new byte[0];
    long size;
  }

  /** {@code wire} as this path sends it: asking for base64 unless it names a response format. */
  static ImageRequest request(ImageRequest wire) {
    return wire.responseFormat() != null
        ? wire
        : wire.toBuilder().responseFormat(ImageRequest.ResponseFormatEnum.BASE64).build();
  }

  StreamingSave(Path directory, String namePattern, SaveOption[] options, Downloader downloader) {
    this.directory = directory;
    this.namePattern = namePattern;
    this.options = options;
    this.downloader = downloader;
  }

  /**
   * Reads {@code body} and saves its images. Throws {@link JsonDataException} or {@link
   * com.squareup.moshi.JsonEncodingException} for a body that is not the contract, {@link
   * InvalidImageDataException} for bad base64, an {@link IOException} from the network, and an
   * {@link UncheckedIOException} for the file system; in every case after deleting what it wrote.
   */
  SavedImages save(BufferedSource body) throws IOException {
    try {
      return read(body);
    } catch (EOFException e) {
      // The HTTP body arrived whole and the JSON ends inside it (in a b64_json value, say): the
      // same malformed response generate() refuses, never retried. Okio's EOFException carries no
      // message, so only whether the body ended tells it from a cut. (Asking the body, not
      // wrapping it in a source that watches for its end: that extra layer cost ~10% of
      // generateAndSave's throughput.)
      throw JsonBody.malformedIfWhole(e, body);
    } finally {
      for (Path part : parts) {
        try {
          Files.deleteIfExists(part);
        } catch (IOException e) {
          // Best effort: a leftover hidden .part file is harmless.
        }
      }
    }
  }

  private SavedImages read(BufferedSource body) throws IOException {
    fileValue(() -> Files.createDirectories(directory));
    JsonReader reader = JsonReader.of(body);
    String id = null;
    String model = null;
    String object = null;
    List<Item> items = null;
    reader.beginObject();
    while (reader.hasNext()) {
      switch (reader.nextName()) {
        case "id" -> id = string(reader);
        case "model" -> model = string(reader);
        case "object" -> object = string(reader);
        case "data" -> {
          items = new ArrayList<>();
          reader.beginArray();
          while (reader.hasNext()) {
            items.add(item(reader, body, items.size()));
          }
          reader.endArray();
        }
        default -> reader.skipValue();
      }
    }
    reader.endObject();
    // As generate() (Retrofit's Moshi converter) refuses it: nothing may follow the response.
    if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
      throw new JsonDataException(
          "JSON document was not fully consumed: content follows the response");
    }
    require(id, "id", "$");
    require(model, "model", "$");
    require(object, "object", "$");
    require(items, "data", "$");
    items.sort(Comparator.comparingInt(item -> item.index));
    ResponseContract.check(
        id,
        items.stream()
            .map(
                item -> new ResponseContract.Image(item.index, item.part != null, item.url != null))
            .toList());
    ImageFiles.checkPattern(namePattern, items.size());
    for (Item item : items) {
      if (item.part == null) {
        download(item);
      }
    }
    boolean overwrite = ImageFiles.has(options, SaveOption.OVERWRITE);
    boolean keepExtension = ImageFiles.has(options, SaveOption.KEEP_EXTENSION);
    List<Path> targets = new ArrayList<>();
    List<ImageFormat> formats = new ArrayList<>();
    for (Item item : items) {
      ImageFormat format = ImageFormat.detect(item.header);
      formats.add(format);
      if (format == ImageFormat.UNKNOWN) {
        throw new InvalidImageDataException(
            ImageFiles.notAnImage("image " + item.index, item.header));
      }
      Path target =
          ImageFiles.resolve(
              directory.resolve(ImageFiles.name(namePattern, item.index)),
              item.index,
              format,
              keepExtension);
      files(() -> ImageFiles.checkWritable(target, overwrite));
      targets.add(target);
    }
    List<SavedImages.Image> saved = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      Path target = targets.get(i);
      Path part = java.util.Objects.requireNonNull(item.part);
      files(() -> ImageFiles.publish(part, target, overwrite));
      saved.add(new SavedImages.Image(item.index, target, formats.get(i), item.size));
    }
    return new SavedImages(id, model, object, saved, downloader);
  }

  private Item item(JsonReader reader, BufferedSource body, int position) throws IOException {
    Item item = new Item();
    item.position = position;
    reader.beginObject();
    while (reader.hasNext()) {
      switch (reader.nextName()) {
        case "index" -> item.index = reader.nextInt();
        case "b64_json" -> {
          if (reader.peek() == JsonReader.Token.NULL) {
            reader.nextNull();
          } else {
            decodeToPart(reader, body, item);
          }
        }
        case "url" -> item.url = string(reader);
        default -> reader.skipValue();
      }
    }
    reader.endObject();
    if (item.index == null) {
      throw new JsonDataException("index is required at $.data[" + position + "]");
    }
    return item;
  }

  /**
   * Streams one {@code b64_json} string: JSON unescaping, then base64 decoding, then the file.
   *
   * <p>Straight from the body's buffer: once {@link JsonReader#peek()} has said STRING, Moshi has
   * consumed the opening quote and nothing else, so the value's bytes come next in {@code body}.
   * Most of a value is decoded 64 KiB at a time without looking for its end: the JDK's decoder
   * validates every byte anyway, and refuses the quote and the backslash (see {@link
   * #decodeWholeChunk}). Where it refuses, plain runs are copied segment by segment, scanned 8
   * bytes at a time for a quote or a backslash, and decoded; an escape is undone byte by byte, and
   * the value's last characters go to the JDK's decoder in one call too. At the closing quote, left
   * in the buffer, {@link JsonReader#nextString()} ends the value for Moshi (an empty rest), so the
   * reader carries on as if it had read it.
   */
  private void decodeToPart(JsonReader reader, BufferedSource body, Item item) throws IOException {
    if (reader.peek() != JsonReader.Token.STRING) {
      throw new JsonDataException(
          "Expected a string but was " + reader.peek() + " at path " + reader.getPath());
    }
    Path part = ImageFiles.partFile(directory, ".together4j-" + item.position);
    parts.add(part);
    Base64Decoder decoder =
        new Base64Decoder("b64_json of the image at $.data[" + item.position + "]");
    byte[] header = new byte[ImageFormat.HEADER_LENGTH];
    long size = 0;
    okio.Buffer buffer = body.getBuffer();
    try (FileChannel channel =
        fileValue(
            () ->
                FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
      int n = 0;
      boolean closed = false;
      while (!closed) {
        int decoded = decodeWholeChunk(body, decoder);
        if (decoded >= 0) {
          size += write(channel, decoded, header, size);
          continue;
        }
        // Fill the array from the buffer up to a quote or a backslash, or until it is full.
        while (n < in.length) {
          if (buffer.size() == 0 && !body.request(1)) {
            throw endsInside(reader);
          }
          n += copyPlain(buffer, n);
          if (atSpecial && n < in.length) {
            // A quote or a backslash is next in the buffer.
            if (buffer.getByte(0) == '"') {
              closed = true;
              break;
            }
            in[n++] = unescape(body, reader);
          }
        }
        if (n == in.length) {
          decoded = decoder.updateAll(in, out);
        } else if (closed) {
          decoded = decoder.updateLast(in, 0, n, out, 0);
        } else {
          decoded = decoder.update(in, 0, n, out, 0);
        }
        n = 0;
        decoder.failIfInvalid();
        if (closed) {
          decoded += decoder.finish(out, decoded);
        }
        size += write(channel, decoded, header, size);
      }
      files(() -> channel.force(true));
    }
    // Only the closing quote is left of the value: Moshi reads it as the end of an empty string.
    reader.nextString();
    item.part = part;
    item.header = java.util.Arrays.copyOf(header, (int) Math.min(size, header.length));
    item.size = size;
  }

  /**
   * The common case, without looking for the value's end: if the body's next {@link #CHUNK} bytes
   * are there and are all plain base64 (so neither a quote nor a backslash, which the JDK's decoder
   * refuses like any byte outside the alphabet), decodes them into {@link #out}, consumes them and
   * returns the bytes decoded; otherwise returns -1 and has consumed nothing.
   */
  private int decodeWholeChunk(BufferedSource body, Base64Decoder decoder) throws IOException {
    if (!body.request(CHUNK)) {
      return -1;
    }
    okio.Buffer buffer = body.getBuffer();
    try (okio.Buffer.UnsafeCursor segment = buffer.readUnsafe(cursor)) {
      segment.seek(0);
      for (int n = 0; ; segment.next()) {
        int count = Math.min(segment.end - segment.start, CHUNK - n);
        System.arraycopy(segment.data, segment.start, in, n, count);
        n += count;
        if (n == CHUNK) {
          break;
        }
      }
    }
    int decoded = decoder.updatePlain(in, out);
    if (decoded >= 0) {
      buffer.skip(CHUNK);
    }
    return decoded;
  }

  /**
   * Writes {@code out[0, decoded)} to the part file, the first of it to {@code header} too ({@code
   * written} bytes are in the file already), and returns {@code decoded}.
   */
  private int write(FileChannel channel, int decoded, byte[] header, long written) {
    if (written < header.length) {
      System.arraycopy(
          out, 0, header, (int) written, (int) Math.min(decoded, header.length - written));
    }
    ByteBuffer bytes = ByteBuffer.wrap(out, 0, decoded);
    files(
        () -> {
          while (bytes.hasRemaining()) {
            channel.write(bytes);
          }
        });
    return decoded;
  }

  /**
   * Copies the buffer's plain bytes (up to a quote or a backslash, the end of its first segment or
   * the end of {@link #in}) into {@link #in} from {@code n}, consumes them, and returns how many;
   * {@link #atSpecial} tells whether a quote or a backslash stopped it.
   */
  private int copyPlain(okio.Buffer buffer, int n) throws IOException {
    int count;
    try (okio.Buffer.UnsafeCursor segment = buffer.readUnsafe(cursor)) {
      segment.seek(0);
      count = Math.min(segment.end - segment.start, in.length - n);
      System.arraycopy(segment.data, segment.start, in, n, count);
    }
    int special = JsonBody.indexOfQuoteOrBackslash(in, n, n + count);
    atSpecial = special >= 0;
    int plain = atSpecial ? special - n : count;
    buffer.skip(plain);
    return plain;
  }

  /**
   * Reads the escape sequence at the head of {@code body} (its backslash included) and returns the
   * byte it stands for: base64 has no characters JSON must escape, but a server may still write
   * {@code \/} or {@code \n}. Anything beyond ASCII stands as 0xff, which the decoder rejects.
   */
  private static byte unescape(BufferedSource body, JsonReader reader) throws IOException {
    if (!body.request(2)) {
      throw endsInside(reader);
    }
    body.skip(1);
    byte b = body.readByte();
    return switch (b) {
      case '/', '\\', '"' -> b;
      case 'n' -> (byte) '\n';
      case 'r' -> (byte) '\r';
      case 't' -> (byte) '\t';
      case 'b' -> (byte) '\b';
      case 'f' -> (byte) '\f';
      case 'u' -> {
        if (!body.request(4)) {
          throw endsInside(reader);
        }
        int codePoint = 0;
        for (int i = 0; i < 4; i++) {
          byte hex = body.readByte();
          int digit = Character.digit(hex, 16);
          if (digit < 0) {
            throw new JsonDataException("Invalid escape sequence: \\u with " + (char) hex);
          }
          codePoint = codePoint << 4 | digit;
        }
        yield codePoint < 128 ? (byte) codePoint : (byte) 0xff;
      }
      default -> throw new JsonDataException("Invalid escape sequence: \\" + (char) b);
    };
  }

  /**
   * The body ended (as the transport framed it: a cut one fails in {@code request}) inside a {@code
   * b64_json} value: a malformed response, as {@link #save} reports Moshi's.
   */
  private static JsonEncodingException endsInside(JsonReader reader) {
    return new JsonEncodingException(
        "End of input: the response ends inside a JSON value at path " + reader.getPath());
  }

  /** Downloads a url image into a temporary file, with the client's timeouts, retries and limit. */
  private void download(Item item) {
    String url = java.util.Objects.requireNonNull(item.url);
    Path part = ImageFiles.partFile(directory, ".together4j-" + item.position);
    parts.add(part);
    downloader.fetch(
        url,
        item.index,
        true,
        download -> {
          long size = 0;
          fileValue(() -> Files.deleteIfExists(part));
          try (FileChannel channel =
              fileValue(
                  () ->
                      FileChannel.open(
                          part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
            for (int n; (n = download.stream.read(in)) != -1; ) {
              ByteBuffer buffer = ByteBuffer.wrap(in, 0, n);
              files(
                  () -> {
                    while (buffer.hasRemaining()) {
                      channel.write(buffer);
                    }
                  });
              size += n;
            }
            files(() -> channel.force(true));
          }
          item.part = part;
          item.size = size;
          item.header = download.header;
          return null;
        });
  }

  private static @Nullable String string(JsonReader reader) throws IOException {
    if (reader.peek() == JsonReader.Token.NULL) {
      return reader.nextNull();
    }
    return reader.nextString();
  }

  private static void require(@Nullable Object value, String name, String path) {
    if (value == null) {
      throw new JsonDataException(name + " is required at " + path);
    }
  }

  /** File-system work: its IOExceptions are the caller's disk, never the network's. */
  private interface FileWork<T> {
    T run() throws IOException;
  }

  private interface FileAction {
    void run() throws IOException;
  }

  private static <T> T fileValue(FileWork<T> work) {
    try {
      return work.run();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save images: " + e, e);
    }
  }

  private static void files(FileAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save images: " + e, e);
    }
  }
}
