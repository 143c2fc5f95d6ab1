package io.github.together4j.cli;

import io.github.together4j.images.TogetherException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Every failure as one line on standard error, {@code error: …}, and its exit status: 2 for a
 * command line or configuration that cannot work, 1 for work that failed. A stack trace only with
 * {@code --verbose}.
 */
final class Errors implements IParameterExceptionHandler, IExecutionExceptionHandler {
  private final Context context;
  private final BooleanSupplier verbose;

  Errors(Context context, BooleanSupplier verbose) {
    this.context = context;
    this.verbose = verbose;
  }

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    print(command.getErr(), describe(e), e);
    return Failure.USAGE;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
    int status;
    String message;
    if (e instanceof Failure failure) {
      status = failure.exitCode();
      message = failure.getMessage();
    } else if (e instanceof TogetherException) {
      status = Failure.FAILED;
      message = e.getMessage();
    } else if (e instanceof UncheckedIOException) {
      status = Failure.FAILED;
      message = e.getMessage();
    } else {
      status = Failure.FAILED;
      message =
          e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + (verbose.getAsBoolean() ? "" : " (--verbose shows where)");
    }
    print(command.getErr(), String.valueOf(message), e);
    return status;
  }

  private void print(PrintWriter err, String message, Exception e) {
    String prefix = context.color() ? "\u001b[1;31merror:\u001b[0m " : "error: ";
    err.println(prefix + Text.oneLine(message));
    if (verbose.getAsBoolean()) {
      e.printStackTrace(err);
    }
    err.flush();
  }

  /** One line for a command line picocli refused, naming the option and what it allows. */
  static String describe(ParameterException e) {
    CommandLine command = e.getCommandLine();
    String name = command.getCommandName();
    String help = " (see " + qualifiedName(command) + " --help)";
    if (e instanceof UnmatchedArgumentException unmatched) {
      List<String> args = unmatched.getUnmatched();
      String first = args.isEmpty() ? "" : args.get(0);
      List<String> suggestions = unmatched.getSuggestions();
      if (!unmatched.isUnknownOption() && !first.isEmpty()) {
        // picocli's similarity also offers "batch" for "generat": keep the commands that start
        // as the word does, if any do.
        List<String> alike =
            suggestions.stream().filter(s -> s.charAt(0) == first.charAt(0)).toList();
        suggestions = alike.isEmpty() ? suggestions : alike;
      }
      String didYouMean =
          suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ", suggestions) + "?";
      if (unmatched.isUnknownOption()) {
        return "unknown option " + first + didYouMean + help;
      }
      if (command.getSubcommands().isEmpty()) {
        return "unexpected argument \""
            + first
            + "\": "
            + name
            + " takes one "
            + positionalLabel(command)
            + "; put a prompt of several words in quotes";
      }
      return "unknown command \"" + first + "\"" + didYouMean + help;
    }
    if (e instanceof MissingParameterException missing) {
      for (ArgSpec arg : missing.getMissing()) {
        if (arg instanceof OptionSpec option) {
          return option.longestName() + " needs a value (" + option.paramLabel() + ")" + help;
        }
      }
      return "missing " + positionalLabel(command) + help;
    }
    ArgSpec arg = e.getArgSpec();
    if (e.getCause() instanceof TypeConversionException conversion && arg != null) {
      String option = arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel();
      return option + " " + e.getValue() + ": " + conversion.getMessage();
    }
    return String.valueOf(e.getMessage());
  }

  private static String positionalLabel(CommandLine command) {
    var positionals = command.getCommandSpec().positionalParameters();
    return positionals.isEmpty() ? "argument" : positionals.get(0).paramLabel();
  }

  private static String qualifiedName(CommandLine command) {
    StringBuilder name = new StringBuilder(command.getCommandName());
    for (CommandLine parent = command.getParent(); parent != null; parent = parent.getParent()) {
      name.insert(0, parent.getCommandName() + " ");
    }
    return name.toString();
  }
}
