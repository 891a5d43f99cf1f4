package dev.adjoint.cli;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.source.SourceFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code adjoint check FILE...}: reports every error in the files; exit 0 when there are none. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Checks .nn files and reports every error found; exit status 0 when all are clean, 1 otherwise.")
final class CheckCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = ".nn files to check")
  List<Path> files = new ArrayList<>();

  @Option(names = "--set", paramLabel = "NAME=VALUE", description = "override a hyperparameter, e.g. --set hidden=128")
  List<String> sets = new ArrayList<>();

  @Option(names = {"-q", "--quiet"}, description = "print nothing for files without errors")
  boolean quiet;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean failed = false;
    for (Path path : files) {
      Optional<SourceFile> file = SourceFiles.read(path, err);
      if (file.isEmpty()) {
        failed = true;
        continue;
      }
      Compilation compilation = Frontend.compile(file.get(), sets);
      err.print(compilation.diagnostics().format());
      if (!compilation.ok()) {
        failed = true;
      } else if (!quiet) {
        out.println(path + ": ok (" + describe(compilation) + ")");
      }
    }
    return failed ? AdjointCli.INPUT_ERRORS : AdjointCli.OK;
  }

  private static String describe(Compilation c) {
    int models = c.models().size();
    long trains = c.models().stream().filter(m -> m.hasTrain()).count();
    return models + (models == 1 ? " model" : " models") + (trains > 0 ? ", " + trains + " trained" : "");
  }
}
