package dev.adjoint.runtime.kernels;

/**
 * One engine's parallel products over a packed B: C's columns cut into a few blocks per
 * thread on sliver boundaries (the packing is shared, only A is packed again per block),
 * shared out as {@link SharedBlocks} does.
 */
final class PackedProduct extends SharedBlocks {
  private static final int BLOCKS_PER_THREAD = 2;

  private final MicroKernel kernel;
  private final int threads;
  private GemmTask task;
  private PackedMatrix b;
  private int width;

  PackedProduct(MicroKernel kernel, int threads, WorkerPool pool) {
    super(pool);
    this.kernel = kernel;
    this.threads = threads;
  }

  /** Computes the task on this thread and the pool's; one call at a time (the engine locks). */
  void run(GemmTask task, PackedMatrix b, Workspace workspace) {
    int tiles = (task.n + kernel.nr - 1) / kernel.nr;
    int wanted = Math.min(threads * BLOCKS_PER_THREAD, tiles);
    width = (tiles + wanted - 1) / wanted * kernel.nr;
    int blocks = (task.n + width - 1) / width;
    if (blocks < 2) {
      PackedGemm.run(kernel, task, b, 0, task.m, 0, task.n, workspace);
      return;
    }
    this.task = task;
    this.b = b;
    try {
      runBlocks(blocks, threads - 1, workspace);
    } finally {
      this.task = null;
      this.b = null;
    }
  }

  @Override
  void block(int index, Workspace workspace) {
    int start = index * width;
    PackedGemm.run(kernel, task, b, 0, task.m, start, Math.min(task.n, start + width), workspace);
  }
}
