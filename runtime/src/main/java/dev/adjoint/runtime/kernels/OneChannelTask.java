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
    this.units = kh * kw * ((outC + channelBlock - 1) / channelBlock);
    gradient = true;
    run(kernel);
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
