package dev.adjoint.runtime.kernels;

/** One part of a {@link PartedWork} per thread, shared out as {@link SharedBlocks} does. */
final class PartsJob extends SharedBlocks {
  private final int threads;
  private PartedWork work;

  PartsJob(int threads, WorkerPool pool) {
    super(pool);
    this.threads = threads;
  }

  /** Runs every part of {@code work}, one per thread; one call at a time (the engine locks). */
  void run(PartedWork work, Workspace workspace) {
    this.work = work;
    try {
      runBlocks(threads, threads - 1, workspace);
    } finally {
      this.work = null;
    }
  }

  @Override
  void block(int index, Workspace workspace) {
    work.runPart(index, threads);
  }
}
