package dev.adjoint.data;

import dev.adjoint.runtime.random.CounterRng;

/**
 * Reproducible orders of rows: Fisher-Yates shuffles whose draws come from
 * {@link CounterRng} keyed by the seed, with the epoch as the step. No state is carried from
 * one epoch to the next, so a run resumed at epoch e shuffles exactly as the uninterrupted
 * run did.
 */
public final class Permutations {
  /** The generator stream of the per-epoch shuffles; far from the small streams of model graphs. */
  static final int SHUFFLE_STREAM = 0x5348_5546; // "SHUF"
  /** The generator stream of the one shuffle before splitting into train, val and test. */
  static final int SPLIT_STREAM = 0x5350_4C54; // "SPLT"

  private static final double TWO_POW_MINUS_24 = 0x1.0p-24;

  private Permutations() {}

  /** The order of {@code n} rows for one epoch of training with a seed. */
  public static int[] shuffled(int n, long seed, long epoch) {
    int[] order = new int[n];
    shuffle(order, seed, epoch);
    return order;
  }

  /** Fills {@code order} with the permutation {@link #shuffled} returns for its length; allocates nothing. */
  public static void shuffle(int[] order, long seed, long epoch) {
    permute(order, seed, epoch, SHUFFLE_STREAM);
  }

  /** 0, 1, ..., n-1: the order when shuffling is off. */
  public static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  /** Fisher-Yates over the identity: position i swaps with a position j &lt;= i drawn at element i. */
  static void permute(int[] order, long seed, long step, int stream) {
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      // 48 random bits, so that every j is (nearly) equally likely for any n an array can have
      double u = CounterRng.uniform(seed, step, stream, 2L * i)
          + CounterRng.uniform(seed, step, stream, 2L * i + 1) * TWO_POW_MINUS_24;
      int j = Math.min(i, (int) (u * (i + 1)));
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
