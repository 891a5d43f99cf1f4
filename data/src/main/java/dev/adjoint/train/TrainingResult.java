package dev.adjoint.train;

import java.util.List;

/**
 * What a training run did: every epoch's record, whether early stopping ended it, and the
 * number of the best epoch (from 1, as everywhere; 0 without early stopping or when no epoch
 * improved) whose weights the model holds when asked to restore.
 */
public record TrainingResult(List<EpochRecord> history, boolean stoppedEarly, int bestEpoch, boolean restored) {
  public TrainingResult {
    history = List.copyOf(history);
  }
}
