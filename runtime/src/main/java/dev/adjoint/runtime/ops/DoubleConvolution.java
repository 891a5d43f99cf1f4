package dev.adjoint.runtime.ops;

import java.util.Arrays;

/**
 * Channels-last convolutions in f64, for models declared in f64, as plain loops (as
 * {@link DoubleGemm} is for products); f32 models use {@code dev.adjoint.runtime.kernels.Convolution},
 * whose layout and argument order these entry points share.
 */
public final class DoubleConvolution {
  private DoubleConvolution() {}

  /** y = conv(x, w). */
  public static void forward(double[] x, double[] w, double[] y, int n, int inH, int inW, int inC, int outH,
      int outW, int outC, int kh, int kw, int strideH, int strideW, int padH, int padW, int dilationH,
      int dilationW, int groups) {
    Arrays.fill(y, 0, n * outH * outW * outC, 0.0);
    apply(0, x, w, y, n, inH, inW, inC, outH, outW, outC, kh, kw, strideH, strideW, padH, padW, dilationH,
        dilationW, groups);
  }

  /** dx = the transposed convolution of dy by w. */
  public static void inputGradient(double[] dy, double[] w, double[] dx, int n, int inH, int inW, int inC,
      int outH, int outW, int outC, int kh, int kw, int strideH, int strideW, int padH, int padW, int dilationH,
      int dilationW, int groups) {
    Arrays.fill(dx, 0, n * inH * inW * inC, 0.0);
    apply(1, dx, w, dy, n, inH, inW, inC, outH, outW, outC, kh, kw, strideH, strideW, padH, padW, dilationH,
        dilationW, groups);
  }

  /** dw = the gradient of the convolution with respect to w, from x and dy. */
  public static void filterGradient(double[] x, double[] dy, double[] dw, int n, int inH, int inW, int inC,
      int outH, int outW, int outC, int kh, int kw, int strideH, int strideW, int padH, int padW, int dilationH,
      int dilationW, int groups) {
    Arrays.fill(dw, 0, kh * kw * (inC / groups) * outC, 0.0);
    apply(2, x, dw, dy, n, inH, inW, inC, outH, outW, outC, kh, kw, strideH, strideW, padH, padW, dilationH,
        dilationW, groups);
  }

  /**
   * Visits every (output element, tap) pair once and accumulates into one of the three
   * tensors: {@code into} 0 adds x·w to y, 1 adds y·w to x, 2 adds x·y to w.
   */
  private static void apply(int into, double[] x, double[] w, double[] y, int n, int inH, int inW, int inC,
      int outH, int outW, int outC, int kh, int kw, int strideH, int strideW, int padH, int padW, int dilationH,
      int dilationW, int groups) {
    int inPerGroup = inC / groups;
    int outPerGroup = outC / groups;
    for (int b = 0; b < n; b++) {
      for (int oh = 0; oh < outH; oh++) {
        for (int ow = 0; ow < outW; ow++) {
          int yAt = ((b * outH + oh) * outW + ow) * outC;
          for (int i = 0; i < kh; i++) {
            int h = oh * strideH - padH + i * dilationH;
            for (int j = 0; j < kw; j++) {
              int v = ow * strideW - padW + j * dilationW;
              if (h < 0 || h >= inH || v < 0 || v >= inW) {
                continue;
              }
              int xAt = ((b * inH + h) * inW + v) * inC;
              int wAt = (i * kw + j) * inPerGroup * outC;
              for (int co = 0; co < outC; co++) {
                int g = co / outPerGroup;
                for (int c = 0; c < inPerGroup; c++) {
                  int xi = xAt + g * inPerGroup + c;
                  int wi = wAt + c * outC + co;
                  switch (into) {
                    case 0 -> y[yAt + co] += x[xi] * w[wi];
                    case 1 -> x[xi] += y[yAt + co] * w[wi];
                    default -> w[wi] += x[xi] * y[yAt + co];
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
