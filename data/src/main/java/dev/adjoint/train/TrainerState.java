package dev.adjoint.train;

import java.util.List;

/**
 * Where a training run stands after an epoch, enough to resume it exactly: the number of
 * epochs done ({@code nextEpoch}: the next epoch is number nextEpoch + 1), the history so far
 * and early stopping's memory (best value, the best epoch's number from 1 or 0 for none,
 * epochs without improvement, the best weights). The model's own step counter, seed and
 * parameters are in the model.
 */
public record TrainerState(int nextEpoch, List<EpochRecord> history, double bestValue, int bestEpoch, int epochsWithoutImprovement,
    Snapshot best) {

  public TrainerState {
    history = List.copyOf(history);
  }

  /** A run that has not started. */
  public static TrainerState fresh() {
    return new TrainerState(0, List.of(), Double.NaN, 0, 0, null);
  }
}
