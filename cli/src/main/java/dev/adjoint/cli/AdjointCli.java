package dev.adjoint.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code adjoint} command: one subcommand per stage a user can look at. */
@Command(name = "adjoint", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Compiles .nn files — a network, its loss and how to train it — into Java.",
    subcommands = {CheckCommand.class, GraphCommand.class, InspectCommand.class, CompileCommand.class,
        TrainCommand.class, EvalCommand.class, PredictCommand.class, GradcheckCommand.class, SampleCommand.class,
        ImportCommand.class, ExportCommand.class, ReportCommand.class,
        CommandLine.HelpCommand.class})
public final class AdjointCli {

  /** Exit status: the files compiled. */
  public static final int OK = 0;
  /** Exit status: a .nn file has errors, or a file could not be read. */
  public static final int INPUT_ERRORS = 1;
  /** Exit status: the command line itself is wrong. */
  public static final int USAGE = 2;
  /** Exit status: Adjoint failed on its own. */
  public static final int INTERNAL_ERROR = 3;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams; returns the exit status. Never throws. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(new CommandLine(new AdjointCli()), args, out, err);
  }

  /** Runs {@code cli}, the command line or (in tests) one with more subcommands, with Adjoint's error handling. */
  static int run(CommandLine cli, String[] args, PrintWriter out, PrintWriter err) {
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(e -> INTERNAL_ERROR);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      err.println("adjoint: internal error: " + e);
      err.println("This is a bug in Adjoint, not in your input. Please report it together with the command: adjoint "
          + String.join(" ", args));
      if (debug()) {
        e.printStackTrace(err);
      } else {
        err.println("(set ADJOINT_DEBUG=1 to see the stack trace)");
      }
      return INTERNAL_ERROR;
    });
    cli.setParameterExceptionHandler((e, a) -> {
      err.println("adjoint: " + e.getMessage());
      e.getCommandLine().usage(err);
      return USAGE;
    });
    if (args.length == 0) {
      cli.usage(err);
      return USAGE;
    }
    int status;
    try {
      status = cli.execute(args);
    } catch (OutOfMemoryError e) { // the model or its data does not fit the heap: not a bug
      err.println("adjoint: " + describe(e));
      status = INPUT_ERRORS;
    } catch (Throwable e) { // picocli's handler sees only exceptions: errors such as StackOverflowError end here
      err.println("adjoint: internal error: " + describe(e)
          + (debug() ? "" : " (set ADJOINT_DEBUG=1 to see the stack trace)"));
      if (debug()) {
        e.printStackTrace(err);
      }
      status = INTERNAL_ERROR;
    }
    out.flush();
    err.flush();
    return status;
  }

  private static boolean debug() {
    return System.getenv("ADJOINT_DEBUG") != null;
  }

  /** What went wrong, in one line, with what may help when the JVM ran out of a resource. */
  static String describe(Throwable e) {
    if (e instanceof StackOverflowError) {
      return "out of stack space (" + e.getClass().getName() + "); a larger stack may help: ADJOINT_JAVA_OPTS=-Xss64m";
    }
    if (e instanceof OutOfMemoryError) {
      return "out of memory (" + e + "); more heap may help: ADJOINT_JAVA_OPTS=-Xmx8g";
    }
    return e.toString();
  }
}
