package dev.adjoint.runtime.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Numbered blocks of one job shared out between the calling thread and a {@link WorkerPool}'s
 * helpers: each thread claims the next block from a counter until none is left, so a helper
 * that starts late (busy machine) just gets fewer, and the caller returns once every block is
 * done. One job at a time per instance (the engine's lock sees to it). Allocates nothing.
 */
abstract class SharedBlocks implements WorkerPool.Job {
  /** How long the caller spins for the last blocks before parking. */
  private static final long SPIN_NANOS = 50_000L;

  /** Low 32 bits of {@link #state} between jobs: no block can be claimed. */
  private static final long CLOSED = Integer.MAX_VALUE;

  private final WorkerPool pool;

  /**
   * Generation in the high 32 bits, next unclaimed block in the low 32 ({@link #CLOSED} while
   * the plan is being written). A claim is a compare-and-set on this word, so a helper that
   * wakes late can never claim a block of a job other than the one it read.
   */
  private final AtomicLong state = new AtomicLong(CLOSED);
  private final AtomicInteger done = new AtomicInteger();
  private volatile Thread caller;
  private volatile Throwable failure;
  private int blocks;

  SharedBlocks(WorkerPool pool) {
    this.pool = pool;
  }

  /** Runs block {@code index} of the current job on the calling thread. */
  abstract void block(int index, Workspace workspace);

  /**
   * Runs blocks {@code 0 .. count-1} here and on up to {@code helpers} pool threads; returns
   * when all are done, rethrowing the first failure of any of them. The caller's plan (the
   * fields {@link #block} reads) must be written before this call.
   */
  final void runBlocks(int count, int helpers, Workspace workspace) {
    blocks = count;
    failure = null;
    caller = Thread.currentThread();
    done.set(0);
    long generation = (state.get() >>> 32) + 1;
    state.set(generation << 32);
    pool.start(this, Math.min(helpers, count - 1));
    work(workspace);
    long spinStart = System.nanoTime();
    while (done.get() < count) {
      if (System.nanoTime() - spinStart < SPIN_NANOS) {
        Thread.onSpinWait();
      } else {
        LockSupport.park(this);
      }
    }
    state.set(generation << 32 | CLOSED);
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
  public final void work(Workspace workspace) {
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
        block(block, workspace);
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
