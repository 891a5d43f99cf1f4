package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * Blocks shared out between a caller and a pool: each block runs exactly once, job after job,
 * and the first failure of a block reaches the caller as it was thrown (an unchecked one
 * unchanged, a checked one wrapped) once every block is done.
 */
class SharedBlocksTest {
  /** Counts the runs of each block; blocks listed in {@code failures} throw after counting. */
  private static final class Counter extends SharedBlocks {
    final AtomicIntegerArray runs = new AtomicIntegerArray(64);
    final List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    Throwable[] failures = new Throwable[64];
    /** Runs before block {@code index} is counted; null for none. */
    IntConsumer before;

    Counter(WorkerPool pool) {
      super(pool);
    }

    @Override
    void block(int index, Workspace workspace) {
      if (before != null) {
        before.accept(index);
      }
      order.add(index);
      runs.incrementAndGet(index);
      Throwable failure = failures[index];
      if (failure != null) {
        SharedBlocksTest.<RuntimeException>sneak(failure);
      }
    }

    int[] runs(int count) {
      int[] copy = new int[count];
      for (int i = 0; i < count; i++) {
        copy[i] = runs.get(i);
      }
      return copy;
    }
  }

  /**
   * Runs {@code job} on a daemon thread of its own and fails if it has not returned within
   * 2 s: a job that never ends (a lost wake-up, a block nobody claims) fails the test instead
   * of hanging it, and the stuck thread stays parked. The limit stays under the mutation
   * group's timeout (3 s plus the test's time) so that such a mutant counts as killed.
   */
  private static void within(Runnable job) throws InterruptedException {
    Throwable[] thrown = new Throwable[1];
    Thread thread = new Thread(() -> {
      try {
        job.run();
      } catch (Throwable e) {
        thrown[0] = e;
      }
    }, "shared-test-caller");
    thread.setDaemon(true);
    thread.start();
    thread.join(2_000);
    if (thread.isAlive()) {
      throw new AssertionError("the job did not end within 2 s");
    }
    if (thrown[0] instanceof RuntimeException) {
      throw (RuntimeException) thrown[0];
    }
    if (thrown[0] instanceof Error) {
      throw (Error) thrown[0];
    }
    if (thrown[0] != null) {
      throw new AssertionError(thrown[0]);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneak(Throwable failure) throws T {
    throw (T) failure;
  }

  @Test
  void everyBlockRunsOnceJobAfterJob() throws Exception {
    try (WorkerPool pool = new WorkerPool(2, "shared-test")) {
      Counter job = new Counter(pool);
      for (int call = 1; call <= 50; call++) {
        within(() -> job.runBlocks(7, 2, new Workspace(0)));
        within(() -> job.runPinnedBlocks(3, new Workspace(0)));
      }
      assertArrayEquals(new int[] {100, 100, 100, 50, 50, 50, 50, 0}, job.runs(8));
    }
  }

  @Test
  void theCallerAloneRunsEveryBlock() throws Exception {
    try (WorkerPool pool = new WorkerPool(0, "shared-test")) {
      Counter job = new Counter(pool);
      within(() -> job.runBlocks(5, 3, new Workspace(0)));
      assertArrayEquals(new int[] {1, 1, 1, 1, 1, 0}, job.runs(6));
      within(() -> job.runBlocks(1, 0, new Workspace(0)));
      assertArrayEquals(new int[] {2, 1, 1, 1, 1, 0}, job.runs(6));
    }
  }

  @Test
  void thirtyOneBlocksCanBePinned() throws Exception {
    try (WorkerPool pool = new WorkerPool(0, "shared-test")) {
      Counter job = new Counter(pool);
      within(() -> job.runPinnedBlocks(31, new Workspace(0)));
      int[] expected = new int[32];
      java.util.Arrays.fill(expected, 0, 31, 1);
      assertArrayEquals(expected, job.runs(32));
      assertThrows(IllegalArgumentException.class,
          () -> within(() -> job.runPinnedBlocks(32, new Workspace(0))));
    }
  }

  @Test
  void theFirstFailureIsRethrownAfterEveryBlockRan() throws Exception {
    try (WorkerPool pool = new WorkerPool(0, "shared-test")) {
      Counter job = new Counter(pool);
      IllegalArgumentException first = new IllegalArgumentException("block 1");
      job.failures[1] = first;
      job.failures[3] = new IllegalStateException("block 3");
      assertSame(first, assertThrows(IllegalArgumentException.class,
          () -> within(() -> job.runBlocks(5, 0, new Workspace(0)))));
      assertArrayEquals(new int[] {1, 1, 1, 1, 1}, job.runs(5));
      job.failures[1] = null;
      job.failures[3] = null;
      within(() -> job.runBlocks(5, 0, new Workspace(0)));
      assertArrayEquals(new int[] {2, 2, 2, 2, 2}, job.runs(5),
          "a failure does not outlive its job");
    }
  }

  @Test
  void anErrorIsRethrownAsItIs() throws Exception {
    try (WorkerPool pool = new WorkerPool(1, "shared-test")) {
      Counter job = new Counter(pool);
      AssertionError error = new AssertionError("block 0");
      job.failures[0] = error;
      assertSame(error, assertThrows(AssertionError.class,
          () -> within(() -> job.runPinnedBlocks(2, new Workspace(0)))));
      assertArrayEquals(new int[] {1, 1}, job.runs(2));
    }
  }

  @Test
  void aCheckedFailureIsWrapped() throws Exception {
    try (WorkerPool pool = new WorkerPool(0, "shared-test")) {
      Counter job = new Counter(pool);
      IOException checked = new IOException("block 2");
      job.failures[2] = checked;
      IllegalStateException thrown = assertThrows(IllegalStateException.class,
          () -> within(() -> job.runBlocks(3, 0, new Workspace(0))));
      assertSame(checked, thrown.getCause());
      assertEquals(3, job.runs.get(0) + job.runs.get(1) + job.runs.get(2));
    }
  }

  @Test
  void aPinnedThreadTakesItsOwnBlockFirstThenTheOthersInOrder() throws Exception {
    try (WorkerPool pool = new WorkerPool(0, "shared-test")) {
      Counter job = new Counter(pool);
      within(() -> job.runPinnedBlocks(4, new Workspace(2)));
      assertEquals(List.of(0, 2, 1, 3), job.order);
      job.order.clear();
      within(() -> job.runPinnedBlocks(3, new Workspace(3)));
      assertEquals(List.of(0, 1, 2), job.order, "thread 3 has no block of its own among three");
      assertArrayEquals(new int[] {2, 2, 2, 1, 0}, job.runs(5));
    }
  }

  @Test
  void sharedBlocksAreClaimedInOrder() throws Exception {
    try (WorkerPool pool = new WorkerPool(0, "shared-test")) {
      Counter job = new Counter(pool);
      within(() -> job.runBlocks(4, 0, new Workspace(2)));
      assertEquals(List.of(0, 1, 2, 3), job.order);
    }
  }

  /**
   * The caller finishes its block while the helper still runs the last one, so it parks: the
   * helper's last block must wake it, job after job.
   */
  @Test
  void theLastBlockOnAHelperWakesTheParkedCaller() throws Exception {
    try (WorkerPool pool = new WorkerPool(1, "shared-test")) {
      Counter job = new Counter(pool);
      CountDownLatch[] started = new CountDownLatch[1];
      job.before = index -> {
        try {
          if (index == 1) {
            started[0].countDown();
            Thread.sleep(20);
          } else if (!started[0].await(2, TimeUnit.SECONDS)) {
            throw new AssertionError("the helper did not start block 1");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      };
      for (int call = 1; call <= 3; call++) {
        started[0] = new CountDownLatch(1);
        within(() -> job.runPinnedBlocks(2, new Workspace(0)));
        assertArrayEquals(new int[] {call, call}, job.runs(2));
      }
    }
  }
}
