package dev.adjoint.runtime.kernels;

/**
 * Where a task's A lies, for a micro-kernel that reads it in place instead of from packed
 * panels ({@link MicroKernel#tileInPlace}): element (i, p) of logical A at
 * {@code start(t, i, p) + di * rowStride(t) + dp * stepStride(t)} relative to (i + di, p + dp).
 * A stored m × k has rows of k floats; stored k × m (transposed), its columns are contiguous.
 */
final class InPlaceA {
  private InPlaceA() {}

  /** Index of element (i, p) of logical A in the task's array. */
  static int start(GemmTask t, int i, int p) {
    return t.transposeA ? t.aOffset + p * t.m + i : t.aOffset + i * t.k + p;
  }

  /** Distance between elements (i, p) and (i + 1, p). */
  static int rowStride(GemmTask t) {
    return t.transposeA ? 1 : t.k;
  }

  /** Distance between elements (i, p) and (i, p + 1). */
  static int stepStride(GemmTask t) {
    return t.transposeA ? t.m : 1;
  }
}
