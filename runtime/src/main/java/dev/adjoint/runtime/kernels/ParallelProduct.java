package dev.adjoint.runtime.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One engine's parallel products: C cut along its longer side into a few blocks per thread,
 * block edges on tile boundaries. Splitting along n repeats the packing of A in
 * each block and along m that of B, so cutting the longer side costs less. Threads claim
 * blocks from a counter, so a helper that starts late (busy machine) just gets fewer.
 */
final class ParallelProduct implements WorkerPool.Job {
  /** Blocks per thread: enough to even out a late start, few enough to pack little twice. */
  private static final int BLOCKS_PER_THREAD = 2;

  /** How long the caller spins for the last blocks before parking. */
  private static final long SPIN_NANOS = 50_000L;

  private final MicroKernel kernel;
  private final int threads;
  private final WorkerPool pool;
  /** Low 32 bits of {@link #state} between products: no block can be claimed. */
  private static final long CLOSED = Integer.MAX_VALUE;

  /**
   * Generation in the high 32 bits, next unclaimed block in the low 32 ({@link #CLOSED} while
   * the plan is being written). A claim is a compare-and-set on this word, so a helper that
   * wakes late can never claim a block of a product other than the one it read.
   */
  private final AtomicLong state = new AtomicLong(CLOSED);
  private final AtomicInteger done = new AtomicInteger();
  private volatile Thread caller;
  private volatile Throwable failure;
  // The plan of the current product, written before the generation is published.
  private GemmTask task;
  private boolean byColumns;
  private int blocks;
  private int width;
  private int extent;

  ParallelProduct(MicroKernel kernel, int threads, WorkerPool pool) {
    this.kernel = kernel;
    this.threads = threads;
    this.pool = pool;
  }

  /** Computes the task on this thread and the pool's; one call at a time (the engine locks). */
  void run(GemmTask task, Workspace workspace) {
    int m = task.m;
    int n = task.n;
    int tilesN = (n + kernel.nr - 1) / kernel.nr;
    int tilesM = (m + kernel.mr - 1) / kernel.mr;
    byColumns = n >= m ? tilesN >= 2 || tilesM < 2 : tilesM < 2;
    int tiles = byColumns ? tilesN : tilesM;
    int unit = byColumns ? kernel.nr : kernel.mr;
    extent = byColumns ? n : m;
    int wanted = Math.min(threads * BLOCKS_PER_THREAD, tiles);
    width = (tiles + wanted - 1) / wanted * unit;
    blocks = (extent + width - 1) / width;
    if (blocks < 2) {
      BlockedGemm.run(kernel, task, 0, m, 0, n, workspace);
      return;
    }
    this.task = task;
    failure = null;
    caller = Thread.currentThread();
    done.set(0);
    long generation = (state.get() >>> 32) + 1;
    state.set(generation << 32);
    pool.start(this, Math.min(threads - 1, blocks - 1));
    work(workspace);
    long spinStart = System.nanoTime();
    while (done.get() < blocks) {
      if (System.nanoTime() - spinStart < SPIN_NANOS) {
        Thread.onSpinWait();
      } else {
        LockSupport.park(this);
      }
    }
    state.set(generation << 32 | CLOSED);
    this.task = null;
    Throwable first = failure;
    if (first instanceof RuntimeException) {
      throw (RuntimeException) first;
    }
    if (first instanceof Error) {
      throw (Error) first;
    }
    if (first != null) {
      throw new IllegalStateException(first);
    }
  }

  @Override
  public void work(Workspace workspace) {
    while (true) {
      long current = state.get();
      int block = (int) current;
      if (block >= blocks) {
        return;
      }
      if (!state.compareAndSet(current, current + 1)) {
        continue;
      }
      // The caller waits for this block before it touches the plan again.
      try {
        int start = block * width;
        int end = Math.min(extent, start + width);
        if (byColumns) {
          BlockedGemm.run(kernel, task, 0, task.m, start, end, workspace);
        } else {
          BlockedGemm.run(kernel, task, start, end, 0, task.n, workspace);
        }
      } catch (Throwable e) {
        if (failure == null) {
          failure = e;
        }
      }
      if (done.incrementAndGet() == blocks) {
        LockSupport.unpark(caller);
      }
    }
  }
}
