package io.github.together4j.cli;

import io.github.together4j.images.ImageModelInfo;
import io.github.together4j.images.TogetherImages;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code together4j models}: the models Together serves. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    header = "Lists Together's image models.",
    description = {
      "Lists Together's image models: id, name, maker and base price (per megapixel).",
      "On a terminal, a table; otherwise one tab-separated line per model (id, name,",
      "organization, price; --all adds the type after the id)."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:done",
      "1:the call to Together failed",
      "2:bad command line or configuration"
    })
final class ModelsCommand implements Callable<Integer> {
  @ParentCommand Together4j parent;

  @Spec CommandSpec spec;

  @Option(names = "--all", description = "Every model Together serves, of every type.")
  boolean all;

  @Option(names = "--json", description = "Print one JSON array and nothing else.")
  boolean json;

  @Override
  public Integer call() {
    Context context = parent.context;
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    try (Connection connection =
        Connection.configure(context, new Transfers(context.clock()), false)) {
      TogetherImages client = connection.client(stderr, false);
      if (parent.verbose) {
        stderr.println("GET " + connection.baseUrl() + "models");
        stderr.flush();
      }
      List<ImageModelInfo> models = all ? client.models() : client.imageModels();
      if (json) {
        stdout.println(Report.json(models));
      } else {
        List<List<String>> rows = new ArrayList<>();
        for (ImageModelInfo model : models) {
          List<String> row = new ArrayList<>();
          row.add(model.id());
          if (all) {
            row.add(model.type());
          }
          row.add(orEmpty(model.displayName()));
          row.add(orEmpty(model.organization()));
          ImageModelInfo.Pricing pricing = model.pricing();
          String price = pricing == null ? "" : Text.number(pricing.base());
          row.add(context.interactive() && !price.isEmpty() ? "$" + price : price);
          rows.add(row.stream().map(Text::oneLine).toList());
        }
        if (context.interactive()) {
          List<String> header = new ArrayList<>(List.of("ID"));
          if (all) {
            header.add("TYPE");
          }
          header.addAll(List.of("NAME", "ORGANIZATION", "PRICE"));
          printTable(stdout, header, rows);
        } else {
          rows.forEach(row -> stdout.println(String.join("\t", row)));
        }
      }
      stdout.flush();
      if (models.isEmpty() && !json) {
        stderr.println(all ? "Together lists no models" : "Together lists no image models");
        stderr.flush();
      }
      return 0;
    }
  }

  private static void printTable(PrintWriter out, List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        line.append(cell);
        if (i < row.size() - 1) {
          line.append(" ".repeat(widths[i] - cell.length() + 2));
        }
      }
      out.println(line);
    }
  }

  private static String orEmpty(@Nullable String value) {
    return value == null ? "" : value;
  }
}
