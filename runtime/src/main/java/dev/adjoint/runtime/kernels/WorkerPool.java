package dev.adjoint.runtime.kernels;

import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of daemon threads that help the calling thread with a {@link Job}. Handing
 * over allocates nothing: a volatile epoch per worker, and park/unpark after a short spin
 * (products in a training step come back to back, so a worker that spins briefly is woken
 * without a system call). The pool only wakes helpers; the job shares out its own work and
 * tracks its own completion, so the caller never waits for a helper that has not started.
 */
final class WorkerPool implements AutoCloseable {
  /** Work that any number of threads may join; each call returns when nothing is left. */
  interface Job {
    /** Takes and runs pieces of the job with the given thread's workspace until none remain. */
    void work(Workspace workspace);
  }

  /** How long an idle worker spins before parking. */
  private static final long SPIN_NANOS = 50_000L;

  private final Worker[] workers;
  private volatile Job job;
  private volatile boolean closed;

  /** Starts {@code count} daemon workers named {@code name-1 ... name-count}. */
  WorkerPool(int count, String name) {
    workers = new Worker[count];
    for (int w = 0; w < count; w++) {
      workers[w] = new Worker(new Workspace(w + 1));
      Thread thread = new Thread(workers[w], name + "-" + (w + 1));
      thread.setDaemon(true);
      workers[w].thread = thread;
    }
    for (Worker worker : workers) {
      worker.thread.start();
    }
  }

  /** Number of worker threads (the caller is not counted). */
  int size() {
    return workers.length;
  }

  /** Wakes {@code helpers} workers (at most {@link #size()}) to join {@code job}. One caller at a time. */
  void start(Job job, int helpers) {
    this.job = job;
    for (int w = 0; w < Math.min(helpers, workers.length); w++) {
      workers[w].wake();
    }
  }

  /** Stops the workers; they finish the piece in hand, if any, then exit. */
  @Override
  public void close() {
    closed = true;
    for (Worker worker : workers) {
      LockSupport.unpark(worker.thread);
    }
  }

  /** One pool thread: waits for its epoch to change, then joins the current job. */
  private final class Worker implements Runnable {
    private final Workspace workspace;
    private Thread thread;
    private volatile int epoch;
    private volatile boolean parked;

    Worker(Workspace workspace) {
      this.workspace = workspace;
    }

    /** Called by the (single) caller: signals a new job to this worker. */
    void wake() {
      epoch = epoch + 1;
      if (parked) {
        LockSupport.unpark(thread);
      }
    }

    @Override
    public void run() {
      int seen = 0;
      while (true) {
        long start = System.nanoTime();
        int current;
        while ((current = epoch) == seen) {
          if (closed) {
            return;
          }
          if (System.nanoTime() - start < SPIN_NANOS) {
            Thread.onSpinWait();
          } else {
            parked = true;
            if (epoch == seen && !closed) {
              LockSupport.park(this);
            }
            parked = false;
          }
        }
        seen = current;
        Job next = job;
        if (next != null) {
          next.work(workspace);
        }
      }
    }
  }
}
