package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@link Convolution} in the runtime module, without the compiler: forward (with and without a
 * bias), the input gradient and the filter gradient, each element against a direct-loop
 * double-precision reference written here, over varied geometry (stride 1 and 2, padding 0, 1
 * and uneven, dilation 1 and 2, groups 1, 2 and depthwise, odd sizes, 1-D, batches of 1 and 3,
 * one input channel), plus the adjoint identities ⟨forward(x; w), dy⟩ = ⟨x, inputGradient(dy)⟩ =
 * ⟨w, filterGradient(x, dy)⟩. Most calls run after another convolution has filled the
 * per-thread scratch with stale non-zero values, so a step that relies on a fresh buffer (the
 * zeros of the padding, the cleared dx) shows; others run on a new thread whose scratch starts
 * empty and grows. Outputs start as garbage and the floats past the end of each array must stay
 * untouched. Also: repeated calls give the same bits, two threads at once do not mix, and a
 * warm call allocates nothing. Geometry it cannot compute (groups not dividing the channels,
 * non-positive strides, an im2col matrix over one Java array) is refused; an empty output is
 * computed as nothing. The class takes no array offsets and always runs on the shared
 * {@link Gemm} engine, so neither is tested here.
 */
class ConvolutionKernelTest {
  /** Allowed error, relative to the sum of the magnitudes of the terms of each element. */
  private static final double TOLERANCE = 1e-4;
  /** The value of the floats after the end of every array, which no call may change. */
  private static final float GUARD = 12345.5f;
  private static final int GUARDS = 3;

  /**
   * One convolution: the padding after is given explicitly here and the output size follows
   * from it, which is how {@link Convolution} sees uneven padding (before = padH, after implied
   * by outH).
   */
  private record Geometry(int n, int inH, int inW, int inC, int outC, int kh, int kw, int strideH,
      int strideW, int padH, int padHAfter, int padW, int padWAfter, int dilationH, int dilationW,
      int groups) {
    int outH() {
      return (inH + padH + padHAfter - dilationH * (kh - 1) - 1) / strideH + 1;
    }

    int outW() {
      return (inW + padW + padWAfter - dilationW * (kw - 1) - 1) / strideW + 1;
    }

    int inPerGroup() {
      return inC / groups;
    }

    int outPerGroup() {
      return outC / groups;
    }

    int xSize() {
      return n * inH * inW * inC;
    }

    int wSize() {
      return kh * kw * inPerGroup() * outC;
    }

    int ySize() {
      return n * outH() * outW() * outC;
    }

    int xIndex(int b, int h, int w, int c) {
      return ((b * inH + h) * inW + w) * inC + c;
    }

    int wIndex(int i, int j, int ci, int oc) {
      return ((i * kw + j) * inPerGroup() + ci) * outC + oc;
    }

    int yIndex(int b, int oh, int ow, int oc) {
      return ((b * outH() + oh) * outW() + ow) * outC + oc;
    }
  }

  private static Geometry geometry(int n, int inH, int inW, int inC, int outC, int kh, int kw,
      int strideH, int strideW, int padH, int padHAfter, int padW, int padWAfter, int dilationH,
      int dilationW, int groups) {
    return new Geometry(n, inH, inW, inC, outC, kh, kw, strideH, strideW, padH, padHAfter, padW,
        padWAfter, dilationH, dilationW, groups);
  }

