package dev.adjoint.runtime.kernels;

import java.util.Arrays;

/**
 * Channels-last convolutions in f32 for generated code, as products on the shared
 * {@link Gemm} engine (so they run on its threads): the input is [N, H, W, C_in], the
 * filters [kh, kw, C_in / groups, C_out] (read as a [kh·kw·C_in/groups, C_out] matrix), the
 * output [N, H_out, W_out, C_out]. A 1-D convolution is the case H = kh = 1.
 *
 * <p>Each product reads the input through im2col: the patches of one group as rows of a
 * [N·H_out·W_out, kh·kw·C_in/groups] matrix, in a buffer kept per thread and reused, so a
 * steady-state step allocates nothing (as the GEMM's own packing buffers). The three entry
 * points are the convolution and its two derivatives:
 *
 * <ul>
 *   <li>{@link #forward}: y = im2col(x) · W ({@link #forwardBias} with a bias row added as the
 *       GEMM stores its tiles, {@link #forwardBiasRelu} with the relu after it);
 *   <li>{@link #inputGradient}: dx = col2im(dy · Wᵀ), the transposed convolution;
 *   <li>{@link #filterGradient}: dW = im2col(x)ᵀ · dy.
 * </ul>
 *
 * A convolution of one input channel (a first layer on grey-scale images) skips im2col and the
 * GEMM when the Vector API is in use: {@link OneChannelKernel} computes its forward pass and
 * filter gradient directly.
 *
 * <p>Geometry arguments, in this order everywhere: n, inH, inW, inC, outH, outW, outC, kh, kw,
 * strideH, strideW, padH, padW (padding before; the padding after is implied by the output
 * size), dilationH, dilationW, groups.
 */
public final class Convolution {
  private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

  private Convolution() {}

  /** y = conv(x, w). */
  public static void forward(float[] x, float[] w, float[] y, int n, int inH, int inW, int inC, int outH, int outW,
      int outC, int kh, int kw, int strideH, int strideW, int padH, int padW, int dilationH, int dilationW,
      int groups) {
    forwardBias(x, w, null, y, n, inH, inW, inC, outH, outW, outC, kh, kw, strideH, strideW, padH, padW, dilationH,
        dilationW, groups);
  }

  /** y = conv(x, w) + bias (a [outC] row, or null for none), the bias added as the GEMM's epilogue. */
  public static void forwardBias(float[] x, float[] w, float[] bias, float[] y, int n, int inH, int inW, int inC,
      int outH, int outW, int outC, int kh, int kw, int strideH, int strideW, int padH, int padW, int dilationH,
      int dilationW, int groups) {
    forwardEpilogue(x, w, bias, false, y, n, inH, inW, inC, outH, outW, outC, kh, kw, strideH, strideW, padH, padW,
        dilationH, dilationW, groups);
  }

  /**
   * y = max(conv(x, w) + bias, 0): a convolution layer with a relu in one call, the bias and
   * the relu applied by the GEMM as it stores each tile (its epilogue), so y is written once.
   */
  public static void forwardBiasRelu(float[] x, float[] w, float[] bias, float[] y, int n, int inH, int inW,
      int inC, int outH, int outW, int outC, int kh, int kw, int strideH, int strideW, int padH, int padW,
      int dilationH, int dilationW, int groups) {
    forwardEpilogue(x, w, java.util.Objects.requireNonNull(bias, "bias"), true, y, n, inH, inW, inC, outH, outW,
        outC, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, groups);
  }

  private static void forwardEpilogue(float[] x, float[] w, float[] bias, boolean relu, float[] y, int n, int inH,
      int inW, int inC, int outH, int outW, int outC, int kh, int kw, int strideH, int strideW, int padH, int padW,
      int dilationH, int dilationW, int groups) {
    Scratch s = CURRENT.get().set(n, inH, inW, inC, outH, outW, outC, kh, kw, strideH, strideW, padH, padW,
        dilationH, dilationW, groups);
    OneChannelKernel direct = OneChannelKernel.KERNEL;
    if (direct != null && inC == 1) {
      s.oneChannel().forward(direct, x, w, bias, relu, y);
      return;
    }
    for (int g = 0; g < groups; g++) {
      float[] col = s.im2col(x, g);
      if (groups == 1) {
        product(s.rows, outC, s.patch, col, w, y, bias, 0, relu);
      } else {
        float[] wg = s.columnsOf(w, s.patch, g, s.weightsOfGroup);
        s.weightsOfGroup = wg;
        float[] yg = s.out(s.rows * s.outPerGroup);
        product(s.rows, s.outPerGroup, s.patch, col, wg, yg, bias, g * s.outPerGroup, relu);
        s.scatterColumns(yg, s.rows, g, y);
      }
    }
  }

