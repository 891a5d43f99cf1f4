package dev.adjoint.runtime.train;

import java.util.List;

/**
 * Where a training run stands after an epoch, enough to resume it exactly: the next epoch,
 * the history so far and early stopping's memory (best value and epoch, epochs without
 * improvement, the best weights). The model's own step counter, seed and parameters are in
 * the model.
 */
public record TrainerState(int nextEpoch, List<EpochRecord> history, double bestValue, int bestEpoch, int epochsWithoutImprovement,
    Snapshot best) {

  public TrainerState {
    history = List.copyOf(history);
  }

  /** A run that has not started. */
  public static TrainerState fresh() {
    return new TrainerState(0, List.of(), Double.NaN, -1, 0, null);
  }
}
