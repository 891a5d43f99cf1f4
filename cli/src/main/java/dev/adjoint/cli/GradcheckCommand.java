package dev.adjoint.cli;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.gradcheck.CheckTable;
import dev.adjoint.compiler.gradcheck.GradientCheck;
import dev.adjoint.compiler.ir.Graph;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code adjoint gradcheck FILE [--model M] [--batch N] [--seed S]}: each model's gradients
 * checked against finite differences and the compiled code ({@link GradientCheck}); exit 1
 * naming the tensors that failed.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
    description = "Checks a model's gradients with respect to every parameter and floating-point input on random data:"
        + " the f64 symbolic gradient against central finite differences, the compiled gradient against the f64 one."
        + " Exit status 1 when any disagrees.")
final class GradcheckCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the .nn file")
  Path file;

  @Option(names = "--model", paramLabel = "M", description = "the model to check (default: every model with a loss)")
  String model;

  @Option(names = "--batch", paramLabel = "N", description = "samples of random data (default: ${DEFAULT-VALUE})")
  int batch = 2;

  @Option(names = "--seed", paramLabel = "S", description = "seed of the data, initializers and dropout"
      + " (default: ${DEFAULT-VALUE})")
  long seed = 0;

  @Option(names = "--samples", paramLabel = "K", description = "elements per tensor compared with finite differences;"
      + " smaller tensors are compared whole (default: ${DEFAULT-VALUE})")
  int samples = 32;

  @Option(names = "--set", paramLabel = "NAME=VALUE", description = "override a hyperparameter, e.g. --set hidden=16")
  List<String> sets = new ArrayList<>();

  /** Applied to each model's graph before checking: identity, except in tests that inject a wrong derivative rule. */
  private final UnaryOperator<Graph> edit;

  GradcheckCommand() {
    this(UnaryOperator.identity());
  }

  /** For tests only: the command line has no way to reach this. */
  GradcheckCommand(UnaryOperator<Graph> edit) {
    this.edit = edit;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (batch < 1 || samples < 1) {
      err.println("adjoint: --batch and --samples must be at least 1");
      return AdjointCli.USAGE;
    }
    Optional<List<ModelUnit>> units = ModelSelection.select(file, model, sets, err);
    if (units.isEmpty()) {
      return AdjointCli.INPUT_ERRORS;
    }
    List<ModelUnit> trainable = units.get().stream().filter(u -> u.graph().loss() != null).toList();
    if (trainable.isEmpty()) {
      err.println(file + ": error: " + (model != null ? "model " + model + " has" : "the file's models have")
          + " no loss, so no gradient to check");
      return AdjointCli.INPUT_ERRORS;
    }
    List<String> failures = new ArrayList<>();
    for (ModelUnit unit : trainable) {
      ModelUnit edited = new ModelUnit(unit.declaration(), edit.apply(unit.graph()), unit.train());
      GradientCheck.Report report = GradientCheck.run(edited, new GradientCheck.Settings(batch, seed, samples));
      out.print(CheckTable.format(report));
      report.failures().forEach(f -> failures.add(unit.name() + ": " + f));
    }
    if (!failures.isEmpty()) {
      err.println("gradcheck failed: " + String.join(", ", failures));
      return AdjointCli.INPUT_ERRORS;
    }
    out.println("gradcheck passed");
    return AdjointCli.OK;
  }
}
