package io.github.together4j.images.examples;

import java.nio.file.Path;

/**
 * Runs every example in turn, against one client: Together with {@code TOGETHER_API_KEY}, else the
 * embedded fake server.
 */
public final class Main {
  private Main() {}

  /**
   * Runs the examples.
   *
   * @param args optionally, the output directory (default {@code generated-images})
   */
  public static void main(String[] args) {
    Path out = args.length > 0 ? Path.of(args[0]) : Examples.DEFAULT_OUTPUT;
    try (Examples.Session session = Examples.connect()) {
      var client = session.client();
      String b64 = AccessBase64Example.run(client);
      System.out.println("== access base64: " + b64.length() + " characters");
      System.out.println(
          "== decode and save: "
              + DecodeAndSaveExample.run(client, out.resolve("decode-and-save")));
      System.out.println(
          "== multiple images: "
              + MultipleImagesExample.run(client, out.resolve("multiple-images")));
      System.out.println(
          "== url results: " + UrlResultsExample.run(client, out.resolve("url-results")));
      System.out.println("== inspect metadata:");
      InspectMetadataExample.run(client).forEach(line -> System.out.println("   " + line));
      System.out.println("== async: " + GenerateAsyncExample.run(client, out.resolve("async")));
      System.out.println(
          "== langchain4j: " + LangChain4jExample.run(client, out.resolve("langchain4j")));
      System.out.println("== image models:");
      ListImageModels.run(client).forEach(line -> System.out.println("   " + line));
    }
  }
}
