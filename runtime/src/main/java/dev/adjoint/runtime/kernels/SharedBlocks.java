package dev.adjoint.runtime.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Numbered blocks of one job shared out between the calling thread and a {@link WorkerPool}'s
 * helpers: each thread claims the next block from a counter until none is left, so a helper
 * that starts late (busy machine) just gets fewer, and the caller returns once every block is
 * done. One job at a time per instance (the engine's lock sees to it). Allocates nothing.
 *
 * <p>A pinned job ({@link #runPinnedBlocks}) gives block {@code i} to thread {@code i} of the
 * engine ({@link Workspace#index}) first, so that a block's data stays in the same core's
 * cache from one call to the next; a block its thread has not claimed by the time another
 * thread is done with its own is taken by that thread, so a late helper only costs time.
 */
abstract class SharedBlocks implements WorkerPool.Job {
  /** How long the caller spins for the last blocks before parking. */
  private static final long SPIN_NANOS = 50_000L;

  /** Low 32 bits of {@link #state} between jobs: no block can be claimed. */
  private static final long CLOSED = Integer.MAX_VALUE;

  private final WorkerPool pool;

  /**
   * Generation in the high 32 bits, next unclaimed block in the low 32 (for a pinned job, the
   * set of claimed blocks; {@link #CLOSED} while the plan is being written). A claim is a
   * compare-and-set on this word, so a helper that wakes late can never claim a block of a
   * job other than the one it read.
   */
  private final AtomicLong state = new AtomicLong(CLOSED);
  private final AtomicInteger done = new AtomicInteger();
  private volatile Thread caller;
  /** Set while the caller may be parked: only then does the last block unpark it. */
  private volatile boolean callerParked;
  private volatile Throwable failure;
  private int blocks;
  private boolean pinned;

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
    run(count, helpers, false, workspace);
  }

  /**
   * Runs blocks {@code 0 .. count-1}, block {@code i} on thread {@code i} of the engine where
   * that thread is not late (see the class comment); {@code count} is at most the number of
   * threads (the caller and {@code count - 1} helpers) and at most 31.
   */
  final void runPinnedBlocks(int count, Workspace workspace) {
    if (count > 31) {
      throw new IllegalArgumentException("at most 31 pinned blocks, not " + count);
    }
    run(count, count - 1, true, workspace);
  }

  private void run(int count, int helpers, boolean pinnedJob, Workspace workspace) {
    blocks = count;
    pinned = pinnedJob;
    failure = null;
    caller = Thread.currentThread();
    done.set(0);
    long generation = (state.get() >>> 32) + 1;
    // A pinned job opens with block 0 already the caller's: a helper done early cannot take it.
    state.set(generation << 32 | (pinnedJob ? 1 : 0));
    pool.start(this, Math.min(helpers, count - 1));
    if (pinnedJob) {
      runBlock(0, workspace);
    }
    work(workspace);
    long spinStart = System.nanoTime();
    while (done.get() < count) {
      if (System.nanoTime() - spinStart < SPIN_NANOS) {
        Thread.onSpinWait();
      } else {
        callerParked = true;
        if (done.get() < count) {
          LockSupport.park(this);
        }
        callerParked = false;
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
    // Read the state first: it publishes the plan, blocks and pinned among it.
    long opened = state.get();
    if ((int) opened == CLOSED) {
      return;
    }
    long generation = opened >>> 32;
    if (pinned) {
      workPinned(generation, workspace);
      return;
    }
    while (true) {
      long current = state.get();
      int block = (int) current;
      if (current >>> 32 != generation || block >= blocks) {
        return;
      }
      if (state.compareAndSet(current, current + 1)) {
        runBlock(block, workspace);
      }
    }
  }

  /** Pinned: the low 32 bits of the state are the set of claimed blocks. */
  private void workPinned(long generation, Workspace workspace) {
    int own = workspace.index;
    if (own < blocks && claim(generation, own)) {
      runBlock(own, workspace);
    }
    for (int block = 0; block < blocks; block++) {
      if (claim(generation, block)) {
        runBlock(block, workspace);
      }
    }
  }

  /** Claims one block of a pinned job of this generation; false if taken or the job is over. */
  private boolean claim(long generation, int block) {
    long bit = 1L << block;
    while (true) {
      long current = state.get();
      if (current >>> 32 != generation || (current & bit) != 0) {
        return false;
      }
      if (state.compareAndSet(current, current | bit)) {
        return true;
      }
    }
  }

  private void runBlock(int block, Workspace workspace) {
    // The caller waits for this block before it touches the plan again.
    try {
      block(block, workspace);
    } catch (Throwable e) {
      if (failure == null) {
        failure = e;
      }
    }
    // unpark is a system call's worth of work: skip it while the caller spins
    if (done.incrementAndGet() == blocks && callerParked) {
      LockSupport.unpark(caller);
    }
  }
}
