package io.github.together4j.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code together4j generate-completion}: the bash (and zsh) completion script. */
@Command(
    name = "generate-completion",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    header = "Prints a shell completion script.",
    description = {
      "Prints a completion script for bash and zsh. Load it in this shell with",
      "  source <(together4j generate-completion)",
      "or save it where your shell reads completions from."
    })
final class CompletionCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().getOut().print(AutoComplete.bash("together4j", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
  }
}
