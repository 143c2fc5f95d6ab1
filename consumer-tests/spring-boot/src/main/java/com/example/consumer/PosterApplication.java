package com.example.consumer;

import java.nio.file.Path;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A user's application: it starts, makes one poster through the injected Spring AI ImageModel and
 * one through the injected TogetherImages, and exits. The key and base URL come from together.*
 * properties (or TOGETHER_API_KEY / TOGETHER_BASE_URL); the output directory from poster.out.
 */
@SpringBootApplication
public class PosterApplication {
  public static void main(String[] args) throws Exception {
    try (ConfigurableApplicationContext context = SpringApplication.run(PosterApplication.class, args)) {
      Path out = Path.of(context.getEnvironment().getProperty("poster.out", "posters"));
      PosterService posters = context.getBean(PosterService.class);
      System.out.println("poster: " + posters.throughImageModel("A lighthouse at dusk", out));
      System.out.println("poster: " + posters.throughTogetherImages("A lighthouse at dawn", out));
    }
    // No System.exit: the JVM ends when main returns only if nothing left a thread running.
  }
}
