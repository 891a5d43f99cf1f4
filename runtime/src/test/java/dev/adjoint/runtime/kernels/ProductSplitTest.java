package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * How a product is cut among an engine's threads (see {@code ParallelProduct}): along C's
 * longer side, in about two blocks per thread whose edges fall on tile boundaries (4 rows or
 * 16 columns here); a product of fewer than 4 rows in one column block per thread; and a
 * product below the engine's threshold not cut at all. The results do not depend on the cut
 * (GemmDeterminismTest), so these tests read the cut itself through {@link RecordingKernel}.
 */
class ProductSplitTest {
  private static final int K = 2 * RecordingKernel.KC;

  @Test
  void wideProductsAreCutIntoColumnBlocksOfWholeTiles() {
    assertEquals("[[0,8)x[0,16), [0,8)x[16,32), [0,8)x[32,48), [0,8)x[48,64)]", cut(2, 8, 64));
    assertEquals("[[0,5)x[0,16), [0,5)x[16,32), [0,5)x[32,40)]", cut(2, 5, 40));
    assertEquals("[[0,20)x[0,32), [0,20)x[32,64), [0,20)x[64,96), [0,20)x[96,100)]",
        cut(2, 20, 100));
  }

  @Test
  void tallProductsAreCutIntoRowBlocksOfWholeTiles() {
    assertEquals("[[0,16)x[0,8), [16,32)x[0,8), [32,48)x[0,8), [48,64)x[0,8)]", cut(2, 64, 8));
    assertEquals("[[0,28)x[0,30), [28,56)x[0,30), [56,84)x[0,30), [84,100)x[0,30)]",
        cut(2, 100, 30));
    assertEquals("[[0,8)x[0,5), [8,16)x[0,5), [16,24)x[0,5), [24,32)x[0,5), [32,40)x[0,5)]",
        cut(3, 40, 5));
    assertEquals("[[0,4)x[0,3), [4,5)x[0,3)]", cut(2, 5, 3));
  }

  @Test
  void aSquareProductOfOneColumnOfTilesIsCutByRows() {
    assertEquals("[[0,4)x[0,8), [4,8)x[0,8)]", cut(2, 8, 8));
    assertEquals("[[0,4)x[0,16), [4,8)x[0,16)]", cut(2, 8, 16));
    assertEquals("[[0,8)x[0,16), [0,8)x[16,17)]", cut(2, 8, 17));
  }

  @Test
  void aSquareProductOfSeveralColumnsOfTilesIsCutByColumns() {
    assertEquals("[[0,32)x[0,16), [0,32)x[16,32)]", cut(2, 32, 32));
  }

  @Test
  void fourRowsAreCutAsAnyTiledProduct() {
    assertEquals("[[0,4)x[0,16), [0,4)x[16,32), [0,4)x[32,48), [0,4)x[48,64)]", cut(2, 4, 64));
  }

  @Test
  void aProductOfOneTileIsNotCut() {
    assertEquals("[[0,4)x[0,16)]", cut(2, 4, 16));
    assertEquals("[[0,4)x[0,2)]", cut(2, 4, 2));
    assertEquals("[[0,4)x[0,1)]", cut(3, 4, 1));
  }

  @Test
  void fewRowsAreCutIntoOneColumnBlockPerThread() {
    assertEquals("[[0,1)x[0,32), [0,1)x[32,64)]", rowRuns(2, 1, 64));
    assertEquals("[[0,2)x[0,32), [0,2)x[32,40)]", rowRuns(2, 2, 40));
    assertEquals("[[0,1)x[0,16), [0,1)x[16,32), [0,1)x[32,40)]", rowRuns(3, 1, 40));
    assertEquals("[[0,3)x[0,16)]", rowRuns(3, 3, 16));
    assertEquals("[[0,3)x[0,17)]", rowRuns(1, 3, 17));
  }

  @Test
  void atMostThirtyOneColumnBlocksArePinned() {
    // 32 tiles on 32 threads: 31 blocks would leave one tile over, so 16 blocks of two tiles
    List<String> expected = new java.util.ArrayList<>();
    for (int j = 0; j < 512; j += 32) {
      expected.add("[0,1)x[" + j + "," + (j + 32) + ")");
    }
    assertEquals(expected.toString(), rowRuns(32, 1, 512));
  }

  @Test
  void theThresholdDecidesWhetherAProductIsShared() {
    long flops = 2L * 8 * 64 * K;
    assertEquals(4, rectangles(2, flops, 8, 64).size(), "at the threshold");
    assertEquals(1, rectangles(2, flops + 1, 8, 64).size(), "just below it");
    assertEquals(1, rectangles(1, 0, 8, 64).size(), "one thread");
  }