  private static void product(int m, int n, int k, float[] a, float[] b, float[] c, float[] bias, int biasOffset,
      boolean relu) {
    if (bias == null) {
      Gemm.multiply(false, false, m, n, k, a, 0, b, 0, c, 0, false);
    } else {
      Gemm.multiplyBias(false, false, m, n, k, a, 0, b, 0, c, 0, bias, biasOffset, relu);
    }
  }

  /** dx = the transposed convolution of dy by w: the gradient of {@link #forward} with respect to x. */
  public static void inputGradient(float[] dy, float[] w, float[] dx, int n, int inH, int inW, int inC, int outH,
      int outW, int outC, int kh, int kw, int strideH, int strideW, int padH, int padW, int dilationH,
      int dilationW, int groups) {
    Scratch s = CURRENT.get().set(n, inH, inW, inC, outH, outW, outC, kh, kw, strideH, strideW, padH, padW,
        dilationH, dilationW, groups);
    Arrays.fill(dx, 0, n * inH * inW * inC, 0f);
    for (int g = 0; g < groups; g++) {
      float[] col = s.col(s.rows * s.patch);
      if (groups == 1) {
        Gemm.multiply(false, true, s.rows, s.patch, outC, dy, 0, w, 0, col, 0, false);
      } else {
        s.weightsOfGroup = s.columnsOf(w, s.patch, g, s.weightsOfGroup);
        float[] dyg = s.columnsOf(dy, s.rows, g, s.out(s.rows * s.outPerGroup));
        Gemm.multiply(false, true, s.rows, s.patch, s.outPerGroup, dyg, 0, s.weightsOfGroup, 0, col, 0, false);
      }
      s.col2im(col, g, dx);
    }
  }

  /** dw = the gradient of {@link #forward} with respect to w, from x and dy. */
  public static void filterGradient(float[] x, float[] dy, float[] dw, int n, int inH, int inW, int inC, int outH,
      int outW, int outC, int kh, int kw, int strideH, int strideW, int padH, int padW, int dilationH,
      int dilationW, int groups) {
    Scratch s = CURRENT.get().set(n, inH, inW, inC, outH, outW, outC, kh, kw, strideH, strideW, padH, padW,
        dilationH, dilationW, groups);
    OneChannelKernel direct = OneChannelKernel.KERNEL;
    if (direct != null && inC == 1) {
      s.oneChannel().filterGradient(direct, x, dy, dw);
      return;
    }
    for (int g = 0; g < groups; g++) {
      float[] col = s.im2col(x, g);
      if (groups == 1) {
        Gemm.multiply(true, false, s.patch, outC, s.rows, col, 0, dy, 0, dw, 0, false);
      } else {
        float[] dyg = s.columnsOf(dy, s.rows, g, s.out(s.rows * s.outPerGroup));
        float[] dwg = s.weights(s.patch * s.outPerGroup);
        Gemm.multiply(true, false, s.patch, s.outPerGroup, s.rows, col, 0, dyg, 0, dwg, 0, false);
        s.scatterColumns(dwg, s.patch, g, dw);
      }
    }
  }

