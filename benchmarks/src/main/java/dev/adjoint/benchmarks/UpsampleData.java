package dev.adjoint.benchmarks;

/**
 * W5t's network (issue 14's transposed convolution) and its shared start: a strided
 * convolution down, conv(16 3x3, stride 2, padding 1, relu): 28x28x1 to 14x14x16, a transposed
 * convolution back up, conv_transpose(8 4x4, stride 2, padding 1, relu): to 28x28x8, then
 * dense(10) over the flattened map, softmax cross-entropy, Adam(lr 1e-3), batch 64, drawn as
 * {@link ImageBatchData} draws them. PyTorch's ConvTranspose2d takes fan_in from its weight's
 * second axis times the kernel (C_out·kh·kw), and so does this start.
 *
 * <p>Adjoint's layouts: filters [kh, kw, C_in, C_out], transposed filters [kh, kw, C_out, C_in],
 * dense [in, out] over H, W, C; {@link #pytorch} gives PyTorch's ([C_out, C_in, kh, kw],
 * [C_in, C_out, kh, kw], [out, in] over C, H, W).
 */
public final class UpsampleData extends ImageBatchData {
  /** The parameters: the convolution, the transposed convolution, the dense layer. */
  public static final String[] NAMES = {"d.W", "d.b", "u.W", "u.b", "l.W", "l.b"};

  private static final int DOWN = 16;
  private static final int UP = 8;
  private static final int SIDE = 28;

  private UpsampleData() {
    super("upsample", NAMES, new int[][] {{3 * 3, 3 * 3 * DOWN, DOWN}, {4 * 4 * UP, 4 * 4 * UP * DOWN, UP},
        {SIDE * SIDE * UP, SIDE * SIDE * UP * CLASSES, CLASSES}}, BenchData.SEED + 8);
  }

  /** The shared weights and batch; the same numbers on every call. */
  public static UpsampleData create() {
    return new UpsampleData();
  }

  @Override
  public float[] pytorch(int i) {
    return switch (i) {
      case 0 -> filtersOutInHw(values(0), 3, 1, DOWN);
      case 2 -> transposedFiltersInOutHw(values(2), 4, UP, DOWN);
      case 4 -> flattenedDense(values(4), SIDE, UP, CLASSES);
      default -> values(i);
    };
  }

  /**
   * Floating-point operations of one training step: 3 x 2 x the multiply-adds of the three
   * products (the transposed convolution's counted over its 14x14 input, as its GEMM runs).
   */
  public static double flopsPerStep() {
    double macs = 14.0 * 14 * 3 * 3 * 1 * DOWN + 14.0 * 14 * 4 * 4 * UP * DOWN + (double) SIDE * SIDE * UP * CLASSES;
    return 6.0 * BATCH * macs;
  }
}