  @Test
  void theEngineIsFreeForOtherThreadsAfterEachKindOfCall() throws Exception {
    RecordingKernel kernel = new RecordingKernel();
    try (GemmEngine engine = GemmEngine.create(2, kernel, 0L)) {
      multiply(engine, 8, 64);
      batch(engine, 4, 8, 8);
      engine.runParts((part, count) -> { });
      int[] parts = new int[2];
      AtomicReference<Integer> other = new AtomicReference<>();
      Thread thread = new Thread(() -> {
        kernel.clear();
        multiply(engine, 8, 64);
        other.set(kernel.rectangles(0).size());
        engine.runParts((part, count) -> parts[part] = count);
      });
      thread.start();
      thread.join();
      assertEquals(4, other.get(), "a product from another thread is still shared out");
      assertEquals("[2, 2]", java.util.Arrays.toString(parts), "so are the parts");
    }
  }

  @Test
  void aFinishedProductKeepsNoArrays() {
    try (GemmEngine engine = GemmEngine.create(1, new RecordingKernel(), 0L)) {
      multiply(engine, 8, 64);
      GemmTask task = Workspace.current().task;
      assertEquals(null, task.a);
      assertEquals(null, task.b);
      assertEquals(null, task.c);
    }
  }

  @Test
  void anEngineSaysItsKernelAndThreads() {
    try (GemmEngine one = GemmEngine.create(1, new RecordingKernel(), 0L);
        GemmEngine two = GemmEngine.create(2, new RecordingKernel(), 0L)) {
      assertEquals("GemmEngine[recording scalar 4x16, 1 thread]", one.toString());
      assertEquals("GemmEngine[recording scalar 4x16, 2 threads]", two.toString());
    }
  }

  @Test
  void aBatchOfSmallProductsIsSharedWhenTogetherTheyReachTheThreshold() {
    long one = 2L * 8 * 8 * K;
    assertTrue(batchHelped(2, 2, 2 * one), "two products at the threshold, on two threads");
    assertFalse(batchHelped(2, 3, 4 * one), "three products below the threshold");
    assertFalse(batchHelped(3, 2, 2 * one), "fewer products than threads");
  }

  @Test
  void aBatchOfFewerProductsThanThreadsIsCutProductByProduct() {
    RecordingKernel kernel = new RecordingKernel();
    try (GemmEngine engine = GemmEngine.create(3, kernel, 0L)) {
      batch(engine, 2, 8, 8);
    }
    assertEquals("[[0,4)x[0,8), [4,8)x[0,8), [8,12)x[0,8), [12,16)x[0,8)]",
        kernel.rectangles(0).toString());
  }

  /** Whether a pool thread computed part of a batch of 8 x 8 products. */
  private static boolean batchHelped(int threads, int batches, long flops) {
    RecordingKernel kernel = new RecordingKernel();
    try (GemmEngine engine = GemmEngine.create(threads, kernel, flops)) {
      kernel.awaitHelper();
      batch(engine, batches, 8, 8);
    }
    return kernel.helped();
  }

  /** The cut of an m x n product on {@code threads} threads, as rectangles of C. */
  private static String cut(int threads, int m, int n) {
    return rectangles(threads, 0L, m, n).toString();
  }

  private static List<RecordingKernel.Rect> rectangles(int threads, long flops, int m, int n) {
    RecordingKernel kernel = new RecordingKernel();
    try (GemmEngine engine = GemmEngine.create(threads, kernel, flops)) {
      multiply(engine, m, n);
    }
    return kernel.rectangles(0);
  }

  private static String rowRuns(int threads, int m, int n) {
    RecordingKernel kernel = new RecordingKernel();
    try (GemmEngine engine = GemmEngine.create(threads, kernel, 0L)) {
      multiply(engine, m, n);
    }
    return kernel.rowRuns().toString();
  }

  private static void multiply(GemmEngine engine, int m, int n) {
    engine.multiply(false, false, m, n, K, new float[m * K], 0, new float[K * n], 0,
        new float[m * n], 0, false);
  }

  private static void batch(GemmEngine engine, int batches, int m, int n) {
    engine.multiplyBatched(false, false, batches, m, n, K, new float[batches * m * K], 0, m * K,
        new float[batches * K * n], 0, K * n, new float[batches * m * n], 0, m * n, false);
  }
}
