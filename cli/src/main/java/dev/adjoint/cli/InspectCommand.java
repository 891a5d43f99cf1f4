package dev.adjoint.cli;

import dev.adjoint.compiler.frontend.ModelUnit;
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

/** {@code adjoint inspect FILE}: prints the Java source Adjoint generates for each model. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Prints the generated Java class of each model in a .nn file.")
final class InspectCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the .nn file")
  Path file;

  @Option(names = "--model", paramLabel = "NAME", description = "only this model")
  String model;

  @Option(names = "--set", paramLabel = "NAME=VALUE", description = "override a hyperparameter, e.g. --set hidden=128")
  List<String> sets = new ArrayList<>();

  @Option(names = "--inference", description = "the predictor class: the inference graph only")
  boolean inference;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<List<ModelUnit>> units = ModelSelection.select(file, model, sets, spec.commandLine().getErr());
    if (units.isEmpty()) {
      return AdjointCli.INPUT_ERRORS;
    }
    boolean first = true;
    for (ModelUnit unit : units.get()) {
      if (!first) {
        out.println();
      }
      first = false;
      out.print(Sources.generate(unit, dev.adjoint.compiler.codegen.ModelCompiler.DEFAULT_PACKAGE, inference)
          .source());
    }
    return AdjointCli.OK;
  }
}
