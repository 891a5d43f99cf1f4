package dev.adjoint.cli;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.runs.RecordedSets;
import dev.adjoint.data.DataFiles;
import dev.adjoint.runtime.checkpoint.CheckpointException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The options of the commands that run a trained model ({@code eval}, {@code predict}): the
 * .nn file, its checkpoint, and the model and hyperparameters it was trained with. The
 * checkpoint records its run's {@code --set} values ({@link RecordedSets}): without
 * {@code --set} they are used, and different ones are refused, naming both.
 */
final class CheckpointedModel {
  @Parameters(index = "0", paramLabel = "FILE", description = "the .nn file")
  Path file;

  @Option(names = "--checkpoint", required = true, paramLabel = "C", description = "a checkpoint of adjoint train")
  Path checkpoint;

  @Option(names = "--model", paramLabel = "NAME", description = "the model, when the file has several")
  String model;

  @Option(names = "--set", paramLabel = "NAME=VALUE",
      description = "the hyperparameters the checkpoint was trained with (default: those it records)")
  List<String> sets = new ArrayList<>();

  @Option(names = "--allow-non-finite-weights",
      description = "load a checkpoint even when it holds NaN or infinite values (refused otherwise)")
  boolean allowNonFiniteWeights;

  /** The model with a train block, once the checkpoint is known to exist; empty after an error said on {@code err}. */
  Optional<ModelUnit> unit(PrintWriter err) {
    String problem = DataFiles.problem(checkpoint);
    if (problem != null && Files.exists(checkpoint)) {
      err.println(checkpoint + ": error: " + problem);
      return Optional.empty();
    }
    if (problem != null) {
      Path name = checkpoint.getFileName();
      err.println(checkpoint + ": error: no such checkpoint" + (name != null
          && name.toString().equals("best.safetensors")
          ? "; adjoint train writes best.safetensors only with early_stopping in the train block: "
              + "use last.safetensors" : ""));
      return Optional.empty();
    }
    Optional<List<String>> recorded;
    try {
      recorded = RecordedSets.of(checkpoint);
    } catch (CheckpointException e) {
      err.println("error: " + e.getMessage());
      return Optional.empty();
    }
    List<String> effective = sets;
    if (recorded.isPresent() && sets.isEmpty()) {
      effective = recorded.get();
    } else if (recorded.isPresent() && !RecordedSets.same(sets, recorded.get())) {
      err.println(checkpoint + ": error: the checkpoint was trained with " + RecordedSets.describe(recorded.get())
          + ", not " + RecordedSets.describe(sets) + "; leave out --set to use the checkpoint's values");
      return Optional.empty();
    }
    return TrainedModelChoice.choose(file, model, effective, err);
  }
}
