package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;

/** A naive double-precision product and the tolerance a float product must meet against it. */
final class Reference {
  /** Unit roundoff of float. */
  private static final double EPS = Math.ulp(1f) / 2;

  private Reference() {}

  /** An array of {@code offset + size + guard} floats, the slice random in [-1, 1), the rest NaN. */
  static float[] random(Random random, int offset, int size, int guard) {
    float[] x = new float[offset + size + guard];
    java.util.Arrays.fill(x, Float.NaN);
    for (int i = 0; i < size; i++) {
      x[offset + i] = random.nextFloat() * 2f - 1f;
    }
    return x;
  }

  /** Logical A(i, p) of A stored m x k, or k x m when transposed. */
  static double a(float[] a, int offset, boolean transposed, int m, int k, int i, int p) {
    return transposed ? a[offset + p * m + i] : a[offset + i * k + p];
  }

  /** Logical B(p, j) of B stored k x n, or n x k when transposed. */
  static double b(float[] b, int offset, boolean transposed, int n, int k, int p, int j) {
    return transposed ? b[offset + j * k + p] : b[offset + p * n + j];
  }

  /**
   * Checks {@code actual} (C after the product) against the exact product: each element
   * within {@code (k + 2)·ε·(Σ|a||b| + |c0| + |bias|)} of
   * {@code relu?(Σ a·b + c0 + bias)} computed in double; also checks the guard after C.
   *
   * @param before C before the product (read when {@code accumulate})
   * @param bias null when there is none
   */
  static void check(String what, boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff,
      float[] b, int bOff, float[] before, float[] actual, int cOff, boolean accumulate,
      float[] bias, int biasOff, boolean relu) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        double magnitude = 0;
        for (int p = 0; p < k; p++) {
          double product = a(a, aOff, ta, m, k, i, p) * b(b, bOff, tb, n, k, p, j);
          sum += product;
          magnitude += Math.abs(product);
        }
        if (accumulate) {
          sum += before[cOff + i * n + j];
          magnitude += Math.abs(before[cOff + i * n + j]);
        }
        if (bias != null) {
          sum += bias[biasOff + j];
          magnitude += Math.abs(bias[biasOff + j]);
        }
        if (relu) {
          sum = Math.max(0, sum);
        }
        double tolerance = (k + 2) * EPS * magnitude + Float.MIN_NORMAL;
        float got = actual[cOff + i * n + j];
        if (!(Math.abs(got - sum) <= tolerance)) {
          fail(what + ": C(" + i + ", " + j + ") = " + got + ", expected " + sum + " ± "
              + tolerance);
        }
        if (relu && got < 0f) {
          fail(what + ": C(" + i + ", " + j + ") = " + got + " after ReLU");
        }
      }
    }
    for (int i = 0; i < cOff; i++) {
      assertEquals(before[i], actual[i], what + ": C's prefix was written at " + i);
    }
    for (int i = cOff + m * n; i < actual.length; i++) {
      assertEquals(before[i], actual[i], what + ": C's guard was written at " + i);
    }
  }
}