  private static final List<Geometry> GEOMETRIES = List.of(
      // n, inH, inW, inC, outC, kh, kw, sH, sW, padH before/after, padW before/after, dH, dW, groups
      geometry(1, 5, 5, 3, 4, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1), // plain, valid
      geometry(3, 7, 5, 2, 3, 3, 2, 1, 1, 1, 1, 1, 0, 1, 1, 1), // odd sizes, "same" padding
      geometry(3, 7, 5, 2, 3, 3, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1), // 7x5 by 3x2, stride 2
      geometry(2, 7, 5, 3, 4, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1), // stride 2 with padding
      geometry(1, 7, 6, 2, 2, 3, 2, 1, 1, 1, 0, 0, 1, 2, 2, 1), // dilation 2, uneven padding
      geometry(2, 6, 7, 2, 3, 2, 3, 1, 2, 0, 1, 1, 0, 2, 1, 1), // dilation in H only
      geometry(1, 5, 6, 2, 3, 3, 3, 1, 1, 0, 2, 2, 0, 1, 1, 1), // padding all after / all before
      geometry(2, 6, 5, 4, 6, 2, 3, 2, 1, 1, 0, 0, 1, 1, 1, 2), // two groups
      geometry(3, 7, 5, 4, 2, 3, 2, 1, 2, 1, 1, 1, 1, 1, 2, 2), // two groups, one output each
      geometry(1, 5, 7, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3), // depthwise
      geometry(3, 6, 5, 3, 6, 3, 2, 2, 1, 1, 1, 0, 1, 1, 2, 3), // depthwise, multiplier 2
      geometry(1, 1, 9, 2, 3, 1, 3, 1, 2, 0, 0, 1, 1, 1, 2, 1), // 1-D, stride 2, dilation 2
      geometry(3, 1, 8, 4, 4, 1, 3, 1, 1, 0, 0, 2, 0, 1, 1, 2), // 1-D, two groups, causal pad
      geometry(2, 1, 7, 3, 3, 1, 2, 1, 1, 0, 0, 0, 1, 1, 1, 3), // 1-D depthwise
      geometry(3, 6, 6, 1, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1), // one input channel
      geometry(1, 4, 5, 1, 2, 4, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1), // kernel as large as the input
      geometry(2, 5, 7, 3, 4, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1), // 1x1, stride 2
      geometry(1, 3, 3, 2, 2, 3, 3, 1, 1, 2, 2, 2, 2, 1, 1, 1), // padding wider than a tap
      geometry(2, 9, 8, 8, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1), // several GEMM tiles
      geometry(1, 9, 8, 8, 16, 3, 3, 2, 1, 1, 0, 1, 1, 1, 1, 2), // several tiles, two groups
      // one input channel, the direct kernel's cases (vector length 16, and 8 in the 256-bit run):
      geometry(1, 5, 19, 1, 21, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1), // blocks of eight pixels, edges, a partial vector
      geometry(2, 9, 23, 1, 16, 3, 3, 2, 2, 0, 1, 2, 1, 1, 1, 1), // stride 2, uneven padding
      geometry(1, 7, 20, 1, 16, 2, 3, 1, 1, 2, 0, 0, 3, 2, 2, 1), // dilation 2, padding wider than a tap
      geometry(3, 1, 30, 1, 8, 1, 5, 1, 1, 0, 0, 2, 2, 1, 1, 1)); // 1-D

  /**
   * A convolution with no padding on random data, larger than every geometry above in each
   * scratch buffer (the patches, one group's output and one group's filters), run before each
   * call under test so that the scratch holds stale non-zero values everywhere.
   */
  private static final Geometry DIRTY = geometry(3, 10, 10, 16, 32, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2);

  private static void dirty() {
    Random random = new Random(99);
    float[] x = random(random, DIRTY.xSize());
    float[] w = random(random, DIRTY.wSize());
    float[] dy = random(random, DIRTY.ySize());
    Convolution.forward(x, w, new float[DIRTY.ySize()], DIRTY.n, DIRTY.inH, DIRTY.inW, DIRTY.inC,
        DIRTY.outH(), DIRTY.outW(), DIRTY.outC, DIRTY.kh, DIRTY.kw, DIRTY.strideH, DIRTY.strideW,
        DIRTY.padH, DIRTY.padW, DIRTY.dilationH, DIRTY.dilationW, DIRTY.groups);
    Convolution.inputGradient(dy, w, new float[DIRTY.xSize()], DIRTY.n, DIRTY.inH, DIRTY.inW,
        DIRTY.inC, DIRTY.outH(), DIRTY.outW(), DIRTY.outC, DIRTY.kh, DIRTY.kw, DIRTY.strideH,
        DIRTY.strideW, DIRTY.padH, DIRTY.padW, DIRTY.dilationH, DIRTY.dilationW, DIRTY.groups);
    Convolution.filterGradient(x, dy, new float[DIRTY.wSize()], DIRTY.n, DIRTY.inH, DIRTY.inW,
        DIRTY.inC, DIRTY.outH(), DIRTY.outW(), DIRTY.outC, DIRTY.kh, DIRTY.kw, DIRTY.strideH,
        DIRTY.strideW, DIRTY.padH, DIRTY.padW, DIRTY.dilationH, DIRTY.dilationW, DIRTY.groups);
  }

  /**
   * Stops with an error (not an assertion: a mistake in this test's table, not in the class)
   * when a geometry is ill-formed or would not meet stale scratch.
   */
  private static void requireDirtyCovers(Geometry g) {
    if (g.outH() < 1 || g.outW() < 1 || g.inC % g.groups != 0 || g.outC % g.groups != 0) {
      throw new IllegalStateException("ill-formed " + g);
    }
    int rows = g.n * g.outH() * g.outW();
    int patch = g.kh * g.kw * g.inPerGroup();
    int dirtyRows = DIRTY.n * DIRTY.outH() * DIRTY.outW();
    int dirtyPatch = DIRTY.kh * DIRTY.kw * DIRTY.inPerGroup();
    if (rows * patch > dirtyRows * dirtyPatch
        || rows * g.outPerGroup() > dirtyRows * DIRTY.outPerGroup()
        || patch * g.outPerGroup() > dirtyPatch * DIRTY.outPerGroup()) {
      throw new IllegalStateException("DIRTY is too small for " + g);
    }
  }

