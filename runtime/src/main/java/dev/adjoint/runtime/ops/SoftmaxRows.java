package dev.adjoint.runtime.ops;

import dev.adjoint.runtime.kernels.Gemm;
import dev.adjoint.runtime.kernels.PartedWork;

/**
 * The rows of one f32 log-softmax or cross-entropy call shared between the engine's threads:
 * on two threads these row kernels ran on the calling thread alone while the worker waited.
 * Each row is computed alone, so results do not depend on the number of threads. One
 * reusable instance per calling thread, so a call allocates nothing.
 */
final class SoftmaxRows implements PartedWork {
  private static final ThreadLocal<SoftmaxRows> CURRENT = ThreadLocal.withInitial(SoftmaxRows::new);

  private float[] x;
  private float[] out;
  private int[] target;
  private int rows;
  private int classes;
  private int inner;
  private double smoothing;

  private SoftmaxRows() {}

  /** Log-softmax when {@code target} is null, else cross-entropy against it (inner is then 1). */
  static void run(float[] x, int rows, int classes, int inner, int[] target, double smoothing, float[] out) {
    SoftmaxRows job = CURRENT.get();
    job.x = x;
    job.out = out;
    job.target = target;
    job.rows = rows;
    job.classes = classes;
    job.inner = inner;
    job.smoothing = smoothing;
    try {
      Gemm.engine().runParts(job);
    } finally {
      job.x = null;
      job.out = null;
      job.target = null;
    }
  }

  @Override
  public void runPart(int part, int parts) {
    int from = PartedWork.startRow(rows, classes, part, parts);
    int to = PartedWork.startRow(rows, classes, part + 1, parts);
    if (target == null) {
      Softmax.logSoftmaxRows(x, from, to, classes, inner, out);
    } else {
      Softmax.crossEntropyRows(x, from, to, classes, target, smoothing, out);
    }
  }
}
