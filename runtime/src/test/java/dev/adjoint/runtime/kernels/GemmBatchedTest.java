package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Batched products: each product of the batch against the double-precision reference, for
 * every layout, on every test engine (the two-thread ones sharing out whole products), and
 * bit for bit equal to the same products computed one call at a time (also with k = 0 and
 * rows enough for the tiled path: C zeroed, or left as it was when accumulating).
 */
class GemmBatchedTest {
  private static final int[][] SHAPES = {
    // batches, m, n, k
    {1, 5, 7, 3}, {3, 1, 9, 4}, {4, 6, 6, 6}, {7, 17, 33, 20}, {2, 64, 64, 64}, {5, 3, 2, 0},
    {3, 5, 4, 0},
  };

  @Test
  void everyProductOfTheBatchMatchesTheReference() {
    Random random = new Random(3);
    for (GemmEngine engine : TestEngines.all()) {
      for (int[] s : SHAPES) {
        for (int layout = 0; layout < 3; layout++) {
          for (boolean accumulate : new boolean[] {false, true}) {
            check(engine, random, layout == 1, layout == 2, s[0], s[1], s[2], s[3], accumulate, false);
          }
        }
        check(engine, random, false, false, s[0], s[1], s[2], s[3], false, true);
      }
    }
  }

  /** The batch's C against the reference and against one multiply per product. */
  private static void check(GemmEngine engine, Random random, boolean ta, boolean tb, int batches,
      int m, int n, int k, boolean accumulate, boolean sharedB) {
    int aStride = m * k + 2;
    int bStride = sharedB ? 0 : k * n + 1;
    int cStride = m * n + 3;
    float[] a = Reference.random(random, 1, batches * aStride, 2);
    float[] b = Reference.random(random, 2, Math.max(1, batches) * (k * n + 1), 1);
    float[] before = Reference.random(random, 3, batches * cStride, 2);
    float[] c = before.clone();
    engine.multiplyBatched(ta, tb, batches, m, n, k, a, 1, aStride, b, 2, bStride, c, 3, cStride,
        accumulate);
    float[] single = before.clone();
    String what = engine + " " + batches + "x" + m + "x" + n + "x" + k + (ta ? " Aᵀ" : "")
        + (tb ? " Bᵀ" : "") + (accumulate ? " +=" : "") + (sharedB ? " shared B" : "");
    for (int i = 0; i < batches; i++) {
      engine.multiply(ta, tb, m, n, k, a, 1 + i * aStride, b, 2 + i * bStride, single,
          3 + i * cStride, accumulate);
      float[] one = before.clone();
      System.arraycopy(c, 3 + i * cStride, one, 3 + i * cStride, m * n);
      Reference.check(what + " product " + i, ta, tb, m, n, k, a, 1 + i * aStride, b,
          2 + i * bStride, before, one, 3 + i * cStride, accumulate, null, 0, false);
    }
    assertArrayEquals(single, c, what + ": batched and one by one differ");
  }

  @Test
  void sharedEngineComputesABatch() {
    float[] a = {1, 2, 3, 4, 5, 6, 7, 8};
    float[] b = {1, 0, 0, 1};
    float[] c = new float[8];
    Gemm.multiplyBatched(false, false, 2, 2, 2, 2, a, 0, 4, b, 0, 0, c, 0, 4, false);
    assertArrayEquals(a, c);
  }

  @Test
  void badBatchesAreRefusedWithTheArgumentNamed() {
    GemmEngine engine = TestEngines.all().get(0);
    float[] x = new float[16];
    float[] y = new float[16];
    IllegalArgumentException stride = assertThrows(IllegalArgumentException.class,
        () -> engine.multiplyBatched(false, false, 2, 2, 2, 2, x, 0, 4, x, 0, 4, y, 0, 3, false));
    assertTrue(stride.getMessage().contains("cStride"), stride.getMessage());
    IllegalArgumentException shortA = assertThrows(IllegalArgumentException.class,
        () -> engine.multiplyBatched(false, false, 5, 2, 2, 2, x, 0, 4, y, 0, 0, new float[32], 0, 4, false));
    assertTrue(shortA.getMessage().startsWith("a is too short"), shortA.getMessage());
    IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
        () -> engine.multiplyBatched(false, false, 2, 2, 2, 2, x, 0, 4, y, 0, 0, x, 4, 4, false));
    assertTrue(overlap.getMessage().startsWith("c overlaps a"), overlap.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> engine.multiplyBatched(false, false, -1, 2, 2, 2, x, 0, 4, y, 0, 0, y, 0, 4, false));
  }
}
