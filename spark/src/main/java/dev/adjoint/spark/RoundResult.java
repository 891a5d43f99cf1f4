package dev.adjoint.spark;

import java.io.Serializable;

/**
 * What the workers of one round add up to: the sum of their training states each weighted by
 * the samples it trained on, the total weight, and the sum of the per-sample losses of their
 * steps. A partition without rows gives {@link #EMPTY}, which changes no sum.
 */
record RoundResult(double[] weightedState, double weight, double lossSum, long samples) implements Serializable {
  static final RoundResult EMPTY = new RoundResult(null, 0, 0, 0);

  /** The two sums added. */
  static RoundResult merge(RoundResult a, RoundResult b) {
    if (a.weightedState == null) {
      return b.weightedState == null ? new RoundResult(null, 0, a.lossSum + b.lossSum, a.samples + b.samples) : b;
    }
    if (b.weightedState == null) {
      return a;
    }
    double[] sum = a.weightedState.clone();
    for (int i = 0; i < sum.length; i++) {
      sum[i] += b.weightedState[i];
    }
    return new RoundResult(sum, a.weight + b.weight, a.lossSum + b.lossSum, a.samples + b.samples);
  }

  /** The weighted mean of the workers' states. */
  double[] average() {
    if (weightedState == null || weight == 0) {
      throw new IllegalStateException("no partition holds a row to train on");
    }
    double[] mean = weightedState.clone();
    for (int i = 0; i < mean.length; i++) {
      mean[i] /= weight;
    }
    return mean;
  }

  /** The mean loss per sample of the round's steps. */
  double meanLoss() {
    return samples == 0 ? Double.NaN : lossSum / samples;
  }
}
