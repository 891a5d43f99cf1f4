package dev.adjoint.runtime.kernels;

/**
 * The operands of one product, in a mutable record reused from call to call so that a
 * product allocates nothing. Logical A is m x k, logical B is k x n, C is m x n row-major.
 */
final class GemmTask {
  int m;
  int n;
  int k;
  /** A stored k x m (its transpose) rather than m x k. */
  boolean transposeA;
  /** B stored n x k (its transpose) rather than k x n. */
  boolean transposeB;
  float[] a;
  int aOffset;
  float[] b;
  int bOffset;
  float[] c;
  int cOffset;
  boolean accumulate;
  /** Null when there is no bias epilogue. */
  float[] bias;
  int biasOffset;
  boolean relu;

  void set(boolean transposeA, boolean transposeB, int m, int n, int k, float[] a, int aOffset,
      float[] b, int bOffset, float[] c, int cOffset, boolean accumulate, float[] bias,
      int biasOffset, boolean relu) {
    this.transposeA = transposeA;
    this.transposeB = transposeB;
    this.m = m;
    this.n = n;
    this.k = k;
    this.a = a;
    this.aOffset = aOffset;
    this.b = b;
    this.bOffset = bOffset;
    this.c = c;
    this.cOffset = cOffset;
    this.accumulate = accumulate;
    this.bias = bias;
    this.biasOffset = biasOffset;
    this.relu = relu;
  }

  /** Drops the array references so a finished product does not keep them alive. */
  void clear() {
    a = null;
    b = null;
    c = null;
    bias = null;
  }
}
