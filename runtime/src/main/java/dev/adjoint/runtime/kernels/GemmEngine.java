package dev.adjoint.runtime.kernels;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Matrix products on a fixed number of threads: the calling thread plus {@code threads - 1}
 * daemon workers created once. Products below a work threshold stay on the calling thread;
 * larger ones split C into disjoint column (or row) blocks that the threads share out (see
 * {@code ParallelProduct}). Every element of C is computed by one thread in the same order
 * whatever the split, so results are bit-identical for any thread count of the same kernel.
 * A steady-state call allocates nothing.
 *
 * <p>The kernel is the Vector API one when {@code jdk.incubator.vector} is present (and
 * {@code -Dadjoint.vector=false} is not set), else a scalar fallback; see {@link
 * #vectorized()}. An engine is safe to share: a call that finds the workers busy with
 * another thread's product runs on its own thread alone.
 *
 * <p>Semantics of all products: matrices are row-major {@code float[]} slices starting at
 * the given offsets; logical A is m x k, stored k x m when {@code transposeA}; logical B is
 * k x n, stored n x k when {@code transposeB}; C is m x n and must not overlap A or B.
 */
public final class GemmEngine implements AutoCloseable {
  /**
   * Products below this many flops (2mnk, about 12 us on one core) run on the calling thread.
   * Measured on 2 cores: handing a block to a spinning worker costs about 1 us, and 2 threads
   * already gave 1.4x at 0.3 MFLOP on a quiet machine; the margin covers a parked worker.
   */
  static final long PARALLEL_FLOPS = 1_000_000L;

  private final MicroKernel kernel;
  private final int threads;
  private final long parallelFlops;
  private final WorkerPool pool;
  private final ReentrantLock lock = new ReentrantLock();
  private final ParallelProduct parallel;
  private final BatchedProduct batched;
  private final PackedProduct packedProducts;
  private final PartsJob parts;
  private final boolean closeable;
  private volatile boolean closed;

  private GemmEngine(MicroKernel kernel, int threads, long parallelFlops, boolean closeable) {
    GemmChecks.threads(threads);
    this.kernel = kernel;
    this.threads = threads;
    this.parallelFlops = parallelFlops;
    this.closeable = closeable;
    this.pool = threads > 1 ? new WorkerPool(threads - 1, "adjoint-gemm") : null;
    this.parallel = pool != null ? new ParallelProduct(kernel, threads, pool) : null;
    this.batched = pool != null ? new BatchedProduct(kernel, threads, pool) : null;
    this.packedProducts = pool != null ? new PackedProduct(kernel, threads, pool) : null;
    this.parts = pool != null ? new PartsJob(threads, pool) : null;
  }

  /**
   * An engine using {@code threads} threads in all (the caller included), with the best
   * kernel this JVM offers.
   *
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public static GemmEngine create(int threads) {
    return new GemmEngine(Kernels.preferred(), threads, PARALLEL_FLOPS, true);
  }

  /** An engine with an explicit kernel and parallel threshold (tests, tuning). */
  static GemmEngine create(int threads, MicroKernel kernel, long parallelFlops) {
    return new GemmEngine(kernel, threads, parallelFlops, true);
  }

  /** The shared engine behind {@link Gemm}: {@link #close()} does nothing on it. */
  static GemmEngine shared(int threads) {
    return new GemmEngine(Kernels.preferred(), threads, PARALLEL_FLOPS, false);
  }

  /** Threads in all, the caller included. */
  public int threads() {
    return threads;
  }

  /** Whether the Vector API kernel is in use (false: the scalar fallback). */
  public boolean vectorized() {
    return kernel.vectorized();
  }

  /**
   * Depth of the k blocks of a product of at least {@link MicroKernel#SMALL_M} rows: each
   * element sums k in one chain per block, then adds the blocks in order. {@code
   * OneChannelKernel} sums its filter gradient in the same blocks, so that it rounds as this
   * engine's product would.
   */
  int depthBlock() {
    return kernel.kc;
  }

  @Override
  public String toString() {
    return "GemmEngine[" + kernel.describe() + ", " + threads + " thread"
        + (threads == 1 ? "" : "s") + "]";
  }

  /**
   * C = A·B, or C += A·B when {@code accumulate}. With k = 0 the product is zero: C is zeroed,
   * or left unchanged when accumulating.
   *
   * @throws IllegalArgumentException for negative sizes or offsets, arrays too short for
   *     their slices, or C overlapping A or B (the message names the argument)
   * @throws NullPointerException if an array is null
   * @throws IllegalStateException if the engine is closed
   */
  public void multiply(boolean transposeA, boolean transposeB, int m, int n, int k,
      float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset,
      boolean accumulate) {
    GemmChecks.check(m, n, k, a, aOffset, b, bOffset, c, cOffset, false, null, 0);
    compute(transposeA, transposeB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate,
        null, 0, false);
  }

  /**
   * C = A·B + bias, the bias (n floats) added to every row, then {@code Math.max(0f, v)} when
   * {@code relu}: a dense layer in one pass, the epilogue applied as C is stored.
   *
   * @throws IllegalArgumentException as {@link #multiply}, also for a short {@code bias}
   * @throws NullPointerException if an array is null
   * @throws IllegalStateException if the engine is closed
   */
  public void multiplyBias(boolean transposeA, boolean transposeB, int m, int n, int k,
      float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset,
      float[] bias, int biasOffset, boolean relu) {
    GemmChecks.check(m, n, k, a, aOffset, b, bOffset, c, cOffset, true, bias, biasOffset);
    compute(transposeA, transposeB, m, n, k, a, aOffset, b, bOffset, c, cOffset, false,
        bias, biasOffset, relu);
  }

  /**
   * A batch of products: for each {@code i < batches}, C_i = A_i·B_i (or C_i += A_i·B_i), where
   * A_i starts at {@code aOffset + i·aStride}, and so on, each laid out as for {@link #multiply}.
   * A stride of 0 reads the same operand for every product. A batch of products each too small
   * to split (below the parallel threshold) but large enough together is shared out whole
   * products per thread; larger ones are split one by one as {@link #multiply} splits them.
   * Results are those of {@code batches} calls of {@link #multiply}, bit for bit.
   *
   * @throws IllegalArgumentException as {@link #multiply}, also for a negative batch count or
   *     stride, and for C's products overlapping one another
   * @throws NullPointerException if an array is null
   * @throws IllegalStateException if the engine is closed
   */
  public void multiplyBatched(boolean transposeA, boolean transposeB, int batches, int m, int n,
      int k, float[] a, int aOffset, int aStride, float[] b, int bOffset, int bStride, float[] c,
      int cOffset, int cStride, boolean accumulate) {
    GemmChecks.batched(batches, m, n, k, a, aOffset, aStride, b, bOffset, bStride, c, cOffset,
        cStride);
    if (closed) {
      throw new IllegalStateException("this GemmEngine is closed");
    }
    if (batches == 0 || m == 0 || n == 0) {
      return;
    }
    boolean shareBatches = pool != null && k > 0 && batches >= threads
        && work(m, n, k) * batches >= parallelFlops;
    if (shareBatches && share()) {
      try {
        batched.run(transposeA, transposeB, batches, m, n, k, a, aOffset, aStride, b, bOffset,
            bStride, c, cOffset, cStride, accumulate, Workspace.current());
      } finally {
        lock.unlock();
      }
      return;
    }
    for (int i = 0; i < batches; i++) {
      compute(transposeA, transposeB, m, n, k, a, aOffset + i * aStride, b, bOffset + i * bStride,
          c, cOffset + i * cStride, accumulate, null, 0, false);
    }
  }

  /**
   * A buffer for a k × n B operand packed for this engine's kernel, allocated here once; see
   * {@link PackedMatrix}. Fill it with {@link #pack}, then multiply with {@link #multiplyPacked}.
   *
   * @throws IllegalArgumentException if k or n is less than 1, or the packing cannot fit one array
   */
  public PackedMatrix packed(int k, int n) {
    return new PackedMatrix(k, n, kernel.nr);
  }

  /**
   * Packs logical B (k × n, stored n × k when {@code transposeB}) from {@code b} at
   * {@code bOffset} into {@code into}, for the products of a loop that all read it.
   *
   * @throws IllegalArgumentException if {@code into} was made for another kernel, or b is too short
   * @throws NullPointerException if an array is null
   */
  public void pack(PackedMatrix into, boolean transposeB, float[] b, int bOffset) {
    ownPacking(into);
    into.fill(transposeB, b, bOffset);
  }

  /**
   * C = A·B (or C += A·B when {@code accumulate}) with B packed by {@link #pack}: bit for bit the
   * result of {@link #multiply} on B's source, without packing B again. A product of fewer than
   * 4 rows reads the source directly, as {@link #multiply} does.
   *
   * @throws IllegalArgumentException as {@link #multiply}, or if B was made for another kernel
   * @throws IllegalStateException if B was never packed, or the engine is closed
   */
  public void multiplyPacked(boolean transposeA, int m, float[] a, int aOffset, PackedMatrix b, float[] c,
      int cOffset, boolean accumulate) {
    ownPacking(b);
    if (!b.packed()) {
      throw new IllegalStateException("a PackedMatrix multiplied before it was packed");
    }
    int n = b.n;
    int k = b.k;
    GemmChecks.check(m, n, k, a, aOffset, b.source, b.sourceOffset, c, cOffset, false, null, 0);
    if (m < MicroKernel.SMALL_M) {
      compute(transposeA, b.sourceTransposed, m, n, k, a, aOffset, b.source, b.sourceOffset, c, cOffset,
          accumulate, null, 0, false);
      return;
    }
    if (closed) {
      throw new IllegalStateException("this GemmEngine is closed");
    }
    Workspace workspace = Workspace.current();
    GemmTask task = workspace.task;
    task.set(transposeA, false, m, n, k, a, aOffset, null, 0, c, cOffset, accumulate, null, 0, false);
    try {
      if (pool != null && work(m, n, k) >= parallelFlops && share()) {
        try {
          packedProducts.run(task, b, workspace);
        } finally {
          lock.unlock();
        }
      } else {
        PackedGemm.run(kernel, task, b, 0, m, 0, n, workspace);
      }
    } finally {
      task.clear();
    }
  }

  private void ownPacking(PackedMatrix packed) {
    if (packed.nr != kernel.nr) {
      throw new IllegalArgumentException("this PackedMatrix was packed for slivers of " + packed.nr
          + " columns, this engine's kernel (" + kernel.describe() + ") uses " + kernel.nr);
    }
  }

  /**
   * Runs every part of {@code work} (element-wise loops, such as an optimizer's update), one
   * part per thread of this engine, and returns when all are done. On one thread, or while
   * another thread has the engine's helpers, or inside {@link CallerOnly#run}, it runs
   * {@code runPart(0, 1)} here. Allocates nothing; a failure in any part is rethrown here.
   *
   * @throws IllegalStateException if the engine is closed
   */
  public void runParts(PartedWork work) {
    if (closed) {
      throw new IllegalStateException("this GemmEngine is closed");
    }
    if (parts == null || !share()) {
      work.runPart(0, 1);
      return;
    }
    try {
      parts.run(work, Workspace.current());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes the helpers for one call: free, and the calling thread not inside
   * {@link CallerOnly#run}. The caller unlocks {@link #lock} after the call.
   */
  private boolean share() {
    return !CallerOnly.active() && lock.tryLock();
  }

  /**
   * Stops the worker threads; later products throw {@link IllegalStateException}. Closing
   * twice is harmless; closing the shared engine of {@link Gemm} does nothing.
   */
  @Override
  public void close() {
    if (!closeable) {
      return;
    }
    closed = true;
    if (pool != null) {
      pool.close();
    }
  }

  /**
   * The product's cost in flops, as weighed against the parallel threshold. Products of one
   * sample are weighed the same way, though reading B bounds them: splitting W1's 784 x 256
   * layer at batch 1 over two cores (each half then stays in its core's L2) was tried, and
   * the hand-over, 1-2 us on this 2-vCPU machine, ate the gain (W4: 14.2 us on one thread,
   * 18.7 +- 8.6 on two with the split, measured on a busy machine; see benchmarks/README).
   */
  private static double work(int m, int n, int k) {
    return 2.0 * m * n * k;
  }

  private void compute(boolean transposeA, boolean transposeB, int m, int n, int k,
      float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset,
      boolean accumulate, float[] bias, int biasOffset, boolean relu) {
    if (closed) {
      throw new IllegalStateException("this GemmEngine is closed");
    }
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      emptyProduct(m, n, c, cOffset, accumulate, bias, biasOffset, relu);
      return;
    }
    Workspace workspace = Workspace.current();
    GemmTask task = workspace.task;
    task.set(transposeA, transposeB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate,
        bias, biasOffset, relu);
    try {
      if (pool != null && work(m, n, k) >= parallelFlops && share()) {
        try {
          parallel.run(task, workspace);
        } finally {
          lock.unlock();
        }
      } else {
        BlockedGemm.run(kernel, task, 0, m, 0, n, workspace);
      }
    } finally {
      task.clear();
    }
  }

  /** k = 0: C = epilogue(0 [+ C]). */
  private static void emptyProduct(int m, int n, float[] c, int cOffset, boolean accumulate,
      float[] bias, int biasOffset, boolean relu) {
    if (accumulate && bias == null) {
      return;
    }
    for (int i = 0; i < m; i++) {
      int row = cOffset + i * n;
      for (int j = 0; j < n; j++) {
        float v = accumulate ? c[row + j] : 0f;
        if (bias != null) {
          v = v + bias[biasOffset + j];
        }
        if (relu) {
          v = Math.max(0f, v);
        }
        c[row + j] = v;
      }
    }
  }
}
