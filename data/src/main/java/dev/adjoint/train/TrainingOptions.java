package dev.adjoint.train;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How to train: batch size, epochs, the seed of shuffling and of the model's random draws,
 * the learning-rate schedule over the optimizer's base rate, the metrics to report, early
 * stopping (null for none), how the loss reduces its batch (for the epoch's loss per sample),
 * and the penalties the training step adds to the loss (subtracted again for the reported loss).
 */
public record TrainingOptions(int batch, int epochs, long seed, boolean shuffle, double baseLearningRate,
    Schedule schedule, Supplier<List<Metric>> metrics, EarlyStopping earlyStopping, Metric.Reduction lossReduction,
    Penalty penalty) {

  /** Options for a loss that is a mean over its batch, without penalties. */
  public TrainingOptions(int batch, int epochs, long seed, boolean shuffle, double baseLearningRate,
      Schedule schedule, Supplier<List<Metric>> metrics, EarlyStopping earlyStopping) {
    this(batch, epochs, seed, shuffle, baseLearningRate, schedule, metrics, earlyStopping, Metric.Reduction.MEAN,
        Penalty.NONE);
  }

  public TrainingOptions {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs must not be negative, got " + epochs);
    }
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(lossReduction, "lossReduction");
    Objects.requireNonNull(penalty, "penalty");
  }
}
