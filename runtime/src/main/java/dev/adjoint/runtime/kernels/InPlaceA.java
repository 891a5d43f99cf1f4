package dev.adjoint.runtime.kernels;

/**
 * Where a task's A lies, for a micro-kernel that reads it in place instead of from packed
 * panels ({@link MicroKernel#tileInPlace}): element (i, p) of logical A at
 * {@code start(t, i, p) + di * rowStride(t) + dp * stepStride(t)} relative to (i + di, p + dp).
 * A stored m × k has rows of k floats; stored k × m (transposed), its columns are contiguous.
 */
final class InPlaceA {
  /**
   * Largest m, and largest n, for which A is read in place. Packing A costs as much whatever
   * n is and is repaid over n / nr tiles, so a wide product packs (W7's 1600 × 1024 × 256
   * product was 5% slower in place); and A stored transposed is read one step of k every m
   * floats, so at m = 1024 each step touches a new 4 KB page (W7's 1024 × 256 × 1600 weight
   * gradient was 28% slower in place than from packed panels, where W6's 128- and 512-row
   * ones were 1.3-1.6× faster). Both ways give the same bits.
   */
  static final int MAX_SIDE = 512;

  private InPlaceA() {}

  /** Whether the loops should let the kernel read this task's A in place rather than pack it. */
  static boolean suits(GemmTask t) {
    return t.n <= MAX_SIDE && (!t.transposeA || t.m <= MAX_SIDE);
  }

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
