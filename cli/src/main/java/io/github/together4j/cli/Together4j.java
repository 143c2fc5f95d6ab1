package io.github.together4j.cli;

import io.github.together4j.images.TogetherImages;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The top-level {@code together4j} command; its subcommands do the work. */
@Command(
    name = "together4j",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Generates images with Together AI from the command line.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      GenerateCommand.class,
      BatchCommand.class,
      ModelsCommand.class,
      CompletionCommand.class
    },
    footerHeading = "%nEnvironment:%n",
    footer = {
      "  TOGETHER_API_KEY   your key, from https://api.together.ai/settings/api-keys;",
      "                     without it, an embedded fake server draws the images",
      "  TOGETHER_BASE_URL  the API's base URL, default " + TogetherImages.DEFAULT_BASE_URL,
      "  NO_COLOR           set to turn colour off",
      "",
      "Example:",
      "  together4j generate \"a lighthouse at dusk\" --n 2 --size 1024x768"
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:done",
      "1:the call to Together, a download or a file failed",
      "2:bad command line or configuration",
      "3:batch: some items failed",
      "130:batch: interrupted (Ctrl-C)"
    })
final class Together4j implements Runnable {

  final Context context;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Say more: where calls go, timings, and the stack trace of a failure.")
  boolean verbose;

  @Spec CommandSpec spec;

  Together4j(Context context) {
    this.context = context;
  }

  /** With no command: the help, as {@code together4j --help} prints it. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A command line for {@code context}, with this tool's error handling and colours. */
  static CommandLine commandLine(Context context) {
    Together4j top = new Together4j(context);
    CommandLine commandLine = new CommandLine(top);
    Errors errors = new Errors(context, () -> top.verbose);
    commandLine.setParameterExceptionHandler(errors);
    commandLine.setExecutionExceptionHandler(errors);
    commandLine.setColorScheme(
        CommandLine.Help.defaultColorScheme(
            context.color() && context.interactive() ? Ansi.ON : Ansi.OFF));
    return commandLine;
  }

  /** Runs {@code args} and returns the exit status, output flushed. */
  static int run(Context context, String... args) {
    CommandLine commandLine = commandLine(context);
    int status = commandLine.execute(args);
    commandLine.getOut().flush();
    commandLine.getErr().flush();
    return status;
  }
}
