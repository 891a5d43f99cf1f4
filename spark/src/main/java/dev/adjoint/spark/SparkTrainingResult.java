package dev.adjoint.spark;

import dev.adjoint.runtime.model.CompiledModel;
import java.util.List;
import java.util.Map;

/**
 * A finished data-parallel run: the model on the driver with the final training state (the
 * best epoch's, when early stopping restores it), each epoch's metrics, and whether early
 * stopping ended the run.
 */
public record SparkTrainingResult(CompiledModel model, List<Map<String, Double>> history, boolean stoppedEarly) {
  public SparkTrainingResult {
    history = List.copyOf(history);
  }
}
