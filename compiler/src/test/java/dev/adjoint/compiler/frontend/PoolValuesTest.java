package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.assertRejects;
import static dev.adjoint.compiler.frontend.Programs.assertValues;
import static dev.adjoint.compiler.frontend.Programs.graph;
import static dev.adjoint.compiler.frontend.Programs.of;
import static dev.adjoint.compiler.frontend.Programs.run;
import static dev.adjoint.compiler.frontend.Programs.shape;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.interp.F64Tensor;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Pooling against a direct loop over windows written here (PyTorch's definition: padding is
 * -inf for the maximum and zeros counted in the mean), for tiling and overlapping windows,
 * padding, remainders cut off, one and two spatial axes.
 */
class PoolValuesTest {
  private static final int B = 2;
  private static final int C = 3;

  static Stream<Arguments> windows() {
    return Stream.of(
        // h, w, kernel, stride, padding (per axis), ceil_mode
        Arguments.of(7, 5, new int[] {3, 2}, new int[] {2, 2}, new int[] {0, 0}, false),
        Arguments.of(7, 5, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 1}, false),
        Arguments.of(6, 4, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, false),
        Arguments.of(7, 5, new int[] {3, 2}, new int[] {3, 2}, new int[] {0, 0}, false),
        Arguments.of(4, 4, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, false),
        Arguments.of(5, 5, new int[] {4, 4}, new int[] {1, 3}, new int[] {2, 1}, false),
        // ceil_mode: a last partial window on each axis; one reaching into the right padding
        // and past it; one that would start in the right padding, dropped; tiling windows
        Arguments.of(7, 5, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, true),
        Arguments.of(6, 5, new int[] {3, 2}, new int[] {2, 2}, new int[] {1, 0}, true),
        Arguments.of(5, 5, new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1}, true),
        Arguments.of(6, 4, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, true),
        Arguments.of(7, 5, new int[] {3, 3}, new int[] {3, 1}, new int[] {1, 1}, true));
  }

  private static String pair(int[] v) {
    return "(" + v[0] + ", " + v[1] + ")";
  }

  @ParameterizedTest
  @MethodSource("windows")
  @Covers({"max_pool2d", "avg_pool2d"})
  void pool2dMatchesADirectLoop(int h, int w, int[] k, int[] s, int[] p, boolean ceil) {
    String args = ", " + pair(k) + ", stride = " + pair(s) + ", padding = " + pair(p)
        + (ceil ? ", ceil_mode = true" : "") + ")";
    String text = "model t {\n  input x: f64[B, " + h + ", " + w + ", " + C + "]\n  output m = max_pool2d(x" + args
        + "\n  output a = avg_pool2d(x" + args + "\n}\n";
    double[] x = random(B * h * w * C, 1);
    var e = run(graph(text)).input("x", of(shape(B, h, w, C), x)).evaluate();
    int ho = outputSize(h, k[0], s[0], p[0], ceil);
    int wo = outputSize(w, k[1], s[1], p[1], ceil);
    assertValues(e.output("m"), shape(B, ho, wo, C), direct(x, h, w, k, s, p, ceil, true));
    assertValues(e.output("a"), shape(B, ho, wo, C), direct(x, h, w, k, s, p, ceil, false));
  }

  @Test
  @Covers({"max_pool1d", "avg_pool1d"})
  void pool1dMatchesADirectLoop() {
    int l = 7;
    String text = "model t {\n  input x: f64[B, " + l + ", " + C + "]\n  output m = max_pool1d(x, 3, stride = 2,"
        + " padding = 1)\n  output a = avg_pool1d(x, 2)\n}\n";
    double[] x = random(B * l * C, 2);
    var e = run(graph(text)).input("x", of(shape(B, l, C), x)).evaluate();
    assertValues(e.output("m"), shape(B, 4, C),
        direct(x, l, 1, new int[] {3, 1}, new int[] {2, 1}, new int[] {1, 0}, false, true));
    assertValues(e.output("a"), shape(B, 3, C),
        direct(x, l, 1, new int[] {2, 1}, new int[] {2, 1}, new int[] {0, 0}, false, false));
  }

  @Test
  @Covers({"max_pool1d", "avg_pool1d"})
  void ceilModeKeepsTheLastPartialWindowAsPyTorchDoes() {
    String text = "model t {\n  input x: f64[B, 6, 1]\n  input z: f64[B, 5, 1]\n"
        + "  output m = max_pool1d(x, 3, stride = 2, padding = 1,"
        + " ceil_mode = true)\n  output a = avg_pool1d(x, 3, stride = 2, padding = 1, ceil_mode = true)\n"
        + "  output f = avg_pool1d(x, 3, stride = 2, padding = 1)\n  output d = avg_pool1d(z, 2, padding = 1,"
        + " ceil_mode = true)\n}\n";
    var e = run(graph(text)).input("x", of(shape(1, 6, 1), 1, 2, 3, 4, 5, 6))
        .input("z", of(shape(1, 5, 1), 1, 2, 3, 4, 5)).evaluate();
    // torch.nn.functional.max_pool1d / avg_pool1d of [1..6] with kernel 3, stride 2, padding 1:
    // windows start at -1, 1, 3 and, in ceil mode, 5, which holds x[5] and one padded zero
    // (divisor 2: the position past the padding does not count)
    assertValues(e.output("m"), shape(1, 4, 1), 2, 4, 6, 6);
    assertValues(e.output("a"), shape(1, 4, 1), 1, 3, 5, 3);
    assertValues(e.output("f"), shape(1, 3, 1), 1, 3, 5);
    // five values, kernel 2, stride 2, padding 1: a fourth window would start in the right
    // padding, so PyTorch drops it and ceil_mode changes nothing
    assertValues(e.output("d"), shape(1, 3, 1), 0.5, 2.5, 4.5);
  }

  @Test
  @Covers({"global_max_pool", "global_avg_pool"})
  void globalPoolsReduceEverySpatialAxisPerChannel() {
    String text = "model t {\n  input x: f64[B, 2, 2, 2]\n  output m = global_max_pool(x)\n"
        + "  output a = global_avg_pool(x)\n}\n";
    F64Tensor x = of(shape(1, 2, 2, 2), 1, -1, 5, -2, 3, -3, 7, -4);
    var e = run(graph(text)).input("x", x).evaluate();
    assertValues(e.output("m"), shape(1, 2), 7, -1);
    assertValues(e.output("a"), shape(1, 2), 4, -2.5);
    var oneD = run(graph("model t {\n  input x: f64[B, 3, 1]\n  output m = global_max_pool(x)\n}\n"))
        .input("x", of(shape(1, 3, 1), 2, 9, 4)).evaluate();
    assertValues(oneD.output("m"), shape(1, 1), 9);
  }

  @Test
  @Covers({"max_pool2d", "avg_pool1d", "global_avg_pool"})
  void misuseIsReportedAtTheCall() {
    String image = "model t {\n  input x: f32[B, 4, 4, 1]\n  output y = ";
    assertRejects(image + "max_pool2d(x, 5)\n}\n", "3:14", "larger than the padded input");
    assertRejects(image + "max_pool2d(x, 2, stride = 0)\n}\n", "3:14", "stride", "positive");
    assertRejects(image + "max_pool2d(x, 3, padding = 2)\n}\n", "3:14", "more than half the kernel");
    assertRejects(image + "max_pool2d(x, (2, 2, 2))\n}\n", "3:14", "one number or 2");
    assertRejects(image + "max_pool2d(x, 3, padding = 2000000000)\n}\n", "3:14", "more than half the kernel");
    assertRejects("model t {\n  input x: f32[B, 40, 40, 1]\n  output y = avg_pool2d(x, 17, stride = 1)\n}\n", "3:14",
        "289 elements is more than 256");
    assertRejects("model t {\n  input x: f32[B, 16]\n  output y = max_pool2d(x, 2)\n}\n", "3:14", "rank 4");
    assertRejects("model t {\n  input x: f32[B, 16]\n  output y = avg_pool1d(x, 2)\n}\n", "3:14", "rank 3");

    assertRejects(image + "avg_pool2d(x, 2, ceil_mode = 1)\n}\n", "3:43", "ceil_mode", "true or false");
    assertRejects("model t {\n  input x: f32[B, 40, 40, 1]\n  output y = avg_pool2d(x, 17, ceil_mode = true)\n}\n",
        "3:14", "289 elements is more than 256", "reach past the input");
    assertRejects("model t {\n  input x: f32[B, 16]\n  output y = global_avg_pool(x)\n}\n", "3:14",
        "spatial axes");
  }

  @Test
  @Covers("max_pool2d")
  void aNaNInAWindowIsItsMaximum() {
    String text = "model t {\n  input x: f64[B, 2, 2, 1]\n  output m = max_pool2d(x, 2)\n}\n";
    var e = run(graph(text)).input("x", of(shape(1, 2, 2, 1), 1, Double.NaN, 3, 2)).evaluate();
    assertTrue(Double.isNaN(e.output("m").item()));
  }

  /** PyTorch's output size: floor, or ceil with a last window starting inside the input or its left padding. */
  private static int outputSize(int size, int k, int s, int p, boolean ceil) {
    int span = size + 2 * p - k;
    int out = (ceil ? (span + s - 1) / s : span / s) + 1;
    return ceil && (out - 1) * s >= size + p ? out - 1 : out;
  }

  /**
   * PyTorch's pooling by its definition, on [B, h, w, C] in channels-last order: the mean
   * divides by the window's positions inside the padded input (all of them but in ceil mode).
   */
  private static double[] direct(double[] x, int h, int w, int[] k, int[] s, int[] p, boolean ceil, boolean max) {
    int ho = outputSize(h, k[0], s[0], p[0], ceil);
    int wo = outputSize(w, k[1], s[1], p[1], ceil);
    double[] out = new double[B * ho * wo * C];
    for (int b = 0; b < B; b++) {
      for (int i = 0; i < ho; i++) {
        for (int j = 0; j < wo; j++) {
          int count = (Math.min(i * s[0] - p[0] + k[0], h + p[0]) - (i * s[0] - p[0]))
              * (Math.min(j * s[1] - p[1] + k[1], w + p[1]) - (j * s[1] - p[1]));
          for (int c = 0; c < C; c++) {
            double acc = max ? Double.NEGATIVE_INFINITY : 0;
            for (int di = 0; di < k[0]; di++) {
              for (int dj = 0; dj < k[1]; dj++) {
                int r = i * s[0] + di - p[0];
                int q = j * s[1] + dj - p[1];
                boolean inside = r >= 0 && r < h && q >= 0 && q < w;
                double v = inside ? x[((b * h + r) * w + q) * C + c] : max ? Double.NEGATIVE_INFINITY : 0;
                acc = max ? Math.max(acc, v) : acc + v;
              }
            }
            out[((b * ho + i) * wo + j) * C + c] = max ? acc : acc / count;
          }
        }
      }
    }
    return out;
  }

  private static double[] random(int n, long seed) {
    Random r = new Random(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = r.nextGaussian();
    }
    return out;
  }
}