  // ---------------------------------------------------------------- the calls under test

  private static float[] forward(Geometry g, float[] x, float[] w, float[] bias, boolean viaBias) {
    float[] y = garbage(g.ySize());
    dirty();
    if (bias == null && !viaBias) {
      Convolution.forward(x, w, y, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(), g.outC, g.kh,
          g.kw, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.groups);
    } else {
      Convolution.forwardBias(x, w, bias, y, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(), g.outC,
          g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.groups);
    }
    checkGuard(g + " forward", y, g.ySize());
    return y;
  }

  private static float[] inputGradient(Geometry g, float[] dy, float[] w) {
    float[] dx = garbage(g.xSize());
    dirty();
    Convolution.inputGradient(dy, w, dx, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(), g.outC,
        g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.groups);
    checkGuard(g + " inputGradient", dx, g.xSize());
    return dx;
  }

  private static float[] filterGradient(Geometry g, float[] x, float[] dy) {
    float[] dw = garbage(g.wSize());
    dirty();
    Convolution.filterGradient(x, dy, dw, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(), g.outC,
        g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.groups);
    checkGuard(g + " filterGradient", dw, g.wSize());
    return dw;
  }

  // ---------------------------------------------------------------- direct-loop references

  /** Value and magnitude (Σ|term|) of each element, in double. */
  private record Exact(double[] value, double[] magnitude) {
    Exact(int size) {
      this(new double[size], new double[size]);
    }

    void add(int at, double term) {
      value[at] += term;
      magnitude[at] += Math.abs(term);
    }
  }

  /**
   * Calls {@code term.accept(xIndex, wIndex, yIndex)} for every product x·w that contributes
   * to an output element, straight from the definition of the convolution.
   */
  private static void forEachTerm(Geometry g, TermVisitor term) {
    for (int b = 0; b < g.n; b++) {
      for (int oh = 0; oh < g.outH(); oh++) {
        for (int ow = 0; ow < g.outW(); ow++) {
          for (int oc = 0; oc < g.outC; oc++) {
            int group = oc / g.outPerGroup();
            for (int i = 0; i < g.kh; i++) {
              int h = oh * g.strideH - g.padH + i * g.dilationH;
              for (int j = 0; j < g.kw; j++) {
                int w = ow * g.strideW - g.padW + j * g.dilationW;
                if (h < 0 || h >= g.inH || w < 0 || w >= g.inW) {
                  continue;
                }
                for (int ci = 0; ci < g.inPerGroup(); ci++) {
                  term.accept(g.xIndex(b, h, w, group * g.inPerGroup() + ci), g.wIndex(i, j, ci, oc),
                      g.yIndex(b, oh, ow, oc));
                }
              }
            }
          }
        }
      }
    }
  }

  @FunctionalInterface
  private interface TermVisitor {
    void accept(int xIndex, int wIndex, int yIndex);
  }

  private static Exact referenceForward(Geometry g, float[] x, float[] w, float[] bias) {
    Exact y = new Exact(g.ySize());
    forEachTerm(g, (xi, wi, yi) -> y.add(yi, (double) x[xi] * w[wi]));
    if (bias != null) {
      for (int r = 0; r < g.ySize(); r++) {
        y.add(r, bias[r % g.outC]);
      }
    }
    return y;
  }

  private static Exact referenceInputGradient(Geometry g, float[] dy, float[] w) {
    Exact dx = new Exact(g.xSize());
    forEachTerm(g, (xi, wi, yi) -> dx.add(xi, (double) dy[yi] * w[wi]));
    return dx;
  }

  private static Exact referenceFilterGradient(Geometry g, float[] x, float[] dy) {
    Exact dw = new Exact(g.wSize());
    forEachTerm(g, (xi, wi, yi) -> dw.add(wi, (double) x[xi] * dy[yi]));
    return dw;
  }

