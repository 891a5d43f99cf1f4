package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Pinned jobs: block i goes to thread i of the engine when that thread is there to take it,
 * and to whoever is free when it is not, so that every block runs exactly once either way.
 */
class PinnedBlocksTest {
  /**
   * Records which thread ran each block. With a delay, every block takes that long, so that no
   * thread is done with its own block before the others have woken and claimed theirs.
   */
  static final class Recorder extends SharedBlocks {
    final Thread[] ranBy = new Thread[4];
    final int[] runs = new int[4];
    long delayNanos;

    Recorder(WorkerPool pool) {
      super(pool);
    }

    @Override
    void block(int index, Workspace workspace) {
      long end = System.nanoTime() + delayNanos;
      for (long left = delayNanos; left > 0; left = end - System.nanoTime()) {
        LockSupport.parkNanos(left); // may return early: wait out the rest
      }
      ranBy[index] = Thread.currentThread();
      runs[index]++;
    }
  }

  @Test
  void eachBlockRunsOnItsOwnThreadWhenThatThreadIsFree() {
    try (WorkerPool pool = new WorkerPool(2, "pinned-test")) {
      Recorder job = new Recorder(pool);
      job.delayNanos = 300_000_000L;
      job.runPinnedBlocks(3, new Workspace(0));
      assertSame(Thread.currentThread(), job.ranBy[0]);
      assertEquals("pinned-test-1", job.ranBy[1].getName());
      assertEquals("pinned-test-2", job.ranBy[2].getName());
      assertArrayEquals(new int[] {1, 1, 1, 0}, job.runs);
    }
  }

  @Test
  void theCallerTakesTheBlocksOfMissingHelpers() {
    try (WorkerPool pool = new WorkerPool(0, "pinned-test")) {
      Recorder job = new Recorder(pool);
      for (int call = 1; call <= 3; call++) {
        job.runPinnedBlocks(3, new Workspace(0));
        for (int block = 0; block < 3; block++) {
          assertSame(Thread.currentThread(), job.ranBy[block]);
        }
        assertArrayEquals(new int[] {call, call, call, 0}, job.runs);
      }
    }
  }

  @Test
  void pinnedAndSharedJobsCanFollowEachOtherOnOnePool() {
    try (WorkerPool pool = new WorkerPool(1, "pinned-test")) {
      Recorder job = new Recorder(pool);
      for (int call = 1; call <= 200; call++) {
        if (call % 2 == 0) {
          job.runPinnedBlocks(2, new Workspace(0));
        } else {
          job.runBlocks(4, 1, new Workspace(0));
        }
      }
      assertArrayEquals(new int[] {200, 200, 100, 100}, job.runs);
    }
  }

  @Test
  void atMostThirtyOneBlocksCanBePinned() {
    try (WorkerPool pool = new WorkerPool(0, "pinned-test")) {
      assertThrows(IllegalArgumentException.class,
          () -> new Recorder(pool).runPinnedBlocks(32, new Workspace(0)));
    }
  }
}
