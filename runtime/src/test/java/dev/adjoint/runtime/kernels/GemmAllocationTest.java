package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Once warmed up (workspace grown, kernels compiled by C2 so no vector is boxed), a product
 * allocates nothing on the calling thread, single- or multi-threaded.
 */
class GemmAllocationTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void steadyStateProductsAllocateNothing() {
    for (GemmEngine engine : TestEngines.all()) {
      assertEquals(0L, steadyStateAllocation(engine), engine.toString());
    }
  }

  @Test
  void sharedEngineAllocatesNothing() {
    assertEquals(0L, steadyStateAllocation(Gemm.engine()), Gemm.engine().toString());
  }

  /**
   * Bytes allocated by a batch of products after warm-up: the least over a few attempts, since
   * the JIT may still be replacing the interpreted or C1 code (which boxes vectors) early on.
   */
  private static long steadyStateAllocation(GemmEngine engine) {
    int m = 37;
    int n = 70;
    int k = 300;
    float[] a = new float[m * k + 1];
    float[] b = new float[k * n + 2];
    float[] c = new float[m * n + 3];
    float[] bias = new float[n];
    java.util.Arrays.fill(a, 0.5f);
    java.util.Arrays.fill(b, -0.25f);
    long thread = Thread.currentThread().getId();
    long least = Long.MAX_VALUE;
    long deadline = System.nanoTime() + 20_000_000_000L;
    for (int attempt = 0; attempt < 50 && least > 0 && System.nanoTime() < deadline; attempt++) {
      for (int i = 0; i < 200; i++) {
        batch(engine, m, n, k, a, b, c, bias);
      }
      long before = THREADS.getThreadAllocatedBytes(thread);
      batch(engine, m, n, k, a, b, c, bias);
      long after = THREADS.getThreadAllocatedBytes(thread);
      least = Math.min(least, after - before);
    }
    return least;
  }

  private static void batch(GemmEngine engine, int m, int n, int k, float[] a, float[] b,
      float[] c, float[] bias) {
    engine.multiply(false, false, m, n, k, a, 1, b, 2, c, 3, false);
    engine.multiply(false, true, m, n, k, a, 1, b, 2, c, 3, true);
    engine.multiply(true, false, m, n, k, a, 1, b, 2, c, 3, true);
    engine.multiplyBias(false, false, m, n, k, a, 1, b, 2, c, 3, bias, 0, true);
    engine.multiply(false, false, m, n, 0, a, 1, b, 2, c, 3, false);
    // Fewer than four rows: the unpacked path.
    engine.multiply(false, true, 1, n, k, a, 1, b, 2, c, 3, false);
    engine.multiplyBias(true, false, 3, n, k, a, 1, b, 2, c, 3, bias, 0, false);
    // A batch: shared out whole products on two threads, each through its thread's task.
    engine.multiplyBatched(false, true, 4, 6, 7, 30, a, 1, 6 * 30, b, 2, 7 * 30, c, 3, 6 * 7, false);
  }
}
