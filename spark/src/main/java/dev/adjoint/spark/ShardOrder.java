package dev.adjoint.spark;

import java.util.SplittableRandom;

/**
 * The order a worker visits its partition's rows in: an endless stream of passes over the
 * shard, each pass a permutation drawn from the seed, the partition and the pass (or the rows
 * in order when the train block says {@code shuffle false}). A function of those alone, so
 * that a retried task trains on exactly the rows the failed one did.
 */
final class ShardOrder {
  private final int rows;
  private final long seed;
  private final int partition;
  private final boolean shuffle;
  private int[] order;
  private long pass = -1;

  ShardOrder(int rows, long seed, int partition, boolean shuffle) {
    this.rows = rows;
    this.seed = seed;
    this.partition = partition;
    this.shuffle = shuffle;
  }

  /** The row at {@code position} of the stream. */
  int row(long position) {
    long p = position / rows;
    int i = (int) (position % rows);
    if (!shuffle) {
      return i;
    }
    if (p != pass) {
      order = permutation(p);
      pass = p;
    }
    return order[i];
  }

  private int[] permutation(long p) {
    SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (partition + 1))
        ^ (0xC2B2AE3D27D4EB4FL * (p + 1)));
    int[] out = new int[rows];
    for (int i = 0; i < rows; i++) {
      out[i] = i;
    }
    for (int i = rows - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }
}
