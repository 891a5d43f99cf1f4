package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The direct kernel of one input channel ({@link OneChannelKernel}, what {@link Convolution}
 * runs for a one-channel convolution) gives bit for bit what the im2col path gives (the
 * patches as a matrix, then one product on the shared {@link Gemm} engine): the forward pass
 * with its bias and relu, and the filter gradient, which sums the pixels in the GEMM's blocks
 * of k. Training then does not depend on which path a first layer takes. Checked on W5's and
 * {@code cnn.nn}'s first layers at batch 64 (many k blocks, blocks ending inside an output
 * row), and on odd shapes: strides, dilations, uneven padding, channels past the last whole
 * vector, kernels of fewer than four taps (the engine's one-chain products) and of four, taps
 * whose columns inside the input do not overlap, a batch of one.
 * The data are finite, where the two paths agree on every bit; the 256-bit run of the build
 * repeats the test with narrower vectors and blocks.
 */
class OneChannelOrderTest {
  /** A one-channel convolution; the padding after follows from the output size. */
  record Shape(String name, int n, int inH, int inW, int outC, int kh, int kw, int strideH, int strideW, int padH,
      int padHAfter, int padW, int padWAfter, int dilationH, int dilationW) {
    int outH() {
      return (inH + padH + padHAfter - dilationH * (kh - 1) - 1) / strideH + 1;
    }

    int outW() {
      return (inW + padW + padWAfter - dilationW * (kw - 1) - 1) / strideW + 1;
    }

    int rows() {
      return n * outH() * outW();
    }

    int taps() {
      return kh * kw;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static List<Shape> shapes() {
    return List.of(
        new Shape("W5, 28x28 to 32, same", 64, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
        new Shape("cnn.nn, 28x28 to 16, same", 64, 28, 28, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
        new Shape("W5, valid", 16, 28, 28, 32, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1),
        new Shape("21 channels, a partial vector", 3, 5, 19, 21, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
        new Shape("stride 2, uneven padding", 40, 9, 23, 16, 3, 3, 2, 2, 0, 1, 2, 1, 1, 1),
        new Shape("dilation 2, padding wider than a tap", 30, 7, 20, 16, 2, 3, 1, 1, 2, 0, 0, 3, 2, 2),
        new Shape("7x5 by 3x2, stride 2, 15 channels", 50, 7, 5, 15, 3, 2, 2, 2, 0, 0, 0, 0, 1, 1),
        new Shape("1-D, 5 taps", 60, 1, 30, 8, 1, 5, 1, 1, 0, 0, 2, 2, 1, 1),
        new Shape("1-D, 3 taps: one chain", 100, 1, 40, 24, 1, 3, 1, 1, 0, 0, 1, 1, 1, 1),
        new Shape("1x1", 70, 6, 7, 17, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1),
        new Shape("a batch of one", 1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
        new Shape("5x5, rows of 3 pixels", 300, 7, 7, 12, 5, 5, 2, 2, 1, 1, 1, 1, 1, 1),
        new Shape("2x2: four taps, summed in blocks", 40, 12, 12, 16, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1),
        new Shape("dilation 3, padding 3: taps' columns apart", 90, 6, 4, 16, 2, 3, 1, 1, 0, 0, 3, 3, 1, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void filterGradientIsTheIm2colProductBitForBit(Shape s) {
    assumeTrue(OneChannelKernel.KERNEL != null, "the direct kernel runs only with the Vector API");
    Random random = new Random(s.rows() + 31L * s.outC);
    float[] x = gaussian(random, s.n * s.inH * s.inW);
    float[] dy = gaussian(random, s.rows() * s.outC);
    float[] direct = new float[s.taps() * s.outC];
    Convolution.filterGradient(x, dy, direct, s.n, s.inH, s.inW, 1, s.outH(), s.outW(), s.outC, s.kh, s.kw,
        s.strideH, s.strideW, s.padH, s.padW, s.dilationH, s.dilationW, 1);
    float[] product = new float[s.taps() * s.outC];
    Gemm.multiply(true, false, s.taps(), s.outC, s.rows(), im2col(s, x), 0, dy, 0, product, 0, false);
    assertBits(product, direct, s + " filter gradient");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void forwardIsTheIm2colProductBitForBit(Shape s) {
    assumeTrue(OneChannelKernel.KERNEL != null, "the direct kernel runs only with the Vector API");
    Random random = new Random(s.rows() + 17L * s.outC);
    float[] x = gaussian(random, s.n * s.inH * s.inW);
    float[] w = gaussian(random, s.taps() * s.outC);
    float[] bias = gaussian(random, s.outC);
    float[] direct = new float[s.rows() * s.outC];
    Convolution.forwardBiasRelu(x, w, bias, direct, s.n, s.inH, s.inW, 1, s.outH(), s.outW(), s.outC, s.kh, s.kw,
        s.strideH, s.strideW, s.padH, s.padW, s.dilationH, s.dilationW, 1);
    float[] product = new float[s.rows() * s.outC];
    Gemm.multiplyBias(false, false, s.rows(), s.outC, s.taps(), im2col(s, x), 0, w, 0, product, 0, bias, 0, true);
    assertBits(product, direct, s + " forward");
  }

  /** The patches as rows, [rows, taps], zeros where a tap falls in the padding. */
  private static float[] im2col(Shape s, float[] x) {
    float[] col = new float[s.rows() * s.taps()];
    int r = 0;
    for (int b = 0; b < s.n; b++) {
      for (int oh = 0; oh < s.outH(); oh++) {
        for (int ow = 0; ow < s.outW(); ow++, r++) {
          for (int i = 0; i < s.kh; i++) {
            for (int j = 0; j < s.kw; j++) {
              int h = oh * s.strideH - s.padH + i * s.dilationH;
              int w = ow * s.strideW - s.padW + j * s.dilationW;
              boolean inside = h >= 0 && h < s.inH && w >= 0 && w < s.inW;
              col[r * s.taps() + i * s.kw + j] = inside ? x[(b * s.inH + h) * s.inW + w] : 0f;
            }
          }
        }
      }
    }
    return col;
  }

  private static void assertBits(float[] expected, float[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      int at = i;
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
          () -> what + " at " + at + ": " + expected[at] + " from the product, " + actual[at] + " direct");
    }
  }

  private static float[] gaussian(Random random, int size) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) {
      a[i] = (float) random.nextGaussian();
    }
    return a;
  }
}
