package dev.adjoint.cli;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.runs.TrainingRun;
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

/** {@code adjoint train FILE}: trains a model as its train block says, with checkpoints in a run folder. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Trains a model of a .nn file as its train block says.",
        "Loads and splits the data, compiles the model, trains it with a checkpoint after every epoch, and prints"
            + " the final metrics of each split."})
final class TrainCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the .nn file")
  Path file;

  @Option(names = "--model", paramLabel = "NAME", description = "the model to train, when the file has several")
  String model;

  @Option(names = "--set", paramLabel = "NAME=VALUE", description = "override a hyperparameter, e.g. --set hidden=128")
  List<String> sets = new ArrayList<>();

  @Option(names = "--epochs", paramLabel = "N", description = "train for N epochs (at least 1) instead of the train block's")
  Integer epochs;

  @Option(names = "--out", paramLabel = "DIR", description = "the run folder (default: runs/MODEL)")
  Path out;

  @Option(names = "--resume", description = "continue the run in the folder from its last checkpoint")
  boolean resume;

  @Option(names = "--overwrite", description = "replace a previous run in the folder (refused without this flag)")
  boolean overwrite;

  @Option(names = "--allow-non-finite-weights",
      description = "with --resume, continue even from checkpoints holding NaN or infinite values (refused otherwise)")
  boolean allowNonFiniteWeights;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (epochs != null && epochs < 1) {
      err.println("adjoint train: --epochs must be at least 1, got " + epochs
          + " (to measure a checkpoint without training, use adjoint eval)");
      return AdjointCli.USAGE;
    }
    if (resume && overwrite) {
      err.println("adjoint train: --resume and --overwrite exclude each other: continue the run or replace it");
      return AdjointCli.USAGE;
    }
    Optional<ModelUnit> unit = TrainedModelChoice.choose(file, model, sets, err);
    if (unit.isEmpty()) {
      return AdjointCli.INPUT_ERRORS;
    }
    Path folder = out != null ? out : Path.of("runs", unit.get().name());
    return RunErrors.report(err, () -> {
      new TrainingRun(unit.get(), folder, spec.commandLine().getOut(), System.console() != null ? new ProgressBars() : null)
          .run(epochs == null ? 0 : epochs, resume, overwrite, allowNonFiniteWeights);
      return AdjointCli.OK;
    });
  }
}
