package dev.adjoint.runtime.kernels;

import java.util.Objects;

/**
 * The B operand of many products packed once: a loop-invariant weight read by a product at
 * every step of a loop (an LSTM's {@code h·weight_hhᵀ}) is packed before the loop instead of
 * at every call. The whole k × n matrix is held as slivers of {@code nr} columns at full
 * depth (element (p, j) of sliver s at {@code s·nr·k + p·nr + j}, columns past n zero), so
 * any k blocking and any split of the columns on sliver boundaries reads its micro-panels
 * in place. Made by {@link GemmEngine#packed} for that engine's kernel; its buffer is
 * allocated once and {@link GemmEngine#pack} refills it, so a training step allocates nothing.
 */
public final class PackedMatrix {
  final int k;
  final int n;
  final int nr;
  final float[] data;
  // The source of the last pack: products of fewer than MicroKernel.SMALL_M rows read it directly.
  float[] source;
  int sourceOffset;
  boolean sourceTransposed;

  PackedMatrix(int k, int n, int nr) {
    if (k < 1 || n < 1) {
      throw new IllegalArgumentException("a packed matrix needs k >= 1 and n >= 1, not k = " + k + ", n = " + n);
    }
    long size = (long) (n + nr - 1) / nr * nr * k;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a packed " + k + " x " + n + " matrix does not fit one array");
    }
    this.k = k;
    this.n = n;
    this.nr = nr;
    this.data = new float[(int) size];
  }

  /** Rows of logical B (the products' depth). */
  public int k() {
    return k;
  }

  /** Columns of logical B. */
  public int n() {
    return n;
  }

  /** Whether {@link GemmEngine#pack} has filled it. */
  public boolean packed() {
    return source != null;
  }

  /**
   * Packs logical B (k × n, stored n × k when {@code transposeB}) from {@code b} at
   * {@code offset}; the array is remembered for products too small to use the packing.
   */
  void fill(boolean transposeB, float[] b, int offset) {
    Objects.requireNonNull(b, "b");
    long needed = offset + (long) k * n;
    if (offset < 0 || needed > b.length) {
      throw new IllegalArgumentException("b: " + b.length + " floats cannot hold a " + k + " x " + n
          + " matrix at offset " + offset);
    }
    int slivers = (n + nr - 1) / nr;
    for (int s = 0; s < slivers; s++) {
      int first = s * nr;
      int cols = Math.min(nr, n - first);
      int base = s * nr * k;
      for (int p = 0; p < k; p++) {
        int to = base + p * nr;
        if (transposeB) {
          int from = offset + first * k + p;
          for (int j = 0; j < cols; j++) {
            data[to + j] = b[from + j * k];
          }
        } else {
          System.arraycopy(b, offset + p * n + first, data, to, cols);
        }
        for (int j = cols; j < nr; j++) {
          data[to + j] = 0f;
        }
      }
    }
    source = b;
    sourceOffset = offset;
    sourceTransposed = transposeB;
  }
}
