package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The pool's workers: named daemon threads, woken only as many as asked for, each with its own
 * workspace; parked (burning no CPU) once a short spin after a job is over, and gone after
 * {@link WorkerPool#close}.
 */
class WorkerPoolTest {
  private static final AtomicInteger POOLS = new AtomicInteger();

  /** Records which workers joined the job, and with which workspace index. */
  private static final class Joins implements WorkerPool.Job {
    final Map<String, Integer> byThread = new ConcurrentHashMap<>();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void work(Workspace workspace) {
      byThread.put(Thread.currentThread().getName(), workspace.index);
      calls.incrementAndGet();
    }
  }

  @Test
  void startWakesTheHelpersAskedForEachWithItsOwnWorkspace() throws Exception {
    String name = uniqueName();
    try (WorkerPool pool = new WorkerPool(3, name)) {
      assertEquals(3, pool.size());
      Joins first = new Joins();
      pool.start(first, 1);
      await(() -> first.calls.get() == 1, "worker 1 joins");
      Thread.sleep(50);
      assertEquals(Map.of(name + "-1", 1), first.byThread);
      Joins all = new Joins();
      pool.start(all, 7);
      await(() -> all.calls.get() == 3, "all three workers join");
      assertEquals(Map.of(name + "-1", 1, name + "-2", 2, name + "-3", 3), all.byThread);
      for (Thread thread : threads(name)) {
        assertTrue(thread.isDaemon(), thread.getName());
      }
    }
  }

  @Test
  void idleWorkersParkAfterAShortSpin() throws Exception {
    String name = uniqueName();
    try (WorkerPool pool = new WorkerPool(2, name)) {
      for (int round = 1; round <= 3; round++) {
        Joins job = new Joins();
        pool.start(job, 2);
        await(() -> job.calls.get() == 2, "both workers join");
        await(() -> threads(name).stream().allMatch(t -> t.getState() == Thread.State.WAITING),
            "both workers park");
      }
    }
  }

  @Test
  void closeEndsTheWorkers() throws Exception {
    String name = uniqueName();
    WorkerPool pool = new WorkerPool(2, name);
    List<Thread> workers = threads(name);
    assertEquals(2, workers.size());
    Joins job = new Joins();
    pool.start(job, 2);
    await(() -> job.calls.get() == 2, "both workers join");
    pool.close();
    await(() -> workers.stream().noneMatch(Thread::isAlive), "workers end after close");
  }

  @Test
  void aWorkerClosedBeforeAnyJobEnds() throws Exception {
    String name = uniqueName();
    WorkerPool pool = new WorkerPool(1, name);
    List<Thread> workers = threads(name);
    pool.close();
    await(() -> workers.stream().noneMatch(Thread::isAlive), "a worker closed before any job ends");
  }

  @Test
  void closingAnEngineEndsItsWorkers() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    GemmEngine engine = GemmEngine.create(3);
    List<Thread> workers = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (!before.contains(thread) && thread.getName().startsWith("adjoint-gemm-")) {
        workers.add(thread);
      }
    }
    assertEquals(2, workers.size());
    engine.close();
    await(() -> workers.stream().noneMatch(Thread::isAlive), "an engine's workers end when it is closed");
  }

  private static String uniqueName() {
    return "pool-test-" + POOLS.incrementAndGet() + "-" + System.nanoTime();
  }

  /** The live threads of the pool named {@code name}, in the order of their names. */
  private static List<Thread> threads(String name) {
    Set<String> names = new TreeSet<>();
    List<Thread> found = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith(name + "-") && names.add(thread.getName())) {
        found.add(thread);
      }
    }
    found.sort((x, y) -> x.getName().compareTo(y.getName()));
    return found;
  }

  /** Waits up to 2 s for {@code condition}, failing with {@code what} if it does not come. */
  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + 2_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within 2 s: " + what);
      }
      Thread.sleep(1);
    }
  }
}
