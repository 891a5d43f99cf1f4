package dev.adjoint.runtime.kernels;

/**
 * A register-blocked micro-kernel and the cache blocking that feeds it (BLIS terms: MR x NR
 * tile, KC/MC/NC blocks). It multiplies one packed micro-panel of A ({@code mr} rows by
 * {@code kc}) with one packed micro-panel of B ({@code kc} by {@code nr} columns) and stores
 * the tile into C with an epilogue chosen by {@code mode}.
 *
 * Products with fewer than {@link #SMALL_M} rows go through {@link #rows} instead.
 *
 * <p>Every implementation must compute an element of C the same way wherever its tile sits
 * (full or edge tile), so that splitting C differently across threads never changes a bit.
 */
abstract class MicroKernel {
  /** Store phase adds the old value of C (accumulation, or a k block after the first). */
  static final int LOAD = 1;
  /** Store phase adds {@code bias[column]} (only on the first k block). */
  static final int BIAS = 2;
  /** Store phase applies {@code Math.max(0f, v)} (only on the last k block). */
  static final int RELU = 4;

  /**
   * Products with fewer rows than this skip packing and the tiles: packing B would cost as
   * much as the product itself (inference on one sample is m = 1).
   */
  static final int SMALL_M = 4;

  /** Rows of the register tile. */
  final int mr;
  /** Columns of the register tile. */
  final int nr;
  /** Depth of a k block: a B micro-panel of kc x nr floats stays in L1 (or close, in L2). */
  final int kc;
  /** Rows of an A block: mc x kc floats stay in L2. A multiple of mr. */
  final int mc;
  /** Columns of a B block: kc x nc floats stay in L3. A multiple of nr. */
  final int nc;

  MicroKernel(int mr, int nr, int kc, int mc, int nc) {
    this.mr = mr;
    this.nr = nr;
    this.kc = kc;
    this.mc = mc;
    this.nc = nc;
  }

  /** Whether this kernel uses the Vector API. */
  abstract boolean vectorized();

  /** A short description for diagnostics, e.g. {@code "vector 256-bit 4x16"}. */
  abstract String describe();

  @Override
  public String toString() {
    return describe();
  }

  /**
   * Computes the tile C[0:rows, 0:cols] = epilogue(A-panel · B-panel).
   *
   * @param kc depth of this k block
   * @param a packed A micro-panel: element (i, p) at {@code a[aOff + p * mr + i]}
   * @param b packed B micro-panel: element (p, j) at {@code b[bOff + p * nr + j]}
   * @param c the output, element (i, j) at {@code c[cOff + i * ldc + j]}
   * @param rows valid rows, at most {@code mr}
   * @param cols valid columns, at most {@code nr}
   * @param mode a combination of {@link #LOAD}, {@link #BIAS} and {@link #RELU}
   * @param bias bias for column j at {@code bias[biasOff + j]} when mode has BIAS
   * @param scratch at least {@code mr * nr} floats for edge tiles
   */
  abstract void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
      int rows, int cols, int mode, float[] bias, int biasOff, float[] scratch);

  /**
   * Whether {@link #tileInPlace} reads A where it lies, so that the loops around the kernel
   * need not pack A: a kernel that broadcasts one element of A per row and step of k reads
   * A's rows (or, stored transposed, its columns) in place as cheaply as a packed panel.
   */
  boolean readsAInPlace() {
    return false;
  }

  /**
   * {@link #tile} with A read in place: element (i, p) at {@code a[aOff + i * aRow + p * aStep]}
   * (a packed panel is {@code aRow = 1, aStep = mr}); rows past {@code rows} are never stored.
   * Each element of C is computed exactly as {@link #tile} computes it from the packed panel.
   * Only called when {@link #readsAInPlace} is true.
   */
  void tileInPlace(int kc, float[] a, int aOff, int aRow, int aStep, float[] b, int bOff, float[] c,
      int cOff, int ldc, int rows, int cols, int mode, float[] bias, int biasOff, float[] scratch) {
    throw new UnsupportedOperationException(describe() + " reads A from packed panels only");
  }

  /**
   * Columns {@code [j0, j1)} of C for a product with fewer than {@link #SMALL_M} rows, straight
   * from A and B (no packing, k not blocked), with the task's epilogue. Each element must be
   * computed the same way whatever {@code j0} is, as in {@link #tile}.
   */
  abstract void rows(GemmTask t, int j0, int j1, Workspace workspace);

  /** The store-phase mode of a whole product computed in one pass over k. */
  static int mode(GemmTask t) {
    return (t.accumulate ? LOAD : 0) | (t.bias != null ? BIAS : 0) | (t.relu ? RELU : 0);
  }

  /**
   * Row {@code i} of logical A as a contiguous run: A itself unless it is stored transposed,
   * in which case the row is gathered into {@code buffer} (returned, offset 0).
   */
  static float[] rowOfA(GemmTask t, int i, float[] buffer) {
    if (!t.transposeA) {
      return t.a;
    }
    for (int p = 0; p < t.k; p++) {
      buffer[p] = t.a[t.aOffset + p * t.m + i];
    }
    return buffer;
  }

  /** Offset of row {@code i} of A in the array {@link #rowOfA} returned. */
  static int rowOfAOffset(GemmTask t, int i) {
    return t.transposeA ? 0 : t.aOffset + i * t.k;
  }

  /**
   * Stores an edge tile held in {@code acc} (row stride {@code nr}) into C with the epilogue.
   * The arithmetic matches the vector store phase element by element: {@code acc + c}, then
   * {@code + bias}, then {@code Math.max(0f, v)}.
   */
  static void storeEdge(float[] acc, int nr, float[] c, int cOff, int ldc, int rows, int cols,
      int mode, float[] bias, int biasOff) {
    boolean load = (mode & LOAD) != 0;
    boolean addBias = (mode & BIAS) != 0;
    boolean relu = (mode & RELU) != 0;
    for (int i = 0; i < rows; i++) {
      int row = cOff + i * ldc;
      for (int j = 0; j < cols; j++) {
        float v = acc[i * nr + j];
        if (load) {
          v = v + c[row + j];
        }
        if (addBias) {
          v = v + bias[biasOff + j];
        }
        if (relu) {
          v = Math.max(0f, v);
        }
        c[row + j] = v;
      }
    }
  }
}
