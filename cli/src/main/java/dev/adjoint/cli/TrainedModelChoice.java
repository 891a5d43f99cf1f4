package dev.adjoint.cli;

import dev.adjoint.compiler.frontend.DataPresence;
import dev.adjoint.compiler.frontend.ModelUnit;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The one model with a train block a training command works on (its data files required), or
 * an error saying why there is none.
 */
final class TrainedModelChoice {
  private TrainedModelChoice() {}

  static Optional<ModelUnit> choose(Path file, String model, List<String> sets, PrintWriter err) {
    Optional<List<ModelUnit>> units = ModelSelection.select(file, model, sets, DataPresence.REQUIRED, err);
    if (units.isEmpty()) {
      return Optional.empty();
    }
    List<ModelUnit> trained = units.get().stream().filter(ModelUnit::hasTrain).toList();
    if (trained.isEmpty()) {
      err.println(file + ": error: " + (model != null ? "model '" + model + "' has" : "the file has")
          + " no train block; add one: train " + units.get().get(0).name() + " { data ...; optimizer ... }");
      return Optional.empty();
    }
    if (trained.size() > 1) {
      err.println(file + ": error: several models have a train block ("
          + String.join(", ", trained.stream().map(ModelUnit::name).toList()) + "); choose one with --model");
      return Optional.empty();
    }
    return Optional.of(trained.get(0));
  }
}
