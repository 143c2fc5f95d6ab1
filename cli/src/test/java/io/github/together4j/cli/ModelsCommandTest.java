package io.github.together4j.cli;

import static io.github.together4j.cli.Runs.env;
import static io.github.together4j.cli.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.together4j.cli.Runs.Run;
import io.github.together4j.images.generated.model.ModelInfo;
import io.github.together4j.images.testkit.FakeTogether;
import io.github.together4j.images.testkit.FakeTogetherServer;
import io.github.together4j.images.testkit.Fault;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code together4j models}, in-process, against the testkit's model list. */
@FakeTogether
class ModelsCommandTest {
  private static Context keyed(FakeTogetherServer server) {
    return Context.of(env(server.apiKey(), server.baseUrl()));
  }

  private static List<String> ids(FakeTogetherServer server, boolean onlyImages) {
    return server.models().stream()
        .filter(m -> !onlyImages || "image".equals(m.type()))
        .map(ModelInfo::id)
        .sorted(Comparator.naturalOrder())
        .toList();
  }

  @Test
  void listsTheImageModelsOnePerTabSeparatedLine(FakeTogetherServer server) {
    Run run = run(keyed(server), "models");

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.err()).isEmpty();
    List<String> expected = ids(server, true);
    assertThat(expected).hasSize(5);
    assertThat(run.outLines()).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(run.outLines().get(i).split("\t", -1)).hasSize(4).startsWith(expected.get(i));
    }
    assertThat(run.out())
        .contains(
            "black-forest-labs/FLUX.1-schnell\tFLUX.1 [schnell]\tBlack Forest Labs\t0.0027\n");
    assertThat(server.takeRequest().toString()).startsWith("GET /v1/models");
  }

  @Test
  void allListsEveryTypeWithItsTypeColumn(FakeTogetherServer server) {
    Run run = run(keyed(server), "models", "--all");

    assertThat(run.status()).as(run.toString()).isZero();
    List<String> expected = ids(server, false);
    assertThat(expected).hasSizeGreaterThan(5);
    assertThat(run.outLines()).hasSameSizeAs(expected);
    assertThat(run.outLines())
        .anySatisfy(
            line -> assertThat(line).startsWith("meta-llama/Llama-3.3-70B-Instruct-Turbo\tchat\t"));
  }

  @Test
  void aTerminalGetsATableWithAHeader(FakeTogetherServer server) {
    Run run = run(keyed(server).withTerminal(true, false), "models");

    assertThat(run.status()).isZero();
    assertThat(run.outLines().get(0)).matches("ID +NAME +ORGANIZATION +PRICE");
    assertThat(run.out()).contains("$0.0027").doesNotContain("\t");
  }

  @Test
  void jsonIsOneArrayWithWhatTogetherSays(FakeTogetherServer server) throws Exception {
    Run run = run(keyed(server), "models", "--json");

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.err()).isEmpty();
    List<Object> models = Runs.jsonArray(run.out());
    assertThat(models).hasSize(5);
    @SuppressWarnings("unchecked")
    Map<String, Object> first = (Map<String, Object>) models.get(0);
    assertThat(first)
        .containsKeys(
            "id", "type", "display_name", "organization", "link", "license", "created", "pricing");
    assertThat(first.get("id")).isEqualTo(ids(server, true).get(0));
    assertThat(first.get("type")).isEqualTo("image");
  }

  @Test
  void withoutKeyTheEmbeddedServerListsItsModels() {
    Run run = run("models");

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.outLines())
        .hasSize(5)
        .allSatisfy(line -> assertThat(line).startsWith("black-forest-labs/"));
    assertThat(run.errLines())
        .singleElement()
        .asString()
        .startsWith("No TOGETHER_API_KEY set: using the embedded fake Together server");
  }

  @Test
  void failureIsOneLineAndExitsOne(FakeTogetherServer server) {
    server.enqueueModels(Fault.error(403, "permission_error", "not for\nyou"));

    Run run = run(keyed(server), "models");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines())
        .singleElement()
        .asString()
        .startsWith("error: HTTP 403 permission_error: not for you");
  }

  @Test
  void unknownOptionIsAUsageError(FakeTogetherServer server) {
    Run run = run(keyed(server), "models", "--images");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.errLines())
        .containsExactly("error: unknown option --images (see together4j models --help)");
    assertThat(server.modelsRequestCount()).isZero();
  }
}
