package dev.adjoint.runtime.kernels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The scalar kernel with a small k block ({@link #KC}) and blocks large enough to hold any test
 * product whole, recording on which thread each tile and each row run of C was computed. With
 * k over {@link #KC}, every rectangle a thread computes opens with a pass of tiles that do not
 * load C: {@link #rectangles} reads the rectangles of C that the threads were given from that.
 */
final class RecordingKernel extends MicroKernel {
  /** Depth of a k block: a product with k = 2 * KC makes two passes over each rectangle. */
  static final int KC = 8;

  /** A rectangle of C: rows {@code [i0, i1)}, columns {@code [j0, j1)}. */
  record Rect(int i0, int i1, int j0, int j1) {
    @Override
    public String toString() {
      return "[" + i0 + "," + i1 + ")x[" + j0 + "," + j1 + ")";
    }
  }

  private record Tile(int cOff, int ldc, int rows, int cols, int mode) {}

  private final MicroKernel scalar = new ScalarKernel();
  private final Map<Thread, List<Tile>> tiles = new LinkedHashMap<>();
  private final List<Rect> rowRuns = new ArrayList<>();
  private final List<Thread> rowThreads = new ArrayList<>();
  private volatile CountDownLatch helperSeen;

  RecordingKernel() {
    super(4, 16, KC, 1 << 16, 1 << 16);
  }

  /**
   * Makes the calling thread's next tile wait (once, at most 2 s) until a pool thread has
   * computed one, so that a job that is shared out is seen to be, however late the helpers wake.
   */
  void awaitHelper() {
    helperSeen = new CountDownLatch(1);
  }

  /** Forgets what was recorded. */
  synchronized void clear() {
    tiles.clear();
    rowRuns.clear();
    rowThreads.clear();
  }

  @Override
  boolean vectorized() {
    return false;
  }

  @Override
  String describe() {
    return "recording scalar 4x16";
  }

  @Override
  void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
      int rows, int cols, int mode, float[] bias, int biasOff, float[] scratch) {
    waitOrSignal();
    synchronized (this) {
      tiles.computeIfAbsent(Thread.currentThread(), t -> new ArrayList<>())
          .add(new Tile(cOff, ldc, rows, cols, mode));
    }
    scalar.tile(kc, a, aOff, b, bOff, c, cOff, ldc, rows, cols, mode, bias, biasOff, scratch);
  }

  @Override
  void rows(GemmTask t, int j0, int j1, Workspace workspace) {
    waitOrSignal();
    synchronized (this) {
      rowRuns.add(new Rect(0, t.m, j0, j1));
      rowThreads.add(Thread.currentThread());
    }
    scalar.rows(t, j0, j1, workspace);
  }

  private void waitOrSignal() {
    CountDownLatch latch = helperSeen;
    if (latch == null) {
      return;
    }
    if (Thread.currentThread().getName().startsWith("adjoint-gemm")) {
      latch.countDown();
    } else {
      try {
        latch.await(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      helperSeen = null;
    }
  }

  /**
   * The rectangles of C (whose first element is at {@code cBase}) that were computed, sorted by
   * rows then columns: each run of tiles on one thread that do not load C is the first k pass
   * over one rectangle (the product must not accumulate, and its k must exceed {@link #KC}).
   */
  synchronized List<Rect> rectangles(int cBase) {
    List<Rect> found = new ArrayList<>();
    for (List<Tile> sequence : tiles.values()) {
      Rect open = null;
      for (Tile tile : sequence) {
        boolean firstPass = (tile.mode & LOAD) == 0;
        if (!firstPass) {
          if (open != null) {
            found.add(open);
            open = null;
          }
          continue;
        }
        int i = (tile.cOff - cBase) / tile.ldc;
        int j = (tile.cOff - cBase) % tile.ldc;
        Rect t = new Rect(i, i + tile.rows, j, j + tile.cols);
        open = open == null ? t : new Rect(Math.min(open.i0, t.i0), Math.max(open.i1, t.i1),
            Math.min(open.j0, t.j0), Math.max(open.j1, t.j1));
      }
      if (open != null) {
        found.add(open);
      }
    }
    found.sort(Comparator.comparingInt(Rect::i0).thenComparingInt(Rect::j0));
    return found;
  }

  /** The column runs computed by {@link #rows}, sorted by their first column. */
  synchronized List<Rect> rowRuns() {
    List<Rect> sorted = new ArrayList<>(rowRuns);
    sorted.sort(Comparator.comparingInt(Rect::j0));
    return sorted;
  }

  /** Whether any tile or row run was computed on a thread of the engine's pool. */
  synchronized boolean helped() {
    for (Thread thread : tiles.keySet()) {
      if (thread != Thread.currentThread()) {
        return true;
      }
    }
    for (Thread thread : rowThreads) {
      if (thread != Thread.currentThread()) {
        return true;
      }
    }
    return false;
  }
}
