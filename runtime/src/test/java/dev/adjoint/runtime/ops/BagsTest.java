package dev.adjoint.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** An embedding bag's sum and its table's gradient on known values, padding ids skipped. */
class BagsTest {
  // 4 rows of width 2
  private static final float[] TABLE = {1, 2, 10, 20, 100, 200, 1000, 2000};
  private static final int[] IDS = {0, 2, -1, 3, 3, -1, -1, -1, 1};   // 3 bags of 3 places

  @Test
  void sumsEachBagsWeightedRowsOverItsPresentIds() {
    float[] w = {1, 0.5f, 99, 2, 1, 99, 99, 99, -1};
    float[] out = new float[6];
    java.util.Arrays.fill(out, 7);
    Bags.sum(TABLE, 4, 2, IDS, w, 3, 3, out);
    assertArrayEquals(new float[] {51, 102, 3000, 6000, -10, -20}, out);
    Bags.sum(TABLE, 4, 2, IDS, null, 3, 3, out);
    assertArrayEquals(new float[] {101, 202, 2000, 4000, 10, 20}, out);
    double[] d = new double[6];
    Bags.sum(widen(TABLE), 4, 2, IDS, widen(w), 3, 3, d);
    assertArrayEquals(new double[] {51, 102, 3000, 6000, -10, -20}, d);
    Bags.sum(widen(TABLE), 4, 2, IDS, null, 3, 3, d);
    assertArrayEquals(new double[] {101, 202, 2000, 4000, 10, 20}, d);
  }

  @Test
  void scattersEachBagsGradientTimesItsWeightsIntoTheTable() {
    float[] dy = {1, 2, 3, 4, 5, 6};
    float[] w = {1, 0.5f, 99, 2, 1, 99, 99, 99, -1};
    float[] out = new float[8];
    java.util.Arrays.fill(out, 7);
    Bags.sumGradient(IDS, w, dy, 3, 3, 4, 2, out);
    assertArrayEquals(new float[] {1, 2, -5, -6, 0.5f, 1, 9, 12}, out);
    Bags.sumGradient(IDS, null, dy, 3, 3, 4, 2, out);
    assertArrayEquals(new float[] {1, 2, 5, 6, 1, 2, 6, 8}, out);
    double[] d = new double[8];
    Bags.sumGradient(IDS, widen(w), widen(dy), 3, 3, 4, 2, d);
    assertArrayEquals(new double[] {1, 2, -5, -6, 0.5, 1, 9, 12}, d);
    Bags.sumGradient(IDS, null, widen(dy), 3, 3, 4, 2, d);
    assertArrayEquals(new double[] {1, 2, 5, 6, 1, 2, 6, 8}, d);
  }

  @Test
  void anIdPastTheTableIsRefusedWithIt() {
    int[] ids = {0, 4};
    String m = assertThrows(IllegalArgumentException.class,
        () -> Bags.sum(TABLE, 4, 2, ids, null, 1, 2, new float[2])).getMessage();
    assertTrue(m.contains("id 4 is out of range for a table of 4 rows"), m);
    assertThrows(IllegalArgumentException.class, () -> Bags.sum(widen(TABLE), 4, 2, ids, null, 1, 2, new double[2]));
    assertThrows(IllegalArgumentException.class,
        () -> Bags.sumGradient(ids, (float[]) null, new float[2], 1, 2, 4, 2, new float[8]));
    assertThrows(IllegalArgumentException.class,
        () -> Bags.sumGradient(ids, (double[]) null, new double[2], 1, 2, 4, 2, new double[8]));
    Bags.sum(TABLE, 4, 2, new int[] {3}, null, 1, 1, new float[2]); // the last row is in range
  }

  private static double[] widen(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