  /** One thread's geometry of the current call and its buffers, grown on first need and then reused. */
  private static final class Scratch implements PartedWork {
    /** Floats of patches from which im2col and col2im are shared between threads (256 KB). */
    private static final long SHARED_COPY = 1 << 16;
    int inH;
    int inW;
    int inC;
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
    int n;
    int inPerGroup;
    int outPerGroup;
    /** n·outH·outW: rows of the im2col matrix and of the output. */
    int rows;
    /** kh·kw·inPerGroup: columns of the im2col matrix, rows of one group's filters. */
    int patch;
    private float[] col = new float[0];
    private float[] out = new float[0];
    private float[] weights = new float[0];
    float[] weightsOfGroup = new float[0];
    private final OneChannelTask oneChannel = new OneChannelTask();
    // what runPart works on while im2col or col2im is shared between threads
    private float[] pendingX;
    private float[] pendingCol;
    private float[] pendingDx;
    private int pendingGroup;

    Scratch set(int n, int inH, int inW, int inC, int outH, int outW, int outC, int kh, int kw, int strideH,
        int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
      checkGeometry(n, inH, inW, inC, outH, outW, outC, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW,
          groups);
      this.n = n;
      this.inH = inH;
      this.inW = inW;
      this.inC = inC;
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
      this.inPerGroup = inC / groups;
      this.outPerGroup = outC / groups;
      this.rows = n * outH * outW;
      this.patch = kh * kw * inPerGroup;
      return this;
    }

    /**
     * Refuses a geometry the loops below would silently get wrong (groups not dividing the
     * channels would drop the remainder) or overflow (an im2col buffer over one Java array).
     */
    private static void checkGeometry(int n, int inH, int inW, int inC, int outH, int outW, int outC, int kh,
        int kw, int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
      if (n < 0 || inH < 0 || inW < 0 || inC < 1 || outH < 0 || outW < 0 || outC < 1 || kh < 1 || kw < 1) {
        throw new IllegalArgumentException("convolution sizes out of range: n " + n + ", input " + inH + "x" + inW
            + "x" + inC + ", output " + outH + "x" + outW + "x" + outC + ", kernel " + kh + "x" + kw);
      }
      if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || padH < 0 || padW < 0) {
        throw new IllegalArgumentException("convolution stride " + strideH + "x" + strideW + ", dilation "
            + dilationH + "x" + dilationW + " must be positive and padding " + padH + "x" + padW + " not negative");
      }
      if (groups < 1 || inC % groups != 0 || outC % groups != 0) {
        throw new IllegalArgumentException("convolution groups " + groups + " must divide the input channels "
            + inC + " and the output channels " + outC);
      }
      long rows = (long) n * outH * outW;
      long patch = (long) kh * kw * (inC / groups);
      if (rows * patch > Integer.MAX_VALUE - 8 || rows * outC > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("convolution of " + rows + " output positions by " + patch
            + " taps exceeds one Java array: use a smaller batch");
      }
    }

    /** The task of a direct convolution of one input channel, set to this geometry. */
    OneChannelTask oneChannel() {
      return oneChannel.set(n, inH, inW, outH, outW, outC, kh, kw, strideH, strideW, padH, padW, dilationH,
          dilationW);
    }

    float[] col(int size) {
      if (col.length < size) {
        col = new float[size];
      }
      return col;
    }

    float[] out(int size) {
      if (out.length < size) {
        out = new float[size];
      }
      return out;
    }

    float[] weights(int size) {
      if (weights.length < size) {
        weights = new float[size];
      }
      return weights;
    }

    /**
     * Group g's patches of x as rows: [rows, patch], zeros where a tap falls in the padding.
     * Without groups or dilation, a kernel row's taps lie side by side in x (kw·inC floats),
     * so a row of taps wholly inside the input is one copy.
     */
    float[] im2col(float[] x, int g) {
      float[] c = col(rows * patch);
      if (shared()) {
        share(x, g, c, null);
      } else {
        im2col(x, g, c, 0, n);
      }
      return c;
    }