  private static void check(String what, Exact expected, float[] actual) {
    for (int i = 0; i < expected.value.length; i++) {
      double error = Math.abs(actual[i] - expected.value[i]);
      if (!(error <= TOLERANCE * expected.magnitude[i])) {
        fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected.value[i]
            + " (magnitude " + expected.magnitude[i] + ")");
      }
    }
  }

  // ---------------------------------------------------------------- tests

  @Test
  void forwardMatchesTheDirectLoops() {
    Random random = new Random(1);
    for (Geometry g : GEOMETRIES) {
      requireDirtyCovers(g);
      float[] x = random(random, g.xSize());
      float[] w = random(random, g.wSize());
      Exact expected = referenceForward(g, x, w, null);
      check(g + " forward", expected, forward(g, x, w, null, false));
      check(g + " forwardBias(null)", expected, forward(g, x, w, null, true));
    }
  }

  @Test
  void forwardBiasAddsTheBiasOfEachOutputChannel() {
    Random random = new Random(2);
    for (Geometry g : GEOMETRIES) {
      requireDirtyCovers(g);
      float[] x = random(random, g.xSize());
      float[] w = random(random, g.wSize());
      float[] bias = new float[g.outC + GUARDS];
      for (int c = 0; c < g.outC; c++) {
        bias[c] = 3f * c + 1f + random.nextFloat();
      }
      Arrays.fill(bias, g.outC, bias.length, GUARD);
      check(g + " forwardBias", referenceForward(g, x, w, bias), forward(g, x, w, bias, true));
    }
  }

  @Test
  void forwardBiasReluIsTheBiasedConvolutionClampedAtZeroBitForBit() {
    Random random = new Random(12);
    for (Geometry g : GEOMETRIES) {
      requireDirtyCovers(g);
      float[] x = random(random, g.xSize());
      float[] w = random(random, g.wSize());
      float[] bias = new float[g.outC];
      for (int c = 0; c < g.outC; c++) {
        bias[c] = c % 2 == 0 ? -1e30f : random.nextFloat() - 0.5f;
      }
      float[] expected = forward(g, x, w, bias, true);
      for (int i = 0; i < g.ySize(); i++) {
        expected[i] = Math.max(0f, expected[i]);
      }
      float[] y = garbage(g.ySize());
      dirty();
      Convolution.forwardBiasRelu(x, w, bias, y, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(), g.outC, g.kh, g.kw,
          g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.groups);
      checkGuard(g + " forwardBiasRelu", y, g.ySize());
      for (int i = 0; i < g.ySize(); i++) {
        assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(y[i]), g + " forwardBiasRelu at " + i);
      }
    }
  }

  @Test
  void forwardBiasReluRefusesAMissingBias() {
    float[] x = new float[9];
    float[] w = new float[4];
    float[] y = new float[4];
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> Convolution.forwardBiasRelu(x, w, null, y, 1, 3, 3, 1, 2, 2, 1, 2, 2, 1, 1, 0, 0, 1, 1, 1));
    assertTrue(e.getMessage().contains("bias"), e.getMessage());
  }

  @Test
  void inputGradientMatchesTheDirectLoops() {
    Random random = new Random(3);
    for (Geometry g : GEOMETRIES) {
      requireDirtyCovers(g);
      float[] dy = random(random, g.ySize());
      float[] w = random(random, g.wSize());
      check(g + " inputGradient", referenceInputGradient(g, dy, w), inputGradient(g, dy, w));
    }
  }

  @Test
  void filterGradientMatchesTheDirectLoops() {
    Random random = new Random(4);
    for (Geometry g : GEOMETRIES) {
      requireDirtyCovers(g);
      float[] x = random(random, g.xSize());
      float[] dy = random(random, g.ySize());
      check(g + " filterGradient", referenceFilterGradient(g, x, dy), filterGradient(g, x, dy));
    }
  }

  /**
   * A first layer at a training batch (W5's: 28x28x1 to 26x26x32, 16 samples, above the
   * engine's threshold for sharing a call between its threads): the forward pass with its relu
   * and the filter gradient against the direct loops, and bit for bit the same when called again.
   */
  @Test
  void largeOneChannelConvolutionsMatchTheDirectLoops() {
    Geometry g = geometry(16, 28, 28, 1, 32, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1);
    Random random = new Random(21);
    float[] x = random(random, g.xSize());
    float[] w = random(random, g.wSize());
    float[] bias = random(random, g.outC);
    float[] y = new float[g.ySize()];
    Convolution.forwardBiasRelu(x, w, bias, y, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(), g.outC, g.kh, g.kw,
        g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.groups);
    Exact expected = referenceForward(g, x, w, bias);
    for (int i = 0; i < y.length; i++) {
      expected.value[i] = Math.max(0, expected.value[i]);
    }
    check(g + " forwardBiasRelu", expected, y);
    float[] dy = random(random, g.ySize());
    float[] dw = filterGradient(g, x, dy);
    check(g + " filterGradient", referenceFilterGradient(g, x, dy), dw);
    float[] again = new float[g.ySize()];
    Convolution.forwardBiasRelu(x, w, bias, again, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(), g.outC, g.kh,
        g.kw, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.groups);
    assertArrayEquals(y, again);
    assertArrayEquals(dw, filterGradient(g, x, dy));
  }

  /**
   * Convolutions of several channels large enough that im2col and col2im share their samples
   * between the engine's threads (more than 2<sup>16</sup> floats of patches): the forward pass,
   * both gradients against the direct loops, with padding and stride 2 for the edges.
   */
  @Test
  void largeConvolutionsMatchTheDirectLoops() {
    for (Geometry g : List.of(geometry(8, 14, 14, 8, 16, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1),
        geometry(6, 17, 15, 6, 8, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1))) {
      Random random = new Random(22);
      float[] x = random(random, g.xSize());
      float[] w = random(random, g.wSize());
      float[] dy = random(random, g.ySize());
      float[] y = new float[g.ySize()];
      Convolution.forward(x, w, y, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(), g.outC, g.kh, g.kw, g.strideH,
          g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.groups);
      check(g + " forward", referenceForward(g, x, w, null), y);
      float[] dx = new float[g.xSize()];
      Convolution.inputGradient(dy, w, dx, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(), g.outC, g.kh, g.kw,
          g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.groups);
      check(g + " inputGradient", referenceInputGradient(g, dy, w), dx);
      float[] dw = new float[g.wSize()];
      Convolution.filterGradient(x, dy, dw, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(), g.outC, g.kh, g.kw,
          g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.groups);
      check(g + " filterGradient", referenceFilterGradient(g, x, dy), dw);
    }
  }

  /** Infinities and NaNs in the input reach the outputs of a one-channel convolution as IEEE arithmetic says. */
  @Test
  void oneChannelConvolutionsCarryInfinitiesAndNaNs() {
    Geometry g = geometry(1, 4, 12, 1, 17, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1);
    float[] x = new float[g.xSize()];
    Arrays.fill(x, 1f);
    x[g.xIndex(0, 0, 0, 0)] = Float.POSITIVE_INFINITY; // only output (0, 0) reads it
    x[g.xIndex(0, 3, 11, 0)] = Float.NaN; // only output (1, 9) reads it
    float[] w = new float[g.wSize()];
    Arrays.fill(w, 0.5f);
    float[] bias = new float[g.outC];
    float[] y = new float[g.ySize()];
    Convolution.forwardBiasRelu(x, w, bias, y, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(), g.outC, g.kh, g.kw,
        g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.groups);
    for (int oc = 0; oc < g.outC; oc++) {
      assertEquals(Float.POSITIVE_INFINITY, y[g.yIndex(0, 0, 0, oc)], "channel " + oc);
      assertTrue(Float.isNaN(y[g.yIndex(0, 1, 9, oc)]), "channel " + oc);
      assertEquals(4.5f, y[g.yIndex(0, 1, 0, oc)], "channel " + oc);
    }
    float[] dy = new float[g.ySize()];
    Arrays.fill(dy, 1f);
    float[] dw = filterGradient(g, x, dy);
    for (int oc = 0; oc < g.outC; oc++) {
      assertEquals(Float.POSITIVE_INFINITY, dw[g.wIndex(0, 0, 0, oc)], "tap (0, 0), channel " + oc);
      assertTrue(Float.isNaN(dw[g.wIndex(2, 2, 0, oc)]), "tap (2, 2), channel " + oc);
      assertEquals(20f, dw[g.wIndex(1, 1, 0, oc)], "tap (1, 1), channel " + oc);
    }
  }

  @Test
  void theGradientsAreTheAdjointsOfForward() {
    Random random = new Random(5);
    for (Geometry g : GEOMETRIES) {
      requireDirtyCovers(g);
      float[] x = random(random, g.xSize());
      float[] w = random(random, g.wSize());
      float[] dy = random(random, g.ySize());
      float[] y = forward(g, x, w, null, false);
      float[] dx = inputGradient(g, dy, w);
      float[] dw = filterGradient(g, x, dy);
      // Σ|x·w·dy| over every term: the scale of all three inner products.
      double[] scale = new double[1];
      forEachTerm(g, (xi, wi, yi) -> scale[0] += Math.abs((double) x[xi] * w[wi] * dy[yi]));
      double forwardSide = dot(y, dy, g.ySize());
      double inputSide = dot(x, dx, g.xSize());
      double filterSide = dot(w, dw, g.wSize());
      assertEquals(forwardSide, inputSide, TOLERANCE * scale[0],
          g + ": <forward(x), dy> != <x, inputGradient(dy)>");
      assertEquals(forwardSide, filterSide, TOLERANCE * scale[0],
          g + ": <forward(x; w), dy> != <w, filterGradient(x, dy)>");
    }
  }

  /** A hand-worked case, independent of the reference loops above. */
  @Test
  void smallCaseByHand() {
    // One image 3x3x1, filter 2x2 of ones, stride 1, padding 0: each output is a 2x2 window sum.
    float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    float[] w = {1, 1, 1, 1};
    float[] y = new float[4];
    Convolution.forward(x, w, y, 1, 3, 3, 1, 2, 2, 1, 2, 2, 1, 1, 0, 0, 1, 1, 1);
    assertArrayEquals(new float[] {12, 16, 24, 28}, y);
    // With a bias of 10 and padding 1 before (and none after), the corner sees only x(0, 0).
    float[] y2 = new float[9];
    Convolution.forwardBias(x, w, new float[] {10}, y2, 1, 3, 3, 1, 3, 3, 1, 2, 2, 1, 1, 1, 1, 1, 1,
        1);
    assertArrayEquals(new float[] {11, 13, 15, 15, 22, 26, 21, 34, 38}, y2);
    // The input gradient of a 1-D [1, 2] filter with dy = [1, 1]: dx = [1, 3, 2].
    float[] dx = {9, 9, 9};
    Convolution.inputGradient(new float[] {1, 1}, new float[] {1, 2}, dx, 1, 1, 3, 1, 1, 2, 1, 1, 2,
        1, 1, 0, 0, 1, 1, 1);
    assertArrayEquals(new float[] {1, 3, 2}, dx);
    // The filter gradient of the same: dw = [x0 + x1, x1 + x2].
    float[] dw = {9, 9};
    Convolution.filterGradient(new float[] {1, 2, 4}, new float[] {1, 1}, dw, 1, 1, 3, 1, 1, 2, 1,
        1, 2, 1, 1, 0, 0, 1, 1, 1);
    assertArrayEquals(new float[] {3, 6}, dw);
  }

  /** Geometry the loops would get wrong is refused, each with the numbers that are wrong. */
  @Test
  void badGeometryIsRefusedWithItsNumbers() {
    float[] a = new float[64];
    // 3 input channels in 2 groups: the third channel would be dropped without a word.
    refused("groups 2 must divide the input channels 3", () -> Convolution.forward(a, a, a, 1, 2, 2, 3, 1,
        1, 2, 2, 2, 1, 1, 0, 0, 1, 1, 2));
    refused("groups 2 must divide the input channels 2 and the output channels 3", () -> Convolution
        .inputGradient(a, a, a, 1, 2, 2, 2, 1, 1, 3, 2, 2, 1, 1, 0, 0, 1, 1, 2));
    refused("groups 0", () -> Convolution.filterGradient(a, a, a, 1, 2, 2, 2, 1, 1, 2, 2, 2, 1, 1, 0, 0, 1,
        1, 0));
    refused("stride 0x1", () -> Convolution.forward(a, a, a, 1, 2, 2, 1, 1, 1, 1, 2, 2, 0, 1, 0, 0, 1, 1, 1));
    refused("dilation 1x0", () -> Convolution.forward(a, a, a, 1, 2, 2, 1, 1, 1, 1, 2, 2, 1, 1, 0, 0, 1, 0,
        1));
    refused("padding -1x0", () -> Convolution.forward(a, a, a, 1, 2, 2, 1, 1, 1, 1, 2, 2, 1, 1, -1, 0, 1, 1,
        1));
    refused("kernel 0x2", () -> Convolution.forward(a, a, a, 1, 2, 2, 1, 1, 1, 1, 0, 2, 1, 1, 0, 0, 1, 1, 1));
    refused("n -1", () -> Convolution.forward(a, a, a, -1, 2, 2, 1, 1, 1, 1, 2, 2, 1, 1, 0, 0, 1, 1, 1));
    // 100,000 images of 64x64 positions by 3x3x64 taps: 2.4e11 floats, far over one array.
    refused("exceeds one Java array", () -> Convolution.forward(a, a, a, 100_000, 64, 64, 64, 64, 64, 64, 3,
        3, 1, 1, 1, 1, 1, 1, 1));
  }

  private static void refused(String expected, Runnable call) {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        call::run);
    if (!e.getMessage().contains(expected)) {
      fail("expected a message containing \"" + expected + "\", got: " + e.getMessage());
    }
  }

  /** An empty batch, or a kernel larger than the padded input, computes nothing and writes nothing. */
  @Test
  void emptyOutputsWriteNothing() {
    float[] x = {1, 2, 3, 4};
    float[] w = {1, 1, 1, 1};
    float[] y = {GUARD, GUARD};
    // No images at all.
    Convolution.forward(x, w, y, 0, 2, 2, 1, 1, 1, 1, 2, 2, 1, 1, 0, 0, 1, 1, 1);
    // An output of no rows (outH = 0) from one image.
    Convolution.forwardBias(x, w, new float[] {5}, y, 1, 2, 2, 1, 0, 1, 1, 2, 2, 1, 1, 0, 0, 1, 1, 1);
    assertArrayEquals(new float[] {GUARD, GUARD}, y);
    // The input gradient of an empty output clears dx (no output depends on it) and nothing else.
    float[] dx = {9, 9, 9, 9, GUARD};
    Convolution.inputGradient(new float[0], w, dx, 1, 2, 2, 1, 0, 1, 1, 2, 2, 1, 1, 0, 0, 1, 1, 1);
    assertArrayEquals(new float[] {0, 0, 0, 0, GUARD}, dx);
    // The filter gradient of an empty output is zero.
    float[] dw = {9, 9, 9, 9};
    Convolution.filterGradient(x, new float[0], dw, 1, 2, 2, 1, 0, 1, 1, 2, 2, 1, 1, 0, 0, 1, 1, 1);
    assertArrayEquals(new float[] {0, 0, 0, 0}, dw);
  }

  /** Calls repeated on the same thread, with other geometries in between, give the same bits. */
  @Test
  void reusedScratchGivesTheSameResults() {
    Random random = new Random(6);
    Geometry g = GEOMETRIES.get(7);
    float[] x = random(random, g.xSize());
    float[] w = random(random, g.wSize());
    float[] dy = random(random, g.ySize());
    float[] y = forward(g, x, w, null, false);
    float[] dx = inputGradient(g, dy, w);
    float[] dw = filterGradient(g, x, dy);
    for (Geometry other : GEOMETRIES) {
      Convolution.forward(random(random, other.xSize()), random(random, other.wSize()),
          new float[other.ySize()], other.n, other.inH, other.inW, other.inC, other.outH(),
          other.outW(), other.outC, other.kh, other.kw, other.strideH, other.strideW, other.padH,
          other.padW, other.dilationH, other.dilationW, other.groups);
      assertArrayEquals(y, forward(g, x, w, null, false), "forward after " + other);
      assertArrayEquals(dx, inputGradient(g, dy, w), "inputGradient after " + other);
      assertArrayEquals(dw, filterGradient(g, x, dy), "filterGradient after " + other);
    }
  }

  /** Each thread has its own scratch: convolutions on two threads at once do not mix. */
  @Test
  void concurrentCallsOnTwoThreadsDoNotInterfere() throws Exception {
    Random random = new Random(7);
    List<Geometry> pair = List.of(GEOMETRIES.get(18), GEOMETRIES.get(10));
    List<float[][]> inputs = new ArrayList<>();
    List<float[][]> expected = new ArrayList<>();
    for (Geometry g : pair) {
      float[] x = random(random, g.xSize());
      float[] w = random(random, g.wSize());
      float[] dy = random(random, g.ySize());
      inputs.add(new float[][] {x, w, dy});
      expected.add(new float[][] {forward(g, x, w, null, false), inputGradient(g, dy, w),
          filterGradient(g, x, dy)});
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Geometry g = pair.get(t);
        float[][] in = inputs.get(t);
        float[][] want = expected.get(t);
        results.add(pool.submit(() -> {
          for (int round = 0; round < 30; round++) {
            float[] y = new float[g.ySize() + GUARDS];
            float[] dx = new float[g.xSize() + GUARDS];
            float[] dw = new float[g.wSize() + GUARDS];
            Convolution.forward(in[0], in[1], y, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(),
                g.outC, g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.dilationH,
                g.dilationW, g.groups);
            Convolution.inputGradient(in[2], in[1], dx, g.n, g.inH, g.inW, g.inC, g.outH(),
                g.outW(), g.outC, g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.dilationH,
                g.dilationW, g.groups);
            Convolution.filterGradient(in[0], in[2], dw, g.n, g.inH, g.inW, g.inC, g.outH(),
                g.outW(), g.outC, g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.dilationH,
                g.dilationW, g.groups);
            if (!Arrays.equals(y, 0, g.ySize(), want[0], 0, g.ySize())
                || !Arrays.equals(dx, 0, g.xSize(), want[1], 0, g.xSize())
                || !Arrays.equals(dw, 0, g.wSize(), want[2], 0, g.wSize())) {
              return g + " differs in round " + round;
            }
          }
          return "";
        }));
      }
      for (Future<String> result : results) {
        assertEquals("", result.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * On a new thread (empty scratch), with no stale convolution before each call: the
   * geometries in turn, so the buffers start empty and then grow, each call against the
   * reference.
   */
  @Test
  void freshScratchGrowsAsTheGeometriesGrow() throws Exception {
    onFreshThread(() -> {
      Random random = new Random(8);
      for (Geometry g : GEOMETRIES) {
        float[] x = random(random, g.xSize());
        float[] w = random(random, g.wSize());
        float[] dy = random(random, g.ySize());
        float[] bias = random(random, g.outC);
        float[] y = garbage(g.ySize());
        Convolution.forwardBias(x, w, bias, y, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(),
            g.outC, g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW,
            g.groups);
        check(g + " forwardBias on a fresh thread", referenceForward(g, x, w, bias), y);
        float[] dx = garbage(g.xSize());
        Convolution.inputGradient(dy, w, dx, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(), g.outC,
            g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.groups);
        check(g + " inputGradient on a fresh thread", referenceInputGradient(g, dy, w), dx);
        float[] dw = garbage(g.wSize());
        Convolution.filterGradient(x, dy, dw, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(), g.outC,
            g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.groups);
        check(g + " filterGradient on a fresh thread", referenceFilterGradient(g, x, dy), dw);
      }
      return null;
    });
  }

  /**
   * Once warm, each entry point, alone on its own new thread (so no other call grows its
   * buffers), allocates nothing on a grouped geometry: the scratch is sized exactly once and
   * reused.
   */
  @Test
  void steadyStateCallsAllocateNothing() throws Exception {
    // two groups; im2col and col2im shared between threads
    for (Geometry g : List.of(GEOMETRIES.get(7), geometry(8, 14, 14, 8, 16, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1))) {
      steadyStateCallsAllocateNothing(g);
    }
  }

  private static void steadyStateCallsAllocateNothing(Geometry g) throws Exception {
    Random random = new Random(9);
    float[] x = random(random, g.xSize());
    float[] w = random(random, g.wSize());
    float[] dy = random(random, g.ySize());
    float[] bias = random(random, g.outC);
    float[] y = new float[g.ySize()];
    float[] dx = new float[g.xSize()];
    float[] dw = new float[g.wSize()];
    List<Runnable> calls = List.of(
        () -> Convolution.forwardBias(x, w, bias, y, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(),
            g.outC, g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW,
            g.groups),
        () -> Convolution.inputGradient(dy, w, dx, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(),
            g.outC, g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW,
            g.groups),
        () -> Convolution.filterGradient(x, dy, dw, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(),
            g.outC, g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW,
            g.groups),
        () -> Convolution.forwardBiasRelu(x, w, bias, y, g.n, g.inH, g.inW, g.inC, g.outH(), g.outW(),
            g.outC, g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW,
            g.groups));
    String[] names = {"forwardBias", "inputGradient", "filterGradient", "forwardBiasRelu"};
    for (int i = 0; i < calls.size(); i++) {
      Runnable call = calls.get(i);
      long least = onFreshThread(() -> steadyStateAllocation(call));
      assertEquals(0L, least, g + " " + names[i] + " allocates in steady state");
    }
  }

  /**
   * Bytes allocated on this thread by one call after warm-up: the least over a few attempts,
   * since the JIT may still be replacing code that allocates early on.
   */
  private static long steadyStateAllocation(Runnable call) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long least = Long.MAX_VALUE;
    long deadline = System.nanoTime() + 10_000_000_000L;
    for (int attempt = 0; attempt < 50 && least > 0 && System.nanoTime() < deadline; attempt++) {
      for (int i = 0; i < 200; i++) {
        call.run();
      }
      long before = threads.getCurrentThreadAllocatedBytes();
      call.run();
      long after = threads.getCurrentThreadAllocatedBytes();
      least = Math.min(least, after - before);
    }
    return least;
  }

  /** Runs {@code task} on a new thread and returns its result, rethrowing its failure as is. */
  private static <T> T onFreshThread(Callable<T> task) throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      return thread.submit(task).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    } finally {
      thread.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** {@code size} random floats in [-1, 1), then the guard. */
  private static float[] random(Random random, int size) {
    float[] a = new float[size + GUARDS];
    for (int i = 0; i < size; i++) {
      a[i] = random.nextFloat() * 2f - 1f;
    }
    Arrays.fill(a, size, a.length, GUARD);
    return a;
  }

  /** An output array holding garbage (which the call must overwrite), then the guard. */
  private static float[] garbage(int size) {
    float[] a = new float[size + GUARDS];
    Arrays.fill(a, 0, size, -777f);
    Arrays.fill(a, size, a.length, GUARD);
    return a;
  }

  private static void checkGuard(String what, float[] a, int size) {
    for (int i = size; i < a.length; i++) {
      assertEquals(GUARD, a[i], what + ": wrote past the end, at " + i);
    }
  }

  private static double dot(float[] a, float[] b, int size) {
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }
}
