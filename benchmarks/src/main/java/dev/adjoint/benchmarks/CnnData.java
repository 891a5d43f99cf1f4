package dev.adjoint.benchmarks;

/**
 * W5's network (issue 14) and its shared start: conv(32 3x3, relu), max_pool 2, conv(64 3x3,
 * relu), max_pool 2, dense(128, relu), dense(10), softmax cross-entropy, Adam(lr 1e-3),
 * 28x28x1 images, batch 64, drawn as {@link ImageBatchData} draws them (fan_in = C_in·kh·kw
 * for a convolution).
 *
 * <p>Values are kept as Adjoint stores them (channels-last: filters [kh, kw, C_in, C_out],
 * dense weights [in, out], the flattened features in H, W, C order); {@link #pytorch} gives
 * PyTorch's layouts (filters [C_out, C_in, kh, kw], dense [out, in], features in C, H, W
 * order). A grey-scale image is the same 784 numbers in both layouts.
 */
public final class CnnData extends ImageBatchData {
  /** The parameters, in the order of {@link #values}: two convolutions, then two dense layers. */
  public static final String[] NAMES = {"c1.W", "c1.b", "c2.W", "c2.b", "l1.W", "l1.b", "l2.W", "l2.b"};

  private static final int K = 3;
  private static final int C1 = 32;
  private static final int C2 = 64;
  /** Side of the second pooling's output: 28 -conv-> 26 -pool-> 13 -conv-> 11 -pool-> 5. */
  private static final int S2 = 5;
  private static final int HIDDEN = 128;

  private CnnData() {
    super("cnn", NAMES, new int[][] {{K * K, K * K * C1, C1}, {K * K * C1, K * K * C1 * C2, C2},
        {S2 * S2 * C2, S2 * S2 * C2 * HIDDEN, HIDDEN}, {HIDDEN, HIDDEN * CLASSES, CLASSES}}, BenchData.SEED + 5);
  }

  /** The shared weights and batch; the same numbers on every call. */
  public static CnnData create() {
    return new CnnData();
  }

  @Override
  public float[] pytorch(int i) {
    return switch (i) {
      case 0 -> filtersOutInHw(values(0), K, 1, C1);
      case 2 -> filtersOutInHw(values(2), K, C1, C2);
      case 4 -> flattenedDense(values(4), S2, C2, HIDDEN);
      case 6 -> transpose(values(6), HIDDEN, CLASSES);
      default -> values(i);
    };
  }

  /** Floating-point operations of one training step: 3 x 2 x the multiply-adds of the four products. */
  public static double flopsPerStep() {
    double macs = 26.0 * 26 * K * K * 1 * C1 + 11.0 * 11 * K * K * C1 * C2 + S2 * S2 * C2 * HIDDEN
        + (double) HIDDEN * CLASSES;
    return 6.0 * BATCH * macs;
  }
}
