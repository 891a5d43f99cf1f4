package dev.adjoint.runtime.kernels;

/**
 * One engine's parallel products: C cut along its longer side into a few blocks per thread,
 * block edges on tile boundaries. Splitting along n repeats the packing of A in
 * each block and along m that of B, so cutting the longer side costs less. Threads claim
 * blocks as {@link SharedBlocks} shares them out.
 *
 * <p>A product of fewer than {@link MicroKernel#SMALL_M} rows (inference on one sample) that
 * is large enough to share is bound by reading B, not by arithmetic: its columns are cut
 * into one pinned block per thread, so that each core reads the same part of B at every
 * call and, where the parts fit, keeps it in its own L2 cache from one call to the next.
 */
final class ParallelProduct extends SharedBlocks {
  /** Blocks per thread: enough to even out a late start, few enough to pack little twice. */
  private static final int BLOCKS_PER_THREAD = 2;

  private final MicroKernel kernel;
  private final int threads;
  // The plan of the current product, written before the blocks are shared out.
  private GemmTask task;
  private boolean byColumns;
  private int width;
  private int extent;

  ParallelProduct(MicroKernel kernel, int threads, WorkerPool pool) {
    super(pool);
    this.kernel = kernel;
    this.threads = threads;
  }

  /** Computes the task on this thread and the pool's; one call at a time (the engine locks). */
  void run(GemmTask task, Workspace workspace) {
    if (task.m < MicroKernel.SMALL_M) {
      runColumnsPinned(task, workspace);
      return;
    }
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
    int blocks = (extent + width - 1) / width;
    if (blocks < 2) {
      BlockedGemm.run(kernel, task, 0, m, 0, n, workspace);
      return;
    }
    this.task = task;
    try {
      runBlocks(blocks, threads - 1, workspace);
    } finally {
      this.task = null;
    }
  }

  private void runColumnsPinned(GemmTask task, Workspace workspace) {
    int unit = kernel.nr;
    int tiles = (task.n + unit - 1) / unit;
    int wanted = Math.min(Math.min(threads, tiles), 31);
    byColumns = true;
    extent = task.n;
    width = (tiles + wanted - 1) / wanted * unit;
    int blocks = (extent + width - 1) / width;
    if (blocks < 2) {
      BlockedGemm.run(kernel, task, 0, task.m, 0, task.n, workspace);
      return;
    }
    this.task = task;
    try {
      runPinnedBlocks(blocks, workspace);
    } finally {
      this.task = null;
    }
  }

  @Override
  void block(int index, Workspace workspace) {
    int start = index * width;
    int end = Math.min(extent, start + width);
    if (byColumns) {
      BlockedGemm.run(kernel, task, 0, task.m, start, end, workspace);
    } else {
      BlockedGemm.run(kernel, task, start, end, 0, task.n, workspace);
    }
  }
}
