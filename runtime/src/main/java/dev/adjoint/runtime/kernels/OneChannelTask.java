package dev.adjoint.runtime.kernels;

/**
 * One call of a {@link OneChannelKernel}: the geometry and arrays of a convolution of one
 * input channel, cut into parts for the engine's threads ({@link PartedWork}). A thread keeps
 * one task and fills it per call, so a call allocates nothing. The forward pass is cut by
 * output rows; the filter gradient by {@link #units}, blocks of its output that each sum over
 * every pixel, so no part adds into another's result and the split changes no bit.
 */
final class OneChannelTask implements PartedWork {
  /** Below this many flops a call stays on the calling thread, as {@link GemmEngine} decides. */
  private static final double PARALLEL_FLOPS = GemmEngine.PARALLEL_FLOPS;

  float[] x;
  float[] w;
  float[] bias;
  boolean relu;
  float[] y;
  float[] dy;
  float[] dw;
  int n;
  int inH;
  int inW;
  int outH;
  int outW;
  int outC;
  int kh;
  int kw;
  int strideH;
  int strideW;
  int padH;
  int padW;
  int dilationH;
  int dilationW;
  /** Units of the filter gradient: one per tap and block of {@link #channelBlock} channels. */
  int units;
  /** Channels per unit of the filter gradient (the kernel's vector length). */
  int channelBlock;
  /**
   * Pixels per block of the filter gradient's sums: the shared engine's k blocking, or every
   * pixel in one block when the im2col product would have fewer than {@link MicroKernel#SMALL_M}
   * rows (taps), which the engine sums in one chain.
   */
  int depth;
  /** Per unit of the filter gradient, {@link #UNIT_FIELDS} ints: see {@link #unitField}. */
  int[] unitTable = new int[0];
  /** Field of {@link #unitTable}: the unit's tap row offset in the input, i·dilationH. */
  static final int TAP_ROW = 0;
  /** Field: the unit's tap column offset from an output column's first input column, j·dilationW - padW. */
  static final int TAP_COLUMN = 1;
  /** Field: the unit's first output channel. */
  static final int CHANNEL = 2;
  /** Field: the first output column whose tap falls inside the input. */
  static final int FIRST = 3;
  /** Field: one past the last output column whose tap falls inside the input. */
  static final int END = 4;
  /** Field: the unit's tap, i·kw + j. */
  static final int TAP = 5;
  static final int UNIT_FIELDS = 6;
  /** Per tap (i, j) of the kernel, its input's offset from tap (0, 0): i·dilationH·inW + j·dilationW. */
  int[] tapOffsets = new int[0];
  private boolean gradient;
  private OneChannelKernel kernel;

  /** Sets the geometry (checked by {@link Convolution} before). */
  OneChannelTask set(int n, int inH, int inW, int outH, int outW, int outC, int kh, int kw, int strideH,
      int strideW, int padH, int padW, int dilationH, int dilationW) {
    this.n = n;
    this.inH = inH;
    this.inW = inW;
    this.outH = outH;
    this.outW = outW;
    this.outC = outC;
    this.kh = kh;
    this.kw = kw;
    this.strideH = strideH;
    this.strideW = strideW;
    this.padH = padH;
    this.padW = padW;
    this.dilationH = dilationH;
    this.dilationW = dilationW;
    if (tapOffsets.length < kh * kw) {
      tapOffsets = new int[kh * kw];
    }
    for (int i = 0; i < kh; i++) {
      for (int j = 0; j < kw; j++) {
        tapOffsets[i * kw + j] = i * dilationH * inW + j * dilationW;
      }
    }
    return this;
  }

  /** y = epilogue(conv(x, w)), on the engine's threads when the call is large enough. */
  void forward(OneChannelKernel kernel, float[] x, float[] w, float[] bias, boolean relu, float[] y) {
    this.x = x;
    this.w = w;
    this.bias = bias;
    this.relu = relu;
    this.y = y;
    gradient = false;
    run(kernel);
  }

  /** dw = the filter gradient from x and dy, on the engine's threads when large enough. */
  void filterGradient(OneChannelKernel kernel, float[] x, float[] dy, float[] dw) {
    this.x = x;
    this.dy = dy;
    this.dw = dw;
    this.channelBlock = kernel.lanes();
    int blocks = (outC + channelBlock - 1) / channelBlock;
    this.units = kh * kw * blocks;
    this.depth = kh * kw < MicroKernel.SMALL_M ? Integer.MAX_VALUE : Gemm.engine().depthBlock();
    if (unitTable.length < units * UNIT_FIELDS) {
      unitTable = new int[units * UNIT_FIELDS];
    }
    for (int u = 0; u < units; u++) {
      int tap = u / blocks;
      int column = tap % kw * dilationW - padW;
      int at = u * UNIT_FIELDS;
      unitTable[at] = tap / kw * dilationH; // TAP_ROW
      unitTable[at + TAP_COLUMN] = column;
      unitTable[at + CHANNEL] = u % blocks * channelBlock;
      unitTable[at + FIRST] = Math.min(outW, ceilDiv(Math.max(0, -column), strideW));
      unitTable[at + END] = Math.max(unitTable[at + FIRST],
          Math.min(outW, Math.floorDiv(inW - 1 - column, strideW) + 1));
      unitTable[at + TAP] = tap;
    }
    gradient = true;
    run(kernel);
  }

  /** Field {@code field} of unit {@code unit} in {@link #unitTable}. */
  int unitField(int unit, int field) {
    return unitTable[unit * UNIT_FIELDS + field];
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  private void run(OneChannelKernel k) {
    this.kernel = k;
    try {
      if (2.0 * n * outH * outW * outC * kh * kw >= PARALLEL_FLOPS && Gemm.engine().threads() > 1) {
        Gemm.engine().runParts(this);
      } else {
        runPart(0, 1);
      }
    } finally {
      kernel = null;
      x = null;
      w = null;
      bias = null;
      y = null;
      dy = null;
      dw = null;
    }
  }

  @Override
  public void runPart(int part, int parts) {
    if (gradient) {
      kernel.filterGradient(this, (int) ((long) units * part / parts), (int) ((long) units * (part + 1) / parts));
    } else {
      int rows = n * outH;
      kernel.forward(this, (int) ((long) rows * part / parts), (int) ((long) rows * (part + 1) / parts));
    }
  }
}
