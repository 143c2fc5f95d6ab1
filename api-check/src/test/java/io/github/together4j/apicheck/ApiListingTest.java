package io.github.together4j.apicheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The public API of each published artifact equals its checked-in listing (module/api/*.api). After
 * an intended API change: {@value ApiListingFile#REGENERATE_COMMAND}, review, commit.
 */
class ApiListingTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "together4j-generated-client, io.github.together4j.images.generated.model.ImageRequest",
    "together4j-images,           io.github.together4j.images.TogetherImages",
    "together4j-images-testkit,   io.github.together4j.images.testkit.FakeTogetherServer",
    "together4j-langchain4j,      io.github.together4j.langchain4j.TogetherImageModel",
    "together4j-spring-ai,        io.github.together4j.spring.ai.TogetherImageModel",
    "together4j-spring-boot-autoconfigure,"
        + " io.github.together4j.spring.boot.autoconfigure.TogetherAutoConfiguration",
  })
  void publicApiMatchesCheckedInListing(String artifactId, String markerClass) throws Exception {
    String fileProperty = "together4j.api.file." + artifactId;
    String file = System.getProperty(fileProperty);
    assertThat(file)
        .as("system property %s (set by api-check/pom.xml; run through Maven)", fileProperty)
        .isNotBlank();

    // The jar (or classes directory) the artifact's classes come from, found through one of its
    // classes.
    ClassLoader loader = getClass().getClassLoader();
    Class<?> marker = Class.forName(markerClass, false, loader);
    Path root = Path.of(marker.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> classNames = ApiListing.classNames(root);
    assertThat(classNames).as("classes in %s", root).contains(markerClass);

    List<String> listing = ApiListing.listing(classNames, loader);
    assertThat(listing)
        .as("listing of %s", root)
        .anyMatch(line -> line.contains(" " + markerClass));

    Optional<String> failure =
        ApiListingFile.check(
            artifactId,
            Path.of(file).toAbsolutePath().normalize(),
            listing,
            Boolean.getBoolean(ApiListingFile.UPDATE_PROPERTY));
    if (failure.isPresent()) {
      fail(failure.get());
    }
  }
}
