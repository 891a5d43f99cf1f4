package dev.adjoint.spark;

import java.io.Serializable;

/**
 * What the workers of one round add up to. A worker's own result holds its state as
 * {@link StateBytes} ({@code state}) with the number of samples it trained on as its weight;
 * merging two results gives their weighted sum in doubles ({@code weightedSum}, each state
 * times its weight, added), with the total weight and the sums of the per-sample losses. The
 * arithmetic is that of summing {@code weight · value} in doubles whatever the tree, so a
 * worker's floats travel as floats and lose nothing. A partition without rows gives
 * {@link #EMPTY}, which changes no sum.
 */
record RoundResult(byte[] state, double[] weightedSum, double weight, double lossSum, long samples)
    implements Serializable {
  static final RoundResult EMPTY = new RoundResult(null, null, 0, 0, 0);

  /** One worker's result: its state after the round, weighted by {@code weight} samples. */
  static RoundResult of(byte[] state, double weight, double lossSum, long samples) {
    return new RoundResult(state, null, weight, lossSum, samples);
  }

  private boolean empty() {
    return state == null && weightedSum == null;
  }

  /** The two sums added. */
  static RoundResult merge(RoundResult a, RoundResult b) {
    if (a.empty() || b.empty()) {
      RoundResult held = a.empty() ? b : a;
      return new RoundResult(held.state, held.weightedSum, held.weight, a.lossSum + b.lossSum,
          a.samples + b.samples);
    }
    double[] sum = a.sum();
    if (b.weightedSum != null) {
      if (b.weightedSum.length != sum.length) {
        throw new IllegalArgumentException("sums of " + sum.length + " and " + b.weightedSum.length + " values");
      }
      for (int i = 0; i < sum.length; i++) {
        sum[i] += b.weightedSum[i];
      }
    } else {
      StateBytes.addTo(b.state, b.weight, sum);
    }
    return new RoundResult(null, sum, a.weight + b.weight, a.lossSum + b.lossSum, a.samples + b.samples);
  }

  /** The weighted sum as a new array. */
  private double[] sum() {
    if (weightedSum != null) {
      return weightedSum.clone();
    }
    double[] sum = new double[StateBytes.count(state)];
    StateBytes.addTo(state, weight, sum);
    return sum;
  }

  /** The weighted mean of the workers' states. */
  double[] average() {
    if (empty() || weight == 0) {
      throw new IllegalStateException("no partition holds a row to train on");
    }
    double[] mean = sum();
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
