package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Inside {@link CallerOnly#run} an engine's helpers stay out of the thread's work; outside they join. */
class CallerOnlyTest {
  private static final int K = 2 * RecordingKernel.KC;

  @Test
  void productsStayOnTheCallingThreadInsideAndAreSharedOutside() {
    assertFalse(helped(true, true, CallerOnlyTest::multiply), "a product inside, its caller waiting 2 s for a helper");
    assertTrue(helped(false, true, CallerOnlyTest::multiply), "a product outside");
    assertFalse(helped(true, false, CallerOnlyTest::batch), "a batch inside");
    assertTrue(helped(false, true, CallerOnlyTest::batch), "a batch outside");
    assertFalse(helped(true, false, CallerOnlyTest::packed), "a packed product inside");
    assertTrue(helped(false, true, CallerOnlyTest::packed), "a packed product outside");
  }

  @Test
  void partedLoopsRunWholeOnTheCallingThreadInside() {
    try (GemmEngine two = GemmEngine.create(2)) {
      Set<String> threads = ConcurrentHashMap.newKeySet();
      int[] parts = new int[1];
      CallerOnly.run(() -> {
        two.runParts((part, of) -> {
          threads.add(Thread.currentThread().getName());
          parts[0] = of;
        });
        return null;
      });
      assertEquals(Set.of(Thread.currentThread().getName()), threads);
      assertEquals(1, parts[0]);
      two.runParts((part, of) -> parts[0] = of);
      assertEquals(2, parts[0], "shared again after the call");
    }
  }

  @Test
  void theResultsAreThoseOfTheSharedProductBitForBit() {
    int m = 96;
    int n = 80;
    int k = 300;
    float[] a = new float[m * k];
    float[] b = new float[k * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) Math.sin(i * 0.37);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) Math.cos(i * 0.11);
    }
    try (GemmEngine two = GemmEngine.create(2)) {
      float[] shared = new float[m * n];
      float[] alone = new float[m * n];
      two.multiply(false, true, m, n, k, a, 0, b, 0, shared, 0, false);
      CallerOnly.run(() -> {
        two.multiply(false, true, m, n, k, a, 0, b, 0, alone, 0, false);
        return null;
      });
      assertArrayEquals(shared, alone);
    }
  }

  @Test
  void nestedCallsAndFailuresLeaveTheThreadAsTheyFoundIt() {
    assertFalse(CallerOnly.active());
    assertEquals(7, CallerOnly.run(() -> CallerOnly.run(() -> {
      assertTrue(CallerOnly.active());
      return 7;
    })));
    assertFalse(CallerOnly.active());
    IllegalStateException failure = new IllegalStateException("task failed");
    assertThrows(IllegalStateException.class, () -> CallerOnly.run(() -> {
      throw failure;
    }));
    assertFalse(CallerOnly.active(), "a failure leaves the thread free to share again");
    boolean[] seenByOther = new boolean[1];
    CallerOnly.run(() -> {
      Thread other = new Thread(() -> seenByOther[0] = CallerOnly.active());
      other.start();
      try {
        other.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      return null;
    });
    assertFalse(seenByOther[0], "another thread is not inside");
  }

  /**
   * Whether a pool thread computed part of {@code work} on a 2-thread recording engine; with
   * {@code waitForHelper}, the caller's first tile waits (up to 2 s) for a helper to start one.
   */
  private static boolean helped(boolean alone, boolean waitForHelper, java.util.function.Consumer<GemmEngine> work) {
    RecordingKernel kernel = new RecordingKernel();
    try (GemmEngine engine = GemmEngine.create(2, kernel, 0L)) {
      if (waitForHelper) {
        kernel.awaitHelper();
      }
      if (alone) {
        CallerOnly.run(() -> {
          work.accept(engine);
          return null;
        });
      } else {
        work.accept(engine);
      }
    }
    return kernel.helped();
  }

  private static void multiply(GemmEngine engine) {
    engine.multiply(false, false, 64, 64, K, new float[64 * K], 0, new float[K * 64], 0, new float[64 * 64], 0,
        false);
  }

  private static void batch(GemmEngine engine) {
    engine.multiplyBatched(false, false, 4, 8, 8, K, new float[4 * 8 * K], 0, 8 * K, new float[4 * K * 8], 0,
        K * 8, new float[4 * 8 * 8], 0, 8 * 8, false);
  }

  private static void packed(GemmEngine engine) {
    PackedMatrix b = engine.packed(K, 64);
    engine.pack(b, false, new float[K * 64], 0);
    engine.multiplyPacked(false, 64, new float[64 * K], 0, b, new float[64 * 64], 0, false);
  }
}