    /** The patches of samples [b0, b1) into their rows of c. */
    private void im2col(float[] x, int g, float[] c, int b0, int b1) {
      boolean runs = inPerGroup == inC && dilationW == 1;
      int run = kw * inC;
      int r = b0 * outH * outW;
      for (int b = b0; b < b1; b++) {
        for (int oh = 0; oh < outH; oh++) {
          for (int ow = 0; ow < outW; ow++, r++) {
            int at = r * patch;
            int w0 = ow * strideW - padW;
            boolean inside = runs && w0 >= 0 && w0 + kw <= inW;
            for (int i = 0; i < kh; i++) {
              int h = oh * strideH - padH + i * dilationH;
              if (inside && h >= 0 && h < inH) {
                System.arraycopy(x, ((b * inH + h) * inW + w0) * inC, c, at, run);
                at += run;
                continue;
              }
              for (int j = 0; j < kw; j++, at += inPerGroup) {
                int w = ow * strideW - padW + j * dilationW;
                if (h < 0 || h >= inH || w < 0 || w >= inW) {
                  Arrays.fill(c, at, at + inPerGroup, 0f);
                } else {
                  System.arraycopy(x, ((b * inH + h) * inW + w) * inC + g * inPerGroup, c, at, inPerGroup);
                }
              }
            }
          }
        }
      }
    }

    /** Adds the patches [rows, patch] back at their places in group g's channels of dx. */
    void col2im(float[] c, int g, float[] dx) {
      if (shared()) {
        share(null, g, c, dx);
      } else {
        col2im(c, g, dx, 0, n);
      }
    }

    /**
     * Whether im2col and col2im share their samples between the engine's threads: with more
     * than one sample and enough floats to copy that a hand-over (about a microsecond) is small
     * beside it. Each sample's rows of the patches and its part of dx belong to one thread, so
     * the split changes no bit.
     */
    private boolean shared() {
      return n > 1 && (long) rows * patch >= SHARED_COPY && Gemm.engine().threads() > 1;
    }

    /** Runs im2col (dx null) or col2im over the samples, one part per thread of the engine. */
    private void share(float[] x, int g, float[] c, float[] dx) {
      pendingX = x;
      pendingGroup = g;
      pendingCol = c;
      pendingDx = dx;
      try {
        Gemm.engine().runParts(this);
      } finally {
        pendingX = null;
        pendingCol = null;
        pendingDx = null;
      }
    }

    @Override
    public void runPart(int part, int parts) {
      int b0 = (int) ((long) n * part / parts);
      int b1 = (int) ((long) n * (part + 1) / parts);
      if (pendingDx == null) {
        im2col(pendingX, pendingGroup, pendingCol, b0, b1);
      } else {
        col2im(pendingCol, pendingGroup, pendingDx, b0, b1);
      }
    }

    /** Adds the patches of samples [b0, b1) back into dx. */
    private void col2im(float[] c, int g, float[] dx, int b0, int b1) {
      int r = b0 * outH * outW;
      for (int b = b0; b < b1; b++) {
        for (int oh = 0; oh < outH; oh++) {
          for (int ow = 0; ow < outW; ow++, r++) {
            int at = r * patch;
            for (int i = 0; i < kh; i++) {
              int h = oh * strideH - padH + i * dilationH;
              for (int j = 0; j < kw; j++, at += inPerGroup) {
                int w = ow * strideW - padW + j * dilationW;
                if (h >= 0 && h < inH && w >= 0 && w < inW) {
                  int to = ((b * inH + h) * inW + w) * inC + g * inPerGroup;
                  for (int c0 = 0; c0 < inPerGroup; c0++) {
                    dx[to + c0] += c[at + c0];
                  }
                }
              }
            }
          }
        }
      }
    }

    /** Columns [g·outPerGroup, (g+1)·outPerGroup) of a [count, outC] matrix, copied into {@code into}. */
    float[] columnsOf(float[] m, int count, int g, float[] into) {
      float[] dst = into.length >= count * outPerGroup ? into : new float[count * outPerGroup];
      for (int r = 0; r < count; r++) {
        System.arraycopy(m, r * outC + g * outPerGroup, dst, r * outPerGroup, outPerGroup);
      }
      return dst;
    }

    /** Writes a [count, outPerGroup] block into columns of group g of a [count, outC] matrix. */
    void scatterColumns(float[] block, int count, int g, float[] m) {
      for (int r = 0; r < count; r++) {
        System.arraycopy(block, r * outPerGroup, m, r * outC + g * outPerGroup, outPerGroup);
      }
    }
  }
}
