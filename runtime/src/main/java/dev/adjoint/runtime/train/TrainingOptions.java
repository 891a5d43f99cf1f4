package dev.adjoint.runtime.train;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How to train: batch size, epochs, the seed of shuffling and of the model's random draws,
 * the learning-rate schedule over the optimizer's base rate, the metrics to report, and
 * early stopping (null for none).
 */
public record TrainingOptions(int batch, int epochs, long seed, boolean shuffle, double baseLearningRate,
    Schedule schedule, Supplier<List<Metric>> metrics, EarlyStopping earlyStopping) {

  public TrainingOptions {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs must not be negative, got " + epochs);
    }
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(metrics, "metrics");
  }
}
