package dev.adjoint.cli;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.runs.CheckpointEvaluation;
import dev.adjoint.compiler.runs.ConsoleReport;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adjoint eval FILE --checkpoint C}: the metrics of a checkpoint on the train block's splits. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Evaluates a checkpoint on the data of the model's train block: loss and metrics per split.")
final class EvalCommand implements Callable<Integer> {
  /** The splits --split accepts. */
  enum Split { train, val, test, all }

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  CheckpointedModel target;

  @Option(names = "--split", paramLabel = "SPLIT", description = "train, val, test or all (default: test)")
  Split split = Split.test;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Optional<ModelUnit> unit = target.unit(err);
    if (unit.isEmpty()) {
      return AdjointCli.INPUT_ERRORS;
    }
    List<String> splits = split == Split.all ? List.of("train", "val", "test") : List.of(split.name());
    return RunErrors.report(err, () -> {
      CheckpointEvaluation.Result result = CheckpointEvaluation.evaluateWithClasses(unit.get(), target.checkpoint,
          splits, target.allowNonFiniteWeights);
      Map<String, Map<String, Double>> metrics = result.metrics();
      if (metrics.isEmpty()) {
        err.println("error: the " + split + " split of " + target.file + " has no rows");
        return AdjointCli.INPUT_ERRORS;
      }
      PrintWriter out = spec.commandLine().getOut();
      out.print(ConsoleReport.table(metrics));
      result.classes().forEach((name, report) -> out.print("\n" + report.text(name)));
      if (out.checkError()) {
        err.println("error: the metrics could not be written to standard output");
        return AdjointCli.INPUT_ERRORS;
      }
      String nonFinite = nonFinite(metrics);
      if (nonFinite != null) {
        err.println("error: " + nonFinite + " is not a finite number: the checkpoint's outputs or loss overflow or "
            + "are undefined on some rows of " + target.file + "'s data (values far outside the training data, or a "
            + "diverged checkpoint?)");
        return AdjointCli.INPUT_ERRORS;
      }
      return AdjointCli.OK;
    });
  }

  /** The first metric whose value is NaN or infinite, as {@code loss on the test split (Infinity)}, or null. */
  static String nonFinite(Map<String, Map<String, Double>> metrics) {
    for (Map.Entry<String, Map<String, Double>> split : metrics.entrySet()) {
      for (Map.Entry<String, Double> m : split.getValue().entrySet()) {
        if (!Double.isFinite(m.getValue())) {
          return "the " + m.getKey() + " on the " + split.getKey() + " split (" + m.getValue() + ")";
        }
      }
    }
    return null;
  }
}
