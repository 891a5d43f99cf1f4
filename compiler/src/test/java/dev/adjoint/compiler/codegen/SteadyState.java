package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The allocation tests' one measurement: run a step until C2 has compiled every path (the
 * Vector API's edge tiles too: interpreted and C1-compiled vector code allocates), then count
 * the bytes this thread allocates over windows of 100 steps. An allocation on every step shows
 * in every window; a one-time JIT event (a deoptimization and recompilation) in one only, so the
 * smallest window must be 0.
 */
final class SteadyState {
  private SteadyState() {}

  /** Fails, listing every window's bytes, unless some window of 100 {@code step}s allocated nothing. */
  static void assertAllocatesNothing(int warmUp, Runnable step, String what) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    for (int i = 0; i < warmUp; i++) {
      step.run();
    }
    List<Long> windows = new ArrayList<>();
    for (int window = 0; window < 5; window++) {
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < 100; i++) {
        step.run();
      }
      windows.add(threads.getThreadAllocatedBytes(thread) - before);
      if (windows.get(window) == 0) {
        break;
      }
    }
    assertEquals(0, windows.stream().mapToLong(Long::longValue).min().orElseThrow(),
        "bytes allocated by windows of 100 " + what + ": " + windows);
  }
}
