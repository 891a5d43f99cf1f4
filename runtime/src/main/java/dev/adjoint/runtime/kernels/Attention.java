package dev.adjoint.runtime.kernels;

import dev.adjoint.runtime.ops.DoubleGemm;
import dev.adjoint.runtime.ops.ExpTable;

/**
 * Fused scaled dot-product attention, what an ATTENTION node calls: for each of
 * {@code batches} independent heads, O = softmax(mask(scale·Q·Kᵀ))·V with Q [tq, d], K [tk, d],
 * V [tk, dv] and O [tq, dv] laid out one after the other.
 *
 * <p>A masked score is replaced by -1e30 before the softmax (as {@code masked_fill} with a
 * large negative number does), so a row whose keys are all masked attends evenly to all of
 * them instead of giving NaN. A key is masked when the mask holds 0 there (the mask is
 * [tq, tk], shared by every head when {@code maskStride} is 0, or one such block per head),
 * or, when {@code causal}, when it comes after the query (key j &gt; query i, PyTorch's
 * {@code is_causal}).
 *
 * <p>The scores of all heads go through the packed GEMM into a per-thread workspace that
 * grows on first need and is then reused, so a steady-state call allocates nothing; the
 * probabilities are never kept, the backward pass recomputes them.
 */
public final class Attention {
  /** What a masked score becomes: finite in f32, so a fully masked row stays finite. */
  public static final float MASKED = -1e30f;

  private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[1][0]);
  private static final ThreadLocal<double[][]> DOUBLES = ThreadLocal.withInitial(() -> new double[1][0]);

  private Attention() {}

  /** The f32 kernel; {@code mask} may be null. */
  public static void forward(int batches, int tq, int tk, int d, int dv, float[] q, float[] k, float[] v,
      float[] mask, int maskStride, boolean causal, float scale, float[] out) {
    int block = tq * tk;
    float[][] holder = FLOATS.get();
    if (holder[0].length < batches * block) {
      holder[0] = new float[batches * block];
    }
    float[] s = holder[0];
    Gemm.multiplyBatched(false, true, batches, tq, tk, d, q, 0, tq * d, k, 0, tk * d, s, 0, block, false);
    SoftmaxRows rows = ROWS.get();
    rows.set(s, batches, tq, tk, mask, maskStride, causal, scale);
    try {
      Gemm.engine().runParts(rows);
    } finally {
      rows.set(null, 0, 0, 0, null, 0, false, 0);
    }
    Gemm.multiplyBatched(false, false, batches, tq, dv, tk, s, 0, block, v, 0, tk * dv, out, 0, tq * dv, false);
  }

  private static final ThreadLocal<SoftmaxRows> ROWS = ThreadLocal.withInitial(SoftmaxRows::new);

  /**
   * The masked softmax of every score row of one f32 forward call, rows shared between the
   * engine's threads (each row is computed alone, so the result does not depend on their
   * number). One reusable instance per calling thread, so a call allocates nothing.
   */
  private static final class SoftmaxRows implements PartedWork {
    private float[] s;
    private float[] mask;
    private int heads;
    private int tq;
    private int tk;
    private int maskStride;
    private boolean causal;
    private float scale;

    void set(float[] s, int heads, int tq, int tk, float[] mask, int maskStride, boolean causal, float scale) {
      this.s = s;
      this.heads = heads;
      this.tq = tq;
      this.tk = tk;
      this.mask = mask;
      this.maskStride = maskStride;
      this.causal = causal;
      this.scale = scale;
    }

    @Override
    public void runPart(int part, int parts) {
      int rows = heads * tq;
      int end = PartedWork.startRow(rows, tk, part + 1, parts);
      for (int r = PartedWork.startRow(rows, tk, part, parts); r < end; r++) {
        softmaxRow(s, r / tq, r % tq, tq, tk, mask, maskStride, causal, scale);
      }
    }
  }

  /** Row i of head h: scaled, masked, exponentiated and normalized in place. */
  private static void softmaxRow(float[] s, int h, int i, int tq, int tk, float[] mask, int maskStride,
      boolean causal, float scale) {
    int row = (h * tq + i) * tk;
    int maskRow = h * maskStride + i * tk;
    // Past the diagonal of a causal mask every weight is exactly 0 (e^(-1e30 - max)
    // underflows), so only the first i + 1 columns take an exponential.
    int kept = causal ? Math.min(i + 1, tk) : tk;
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < kept; j++) {
      float z = mask == null || mask[maskRow + j] != 0 ? s[row + j] * scale : MASKED;
      s[row + j] = z;
      max = z > max ? z : max; // a NaN score is passed over but makes its whole row NaN below
    }
    if (max == MASKED && kept < tk) {
      // Every kept column masked: the softmax of a row of equal scores is uniform over
      // all tk columns, the diagonal's future ones included, as masked_fill gives.
      java.util.Arrays.fill(s, row + kept, row + tk, MASKED);
      kept = tk;
    }
    float sum = 0;
    for (int j = 0; j < kept; j++) {
      float e = (float) ExpTable.exp(s[row + j] - max);
      s[row + j] = e;
      sum += e;
    }
    float inverse = 1 / sum;
    for (int j = 0; j < kept; j++) {
      s[row + j] *= inverse;
    }
    java.util.Arrays.fill(s, row + kept, row + tk, 0f);
  }

  /** The f64 kernel, for models declared in f64; {@code mask} may be null. */
  public static void forward(int batches, int tq, int tk, int d, int dv, double[] q, double[] k, double[] v,
      double[] mask, int maskStride, boolean causal, double scale, double[] out) {
    int block = tq * tk;
    double[][] holder = DOUBLES.get();
    if (holder[0].length < batches * block) {
      holder[0] = new double[batches * block];
    }
    double[] s = holder[0];
    DoubleGemm.multiplyBatched(false, true, batches, tq, tk, d, q, 0, tq * d, k, 0, tk * d, s, 0, block, false);
    for (int h = 0; h < batches; h++) {
      for (int i = 0; i < tq; i++) {
        int row = h * block + i * tk;
        int maskRow = h * maskStride + i * tk;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < tk; j++) {
          boolean kept = (!causal || j <= i) && (mask == null || mask[maskRow + j] != 0);
          double z = kept ? s[row + j] * scale : MASKED;
          s[row + j] = z;
          max = Math.max(max, z);
        }
        double sum = 0;
        for (int j = 0; j < tk; j++) {
          double e = Math.exp(s[row + j] - max);
          s[row + j] = e;
          sum += e;
        }
        for (int j = 0; j < tk; j++) {
          s[row + j] /= sum;
        }
      }
    }
    DoubleGemm.multiplyBatched(false, false, batches, tq, dv, tk, s, 0, block, v, 0, tk * dv, out, 0, tq * dv,
        false);
  }
}
