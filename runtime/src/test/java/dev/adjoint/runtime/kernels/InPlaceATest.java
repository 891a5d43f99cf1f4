package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The vector kernel reads A in place (no packed panels of A): every product, packed B
 * included, is bit for bit what the same kernel computes from packed panels of A, for A
 * stored either way, edge rows, several k and m blocks, offsets, accumulation and the bias
 * and relu epilogue.
 */
class InPlaceATest {
  static List<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    // the last two are packed (m, and n, past InPlaceA.MAX_SIDE), the others read A in place
    int[][] shapes = {{4, 32, 8}, {5, 33, 7}, {6, 70, 600}, {7, 40, 1100}, {131, 65, 530}, {300, 96, 129},
        {517, 40, 70}, {9, 515, 30}};
    for (int[] shape : shapes) {
      for (String variant : new String[] {"NN", "NT", "TN", "TT"}) {
        cases.add(Arguments.of(variant, shape[0], shape[1], shape[2]));
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{0} m={1} n={2} k={3}")
  @MethodSource("cases")
  void inPlaceAMatchesPackedPanelsBitForBit(String variant, int m, int n, int k) {
    MicroKernel vector = Kernels.vector();
    assumeTrue(vector != null, "the Vector API kernel is not available");
    boolean ta = variant.charAt(0) == 'T';
    boolean tb = variant.charAt(1) == 'T';
    Random random = new Random(m + 31L * n + 17L * k);
    int aOffset = 3;
    int bOffset = 5;
    float[] a = Reference.random(random, aOffset, m * k, 2);
    float[] b = Reference.random(random, bOffset, k * n, 1);
    float[] bias = Reference.random(random, 0, n, 0);
    float[] c0 = Reference.random(random, 0, m * n, 0);
    try (GemmEngine inPlace = GemmEngine.create(1, vector, Long.MAX_VALUE);
        GemmEngine packing = GemmEngine.create(1, new PackingOnly(vector), Long.MAX_VALUE)) {
      float[] expected = c0.clone();
      float[] actual = c0.clone();
      packing.multiply(ta, tb, m, n, k, a, aOffset, b, bOffset, expected, 0, true);
      inPlace.multiply(ta, tb, m, n, k, a, aOffset, b, bOffset, actual, 0, true);
      assertArrayEquals(expected, actual, "accumulated product");
      packing.multiplyBias(ta, tb, m, n, k, a, aOffset, b, bOffset, expected, 0, bias, 0, true);
      inPlace.multiplyBias(ta, tb, m, n, k, a, aOffset, b, bOffset, actual, 0, bias, 0, true);
      assertArrayEquals(expected, actual, "product with bias and relu");
      PackedMatrix packedB = inPlace.packed(k, n);
      inPlace.pack(packedB, tb, b, bOffset);
      PackedMatrix packedB2 = packing.packed(k, n);
      packing.pack(packedB2, tb, b, bOffset);
      packing.multiplyPacked(ta, m, a, aOffset, packedB2, expected, 0, false);
      inPlace.multiplyPacked(ta, m, a, aOffset, packedB, actual, 0, false);
      assertArrayEquals(expected, actual, "product with B packed once");
      Reference.check("in place", ta, tb, m, n, k, a, aOffset, b, bOffset, c0, actual, 0, false, null, 0, false);
    }
  }

  @Test
  void onlyTheVectorKernelReadsAInPlace() {
    MicroKernel vector = Kernels.vector();
    assumeTrue(vector != null, "the Vector API kernel is not available");
    assertTrue(vector.readsAInPlace());
    assertFalse(Kernels.scalar().readsAInPlace());
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> Kernels.scalar().tileInPlace(1, new float[4], 0, 1, 4, new float[16], 0, new float[64], 0, 16, 4, 16,
            0, null, 0, new float[64]));
    assertTrue(e.getMessage().contains("scalar"), e.getMessage());
  }

  @Test
  void stridesDescribeBothLayouts() {
    GemmTask t = new GemmTask();
    t.set(false, false, 6, 2, 5, new float[40], 7, new float[10], 0, new float[12], 0, false, null, 0, false);
    assertEquals(7 + 3 * 5 + 2, InPlaceA.start(t, 3, 2));
    assertEquals(5, InPlaceA.rowStride(t));
    assertEquals(1, InPlaceA.stepStride(t));
    t.set(true, false, 6, 2, 5, new float[40], 7, new float[10], 0, new float[12], 0, false, null, 0, false);
    assertEquals(7 + 2 * 6 + 3, InPlaceA.start(t, 3, 2));
    assertEquals(1, InPlaceA.rowStride(t));
    assertEquals(6, InPlaceA.stepStride(t));
    assertTrue(InPlaceA.suits(t));
    t.set(true, false, 513, 2, 5, new float[4000], 0, new float[10], 0, new float[1100], 0, false, null, 0, false);
    assertFalse(InPlaceA.suits(t), "a transposed A of 513 rows is packed");
    t.set(false, false, 513, 2, 5, new float[4000], 0, new float[10], 0, new float[1100], 0, false, null, 0, false);
    assertTrue(InPlaceA.suits(t), "a row-major A of any height is read in place");
    t.set(false, false, 2, 513, 5, new float[10], 0, new float[4000], 0, new float[1100], 0, false, null, 0, false);
    assertFalse(InPlaceA.suits(t), "a product 513 columns wide packs A");
    t.set(true, false, 512, 512, 1, new float[512], 0, new float[512], 0, new float[512 * 512], 0, false, null, 0, false);
    assertTrue(InPlaceA.suits(t), "512 rows and columns are read in place");
  }

  /** The vector kernel with its panels of A packed, as before it read A in place. */
  private static final class PackingOnly extends MicroKernel {
    private final MicroKernel kernel;

    PackingOnly(MicroKernel kernel) {
      super(kernel.mr, kernel.nr, kernel.kc, kernel.mc, kernel.nc);
      this.kernel = kernel;
    }

    @Override
    boolean vectorized() {
      return true;
    }

    @Override
    String describe() {
      return "packing " + kernel.describe();
    }

    @Override
    void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, int rows,
        int cols, int mode, float[] bias, int biasOff, float[] scratch) {
      kernel.tile(kc, a, aOff, b, bOff, c, cOff, ldc, rows, cols, mode, bias, biasOff, scratch);
    }

    @Override
    void rows(GemmTask t, int j0, int j1, Workspace workspace) {
      kernel.rows(t, j0, j1, workspace);
    }
  }
}
