package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cache-blocking sizes and their {@code -Dadjoint.gemm.kc/mc/nc} overrides: a positive
 * integer (spaces allowed) replaces the kernel's default, anything else is ignored, and mc and
 * nc are rounded down to whole tiles but never below one; a kernel built under small overrides
 * still computes the product (several k, row and column blocks, each with edge tiles).
 */
class BlockingTest {
  private static final String KC = "adjoint.gemm.kc";
  private static final String MC = "adjoint.gemm.mc";
  private static final String NC = "adjoint.gemm.nc";

  @AfterEach
  void clearOverrides() {
    System.clearProperty(KC);
    System.clearProperty(MC);
    System.clearProperty(NC);
  }

  @Test
  void withoutOverridesTheKernelsDefaultsAreKept() {
    assertEquals(256, Blocking.kc(256));
    assertEquals(128, Blocking.mc(4, 128));
    assertEquals(2048, Blocking.nc(16, 2048));
  }

  @Test
  void defaultsAreRoundedDownToWholeTilesButNeverBelowOne() {
    assertEquals(128, Blocking.mc(4, 131));
    assertEquals(4, Blocking.mc(4, 3));
    assertEquals(6, Blocking.mc(6, 6));
    assertEquals(2032, Blocking.nc(16, 2047));
    assertEquals(16, Blocking.nc(16, 1));
    assertEquals(32, Blocking.nc(16, 32));
  }

  /** The measured defaults: a deeper k block and more rows for 512-bit vectors (16 lanes). */
  @Test
  void eachKernelHasItsMeasuredDefaults() {
    MicroKernel scalar = Kernels.scalar();
    assertEquals(List.of(256, 128, 2048), List.of(scalar.kc, scalar.mc, scalar.nc));
    MicroKernel vector = Kernels.vector();
    if (vector != null) { // null in the run without the vector module
      boolean wide = vector.nr / 2 >= 16;
      assertEquals(List.of(wide ? 512 : 256, wide ? 128 : 64, 2048),
          List.of(vector.kc, vector.mc, vector.nc), vector.describe());
    }
  }

  @Test
  void aPositiveOverrideReplacesTheDefault() {
    System.setProperty(KC, " 7 ");
    System.setProperty(MC, "10");
    System.setProperty(NC, "1");
    assertEquals(7, Blocking.kc(256));
    assertEquals(8, Blocking.mc(4, 128));
    assertEquals(16, Blocking.nc(16, 2048));
    System.setProperty(KC, "1");
    assertEquals(1, Blocking.kc(256));
  }

  @Test
  void zeroNegativeAndNonNumericOverridesAreIgnored() {
    for (String value : new String[] {"0", "-8", "many", "", "3.5"}) {
      System.setProperty(KC, value);
      System.setProperty(MC, value);
      System.setProperty(NC, value);
      assertEquals(256, Blocking.kc(256), value);
      assertEquals(64, Blocking.mc(4, 64), value);
      assertEquals(512, Blocking.nc(16, 512), value);
    }
  }

  @Test
  void aKernelBuiltUnderSmallOverridesComputesTheProduct() {
    System.setProperty(KC, "5");
    System.setProperty(MC, "9");
    System.setProperty(NC, "13");
    MicroKernel scalar = Kernels.scalar();
    assertEquals(5, scalar.kc);
    assertEquals(8, scalar.mc);
    assertEquals(scalar.nr * Math.max(1, 13 / scalar.nr), scalar.nc);
    List<MicroKernel> kernels = new ArrayList<>(List.of(scalar));
    MicroKernel vector = Kernels.vector();
    if (vector != null) { // null in the run without the vector module
      assertEquals(5, vector.kc);
      assertEquals(8, vector.mc);
      assertEquals(vector.nr, vector.nc);
      kernels.add(vector);
    }
    int m = 19;
    int n = 45;
    int k = 23;
    Random random = new Random(11);
    for (MicroKernel kernel : kernels) {
      for (int variant = 0; variant < 4; variant++) {
        boolean ta = (variant & 1) != 0;
        boolean tb = (variant & 2) != 0;
        float[] a = Reference.random(random, 0, m * k, 0);
        float[] b = Reference.random(random, 0, k * n, 0);
        float[] bias = Reference.random(random, 0, n, 0);
        float[] before = Reference.random(random, 0, m * n, 3);
        for (int threads = 1; threads <= 2; threads++) {
          try (GemmEngine engine = GemmEngine.create(threads, kernel, 0L)) {
            float[] c = before.clone();
            engine.multiply(ta, tb, m, n, k, a, 0, b, 0, c, 0, true);
            Reference.check(kernel + " accumulate " + variant, ta, tb, m, n, k, a, 0, b, 0, before,
                c, 0, true, null, 0, false);
            c = before.clone();
            engine.multiplyBias(ta, tb, m, n, k, a, 0, b, 0, c, 0, bias, 0, true);
            Reference.check(kernel + " bias relu " + variant, ta, tb, m, n, k, a, 0, b, 0, before,
                c, 0, false, bias, 0, true);
          }
        }
      }
    }
  }
}
