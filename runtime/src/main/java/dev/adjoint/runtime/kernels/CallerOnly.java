package dev.adjoint.runtime.kernels;

import java.util.function.Supplier;

/**
 * Work that must compute on its own thread alone: while {@link #run} runs it, every product
 * and every parted loop of an engine that thread calls stays on the thread, as on an engine of
 * one thread (same results, bit for bit: the split never changes them). For a host that
 * already runs one task per core, such as a Spark executor with {@code spark.task.cpus = 1},
 * where the engine's helpers would take a core another task was given.
 */
public final class CallerOnly {
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private CallerOnly() {}

  /** Runs {@code work} on the calling thread, its products unshared; nested calls are fine. */
  public static <T> T run(Supplier<T> work) {
    int[] depth = DEPTH.get();
    depth[0]++;
    try {
      return work.get();
    } finally {
      depth[0]--;
    }
  }

  /** Whether the calling thread is inside {@link #run}. */
  public static boolean active() {
    return DEPTH.get()[0] > 0;
  }
}
