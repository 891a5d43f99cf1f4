package dev.adjoint.runtime.ops;

import dev.adjoint.runtime.kernels.Gemm;
import dev.adjoint.runtime.kernels.PartedWork;

/**
 * {@link MaxPool}'s take and put over a batch, its samples shared between the threads of the
 * shared GEMM engine ({@link PartedWork}): each sample's elements are read and written by one
 * thread, so the split changes no bit. A thread keeps one of these and fills it per call, so a
 * call allocates nothing. Batches of one sample, or of fewer than {@link #SHARED_ELEMENTS}
 * elements, stay on the calling thread: the hand-over would cost more than it saves.
 */
final class PooledSamples implements PartedWork {
  /** Elements from which a take or put is shared. */
  static final int SHARED_ELEMENTS = 1 << 16;

  private static final ThreadLocal<PooledSamples> CURRENT = ThreadLocal.withInitial(PooledSamples::new);

  private boolean put;
  private float[] x;
  private float[] updates;
  private float[] out;
  private int[] at;
  private int p;
  private int q;
  private int c;
  private int n;

  private PooledSamples() {}

  /** MaxPool.take shared between threads, or false (nothing done) when not worth it. */
  static boolean take(float[] x, int p, int c, int[] at, int q, int n, float[] out) {
    if (!worthSharing(q, c, n)) {
      return false;
    }
    PooledSamples t = CURRENT.get();
    t.x = x;
    t.put = false;
    t.run(p, c, at, q, n, out);
    return true;
  }

  /** MaxPool.put shared between threads, or false (nothing done) when not worth it. */
  static boolean put(int[] at, float[] updates, int q, int c, int n, int p, float[] out) {
    if (!worthSharing(q, c, n)) {
      return false;
    }
    PooledSamples t = CURRENT.get();
    t.updates = updates;
    t.put = true;
    t.run(p, c, at, q, n, out);
    return true;
  }

  private static boolean worthSharing(int q, int c, int n) {
    return n >= SHARED_ELEMENTS && n / (q * c) > 1 && Gemm.engine().threads() > 1;
  }

  private void run(int p, int c, int[] at, int q, int n, float[] out) {
    this.p = p;
    this.c = c;
    this.at = at;
    this.q = q;
    this.n = n;
    this.out = out;
    try {
      Gemm.engine().runParts(this);
    } finally {
      x = null;
      updates = null;
      this.out = null;
      this.at = null;
    }
  }

  @Override
  public void runPart(int part, int parts) {
    int perSample = q * c;
    int samples = (n + perSample - 1) / perSample;
    int i0 = Math.min(n, (int) ((long) samples * part / parts) * perSample);
    int i1 = Math.min(n, (int) ((long) samples * (part + 1) / parts) * perSample);
    if (put) {
      MaxPool.put(at, updates, q, c, p, out, i0, i1);
    } else {
      MaxPool.take(x, p, c, at, q, out, i0, i1);
    }
  }
}
