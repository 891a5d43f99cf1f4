package dev.adjoint.runtime.kernels;

/**
 * A batch of equally shaped products shared out between an engine's threads: each block is a
 * run of consecutive products, each computed whole on one thread as a single-threaded product
 * would be, so results do not depend on the split. A batch of small products (attention's
 * [T, d]·[d, T] per sample and head) is too small to split inside one product, but many of
 * them together fill every core.
 */
final class BatchedProduct extends SharedBlocks {
  /** Blocks per thread: enough to even out a late start. */
  private static final int BLOCKS_PER_THREAD = 2;

  private final MicroKernel kernel;
  private final int threads;
  // The plan of the current batch, written before the blocks are shared out.
  private boolean transposeA;
  private boolean transposeB;
  private int m;
  private int n;
  private int k;
  private float[] a;
  private int aOffset;
  private int aStride;
  private float[] b;
  private int bOffset;
  private int bStride;
  private float[] c;
  private int cOffset;
  private int cStride;
  private boolean accumulate;
  private int batches;
  private int perBlock;

  BatchedProduct(MicroKernel kernel, int threads, WorkerPool pool) {
    super(pool);
    this.kernel = kernel;
    this.threads = threads;
  }

  /** Computes every product of the batch here and on the pool; one call at a time (the engine locks). */
  void run(boolean transposeA, boolean transposeB, int batches, int m, int n, int k, float[] a,
      int aOffset, int aStride, float[] b, int bOffset, int bStride, float[] c, int cOffset,
      int cStride, boolean accumulate, Workspace workspace) {
    this.transposeA = transposeA;
    this.transposeB = transposeB;
    this.batches = batches;
    this.m = m;
    this.n = n;
    this.k = k;
    this.a = a;
    this.aOffset = aOffset;
    this.aStride = aStride;
    this.b = b;
    this.bOffset = bOffset;
    this.bStride = bStride;
    this.c = c;
    this.cOffset = cOffset;
    this.cStride = cStride;
    this.accumulate = accumulate;
    int wanted = Math.min(batches, threads * BLOCKS_PER_THREAD);
    perBlock = (batches + wanted - 1) / wanted;
    try {
      runBlocks((batches + perBlock - 1) / perBlock, threads - 1, workspace);
    } finally {
      this.a = null;
      this.b = null;
      this.c = null;
    }
  }

  @Override
  void block(int index, Workspace workspace) {
    int end = Math.min(batches, (index + 1) * perBlock);
    for (int i = index * perBlock; i < end; i++) {
      one(kernel, workspace, transposeA, transposeB, m, n, k, a, aOffset + i * aStride, b,
          bOffset + i * bStride, c, cOffset + i * cStride, accumulate);
    }
  }

  /** One product of the batch on this thread, through the thread's own task record; k > 0. */
  static void one(MicroKernel kernel, Workspace workspace, boolean transposeA, boolean transposeB,
      int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset,
      boolean accumulate) {
    GemmTask task = workspace.task;
    task.set(transposeA, transposeB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate,
        null, 0, false);
    try {
      BlockedGemm.run(kernel, task, 0, m, 0, n, workspace);
    } finally {
      task.clear();
    }
  }
}
