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
        // h, w, kernel, stride, padding (per axis)
        Arguments.of(7, 5, new int[] {3, 2}, new int[] {2, 2}, new int[] {0, 0}),
        Arguments.of(7, 5, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 1}),
        Arguments.of(6, 4, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}),
        Arguments.of(7, 5, new int[] {3, 2}, new int[] {3, 2}, new int[] {0, 0}),
        Arguments.of(4, 4, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}),
        Arguments.of(5, 5, new int[] {4, 4}, new int[] {1, 3}, new int[] {2, 1}));
  }

  private static String pair(int[] v) {
    return "(" + v[0] + ", " + v[1] + ")";
  }

  @ParameterizedTest
  @MethodSource("windows")
  @Covers({"max_pool2d", "avg_pool2d"})
  void pool2dMatchesADirectLoop(int h, int w, int[] k, int[] s, int[] p) {
    String args = ", " + pair(k) + ", stride = " + pair(s) + ", padding = " + pair(p) + ")";
    String text = "model t {\n  input x: f64[B, " + h + ", " + w + ", " + C + "]\n  output m = max_pool2d(x" + args
        + "\n  output a = avg_pool2d(x" + args + "\n}\n";
    double[] x = random(B * h * w * C, 1);
    var e = run(graph(text)).input("x", of(shape(B, h, w, C), x)).evaluate();
    int ho = (h + 2 * p[0] - k[0]) / s[0] + 1;
    int wo = (w + 2 * p[1] - k[1]) / s[1] + 1;
    assertValues(e.output("m"), shape(B, ho, wo, C), direct(x, h, w, k, s, p, true));
    assertValues(e.output("a"), shape(B, ho, wo, C), direct(x, h, w, k, s, p, false));
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
        direct(x, l, 1, new int[] {3, 1}, new int[] {2, 1}, new int[] {1, 0}, true));
    assertValues(e.output("a"), shape(B, 3, C),
        direct(x, l, 1, new int[] {2, 1}, new int[] {2, 1}, new int[] {0, 0}, false));
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

  /** PyTorch's pooling by its definition, on [B, h, w, C] in channels-last order. */
  private static double[] direct(double[] x, int h, int w, int[] k, int[] s, int[] p, boolean max) {
    int ho = (h + 2 * p[0] - k[0]) / s[0] + 1;
    int wo = (w + 2 * p[1] - k[1]) / s[1] + 1;
    double[] out = new double[B * ho * wo * C];
    for (int b = 0; b < B; b++) {
      for (int i = 0; i < ho; i++) {
        for (int j = 0; j < wo; j++) {
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
            out[((b * ho + i) * wo + j) * C + c] = max ? acc : acc / (k[0] * k[1]);
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
