package dev.adjoint.compiler.cli;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.training.CheckpointEvaluation;
import dev.adjoint.compiler.training.ConsoleReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code adjoint eval FILE --checkpoint C}: the metrics of a checkpoint on the train block's splits. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Evaluates a checkpoint on the data of the model's train block: loss and metrics per split.")
final class EvalCommand implements Callable<Integer> {
  /** The splits --split accepts. */
  enum Split { train, val, test, all }

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the .nn file")
  Path file;

  @Option(names = "--checkpoint", required = true, paramLabel = "C", description = "a checkpoint of adjoint train")
  Path checkpoint;

  @Option(names = "--split", paramLabel = "SPLIT", description = "train, val, test or all (default: test)")
  Split split = Split.test;

  @Option(names = "--model", paramLabel = "NAME", description = "the model, when the file has several")
  String model;

  @Option(names = "--set", paramLabel = "NAME=VALUE", description = "the hyperparameters the checkpoint was trained with")
  List<String> sets = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isRegularFile(checkpoint)) {
      err.println(checkpoint + ": error: no such checkpoint");
      return AdjointCli.INPUT_ERRORS;
    }
    Optional<ModelUnit> unit = TrainedModelChoice.choose(file, model, sets, err);
    if (unit.isEmpty()) {
      return AdjointCli.INPUT_ERRORS;
    }
    List<String> splits = split == Split.all ? List.of("train", "val", "test") : List.of(split.name());
    return RunErrors.report(err, () -> {
      Map<String, Map<String, Double>> metrics = CheckpointEvaluation.evaluate(unit.get(), checkpoint, splits);
      if (metrics.isEmpty()) {
        err.println("error: the " + split + " split of " + file + " has no rows");
        return AdjointCli.INPUT_ERRORS;
      }
      spec.commandLine().getOut().print(ConsoleReport.table(metrics));
      return AdjointCli.OK;
    });
  }
}
