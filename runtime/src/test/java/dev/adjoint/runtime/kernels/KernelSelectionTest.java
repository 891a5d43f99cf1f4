package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The kernel choice in a JVM that has the Vector API (the usual test run adds the module). */
class KernelSelectionTest {
  @Test
  void vectorKernelIsChosenWhenTheModuleIsPresent() {
    assertTrue(Kernels.vectorModulePresent(), "tests run with --add-modules jdk.incubator.vector");
    try (GemmEngine engine = GemmEngine.create(1)) {
      assertTrue(engine.vectorized(), engine.toString());
    }
    assertTrue(Gemm.engine().vectorized(), Gemm.engine().toString());
    assertEquals(Runtime.getRuntime().availableProcessors(), Gemm.engine().threads());
  }

  /** 512-bit vectors where the JIT uses them, unless -Dadjoint.vector.bits=256 caps the width. */
  @Test
  void vectorWidthFollowsTheHardwareAndTheProperty() {
    int preferred = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
    boolean capped = "256".equals(System.getProperty("adjoint.vector.bits"));
    int expected = capped || preferred < 512 ? 256 : 512;
    MicroKernel kernel = Kernels.vector();
    assertEquals("vector " + expected + "-bit 4x" + expected / 16, kernel.describe());
    assertEquals(expected / 16, kernel.nr);
  }

  @Test
  void propertyForcesTheScalarFallback() {
    String old = System.getProperty(Kernels.VECTOR_PROPERTY);
    System.setProperty(Kernels.VECTOR_PROPERTY, "false");
    try (GemmEngine engine = GemmEngine.create(2)) {
      assertFalse(engine.vectorized(), engine.toString());
      assertTrue(engine.toString().contains("scalar"), engine.toString());
    } finally {
      if (old == null) {
        System.clearProperty(Kernels.VECTOR_PROPERTY);
      } else {
        System.setProperty(Kernels.VECTOR_PROPERTY, old);
      }
    }
  }

  /** The two kernels agree within k·ε·Σ|a||b| elementwise, directly rather than via a reference. */
  @Test
  void vectorAndScalarAgreeWithinRounding() {
    int m = 45;
    int n = 77;
    int k = 600;
    Random random = new Random(5);
    float[] a = Reference.random(random, 0, m * k, 0);
    float[] b = Reference.random(random, 0, k * n, 0);
    float[] cv = new float[m * n];
    float[] cs = new float[m * n];
    try (GemmEngine vector = GemmEngine.create(2, Kernels.vector(), 0L);
        GemmEngine scalar = GemmEngine.create(2, Kernels.scalar(), 0L)) {
      vector.multiply(false, true, m, n, k, a, 0, b, 0, cv, 0, false);
      scalar.multiply(false, true, m, n, k, a, 0, b, 0, cs, 0, false);
    }
    double eps = Math.ulp(1f);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double magnitude = 0;
        for (int p = 0; p < k; p++) {
          magnitude += Math.abs((double) a[i * k + p] * b[j * k + p]);
        }
        float v = cv[i * n + j];
        float s = cs[i * n + j];
        assertTrue(Math.abs(v - s) <= k * eps * magnitude, i + "," + j + ": " + v + " vs " + s);
      }
    }
  }

  @Test
  void staticEntryPointsUseTheSharedEngine() {
    float[] a = {1, 2, 3, 4, 5, 6};
    float[] b = {1, 0, 0, 1, 1, 1};
    float[] c = new float[4];
    Gemm.multiply(false, false, 2, 2, 3, a, 0, b, 0, c, 0, false);
    assertEquals(java.util.List.of(4f, 5f, 10f, 11f), java.util.List.of(c[0], c[1], c[2], c[3]));
    Gemm.multiplyBias(false, true, 2, 2, 3, a, 0, b, 0, c, 0, new float[] {-10, 0}, 0, true);
    // B stored 2x3 transposed: columns (1,0,0) and (1,1,1).
    assertEquals(java.util.List.of(0f, 6f, 0f, 15f), java.util.List.of(c[0], c[1], c[2], c[3]));
  }
}
