package io.github.together4j.images;

import io.github.together4j.images.generated.model.ImageChoicesData;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Run in a child JVM with a small heap by {@link SmallHeapTest}: loads base64 image texts the way a
 * parsed response holds them, then saves them all, with together4j or the naive way.
 *
 * <p>Arguments: {@code stream|naive <free bytes> <output dir> <base64 file>...}. After loading, the
 * child fills the old generation (Serial GC) with ballast until only {@code free bytes} stay free,
 * so the test does not depend on how much heap the JDK and OkHttp take on this machine. Exit code 0
 * on success; an {@link OutOfMemoryError} ends the JVM with a non-zero code and its message on
 * stderr.
 */
final class SmallHeapMain {
  private SmallHeapMain() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    long free = Long.parseLong(args[1]);
    Path out = Path.of(args[2]);
    // The client exists before its response does (OkHttp loads the trust store when built).
    Downloader downloader = TestImages.downloader();
    List<String> texts = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      // ISO-8859-1 lets the String share the array read from the file: no transient copy, so the
      // heap holds what a parsed response holds, the base64 text at 1 byte per character.
      texts.add(Files.readString(Path.of(args[i]), StandardCharsets.ISO_8859_1));
    }
    System.gc();
    MemoryPoolMXBean old =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getName().equals("Tenured Gen"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("run with -XX:+UseSerialGC"));
    MemoryUsage usage = old.getUsage();
    byte[] ballast = new byte[(int) (usage.getMax() - usage.getUsed() - free)];
    System.gc();
    usage = old.getUsage();
    System.out.println(
        "texts "
            + texts.stream().mapToLong(String::length).sum()
            + " chars; old gen "
            + usage.getUsed() / 1024
            + " KiB used (ballast "
            + ballast.length / 1024
            + " KiB), "
            + (usage.getMax() - usage.getUsed()) / 1024
            + " KiB free");
    if (mode.equals("stream")) {
      List<ImageChoicesData> data = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        data.add(ImageChoicesData.builder().index(i).b64Json(texts.get(i)).build());
      }
      ImageGenerationResult result =
          ImageGenerationResult.of(TestImages.response(data), downloader);
      texts = null;
      for (Path file : result.saveAll(out)) {
        System.out.println("saved " + file);
      }
    } else {
      // What the Python recipe does, translated: decode each image whole, then write it.
      for (int i = 0; i < texts.size(); i++) {
        byte[] bytes = Base64.getDecoder().decode(texts.get(i));
        Path file = out.resolve("image_" + i + ".png");
        Files.createDirectories(out);
        Files.write(file, bytes);
        System.out.println("saved " + file);
      }
    }
    System.out.println("done, ballast " + ballast.length + " bytes still held");
  }
}
