package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused attention kernel against direct loops in f64: f32 and f64, with no mask, causal,
 * a shared mask, a mask per head and both, including a query that sees no key (it averages
 * the values evenly) and more keys than queries.
 */
class AttentionKernelTest {

  /** softmax(masked(scale·q·kᵀ))·v by the definition, masked scores at -1e30. */
  private static double[] reference(int heads, int tq, int tk, int d, int dv, double[] q, double[] k, double[] v,
      double[] mask, int maskStride, boolean causal, double scale) {
    double[] out = new double[heads * tq * dv];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < tq; i++) {
        double[] z = new double[tk];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < tk; j++) {
          double dot = 0;
          for (int c = 0; c < d; c++) {
            dot += q[(h * tq + i) * d + c] * k[(h * tk + j) * d + c];
          }
          boolean kept = (!causal || j <= i) && (mask == null || mask[h * maskStride + i * tk + j] != 0);
          z[j] = kept ? dot * scale : -1e30;
          max = Math.max(max, z[j]);
        }
        double sum = 0;
        for (int j = 0; j < tk; j++) {
          z[j] = Math.exp(z[j] - max);
          sum += z[j];
        }
        for (int c = 0; c < dv; c++) {
          for (int j = 0; j < tk; j++) {
            out[(h * tq + i) * dv + c] += z[j] / sum * v[(h * tk + j) * dv + c];
          }
        }
      }
    }
    return out;
  }

  private static double[] draw(Random random, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextGaussian();
    }
    return x;
  }

  private static float[] floats(double[] x) {
    float[] f = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      f[i] = (float) x[i];
    }
    return f;
  }

  private static double[] rounded(double[] x) {
    double[] r = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      r[i] = (float) x[i];
    }
    return r;
  }

  @Test
  void everyMaskKindAgreesWithTheDefinition() {
    Random random = new Random(17);
    int[][] geometries = {{3, 7, 7, 5, 4}, {2, 1, 1, 3, 2}, {2, 4, 9, 8, 3}, {5, 33, 33, 16, 16}};
    for (int[] g : geometries) {
      int heads = g[0];
      int tq = g[1];
      int tk = g[2];
      int d = g[3];
      int dv = g[4];
      double[] q = rounded(draw(random, heads * tq * d));
      double[] k = rounded(draw(random, heads * tk * d));
      double[] v = rounded(draw(random, heads * tk * dv));
      double[] shared = new double[tq * tk];
      double[] perHead = new double[heads * tq * tk];
      for (int i = 0; i < perHead.length; i++) {
        perHead[i] = random.nextInt(3) == 0 ? 0 : 1;
      }
      for (int i = 0; i < shared.length; i++) {
        shared[i] = i / tk == 0 && tq > 1 ? 0 : (i % 4 == 3 ? 0 : 1); // the first query sees nothing
      }
      for (boolean causal : new boolean[] {false, true}) {
        for (int kind = 0; kind < 3; kind++) {
          double[] mask = kind == 0 ? null : kind == 1 ? shared : perHead;
          int stride = kind == 2 ? tq * tk : 0;
          String what = "heads " + heads + " tq " + tq + " tk " + tk + " causal " + causal + " mask " + kind;
          double[] expected = reference(heads, tq, tk, d, dv, q, k, v, mask, stride, causal, 0.3);
          double[] f64 = new double[expected.length];
          Attention.forward(heads, tq, tk, d, dv, q, k, v, mask, stride, causal, 0.3, f64);
          float[] f32 = new float[expected.length];
          Attention.forward(heads, tq, tk, d, dv, floats(q), floats(k), floats(v), mask == null ? null : floats(mask),
              stride, causal, 0.3f, f32);
          for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], f64[i], 1e-12, what + " f64 at " + i);
            assertEquals(expected[i], f32[i], 2e-5 * Math.max(1, Math.abs(expected[i])), what + " f32 at " + i);
          }
        }
      }
    }
  }

  @Test
  void aQueryThatSeesNoKeyAveragesTheValues() {
    float[] q = {1, 2};
    float[] k = {3, -1, 0.5f, 2};
    float[] v = {1, 10, 3, 20};
    float[] out = new float[2];
    Attention.forward(1, 1, 2, 2, 2, q, k, v, new float[] {0, 0}, 0, false, 1f, out);
    assertEquals(2, out[0], 1e-6);
    assertEquals(15, out[1], 1e-6);
    assertTrue(Float.isFinite(out[0]));
  }
}
