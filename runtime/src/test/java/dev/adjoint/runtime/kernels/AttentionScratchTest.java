package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Attention's score buffer is one per thread, grown on first need: a thread's first call, with
 * no buffer yet, gives what a thread that has grown its buffer gives.
 */
class AttentionScratchTest {
  @Test
  void aThreadsFirstCallGrowsItsScoreBuffer() throws Exception {
    float[] q = {1, 2, 0.5f, -1, 3, 1, 2, 2};
    float[] k = {3, -1, 0.5f, 2, 1, 1, -2, 0, 1, 4, 2, 2};
    float[] v = {1, 10, 3, 20, 5, 7, 2, 2, -1, 0, 4, 4};
    float[] expected = new float[8];
    Attention.forward(2, 2, 3, 2, 2, q, k, v, null, 0, false, 0.5f, expected);
    double[] expected64 = new double[8];
    Attention.forward(2, 2, 3, 2, 2, doubles(q), doubles(k), doubles(v), null, 0, false, 0.5, expected64);
    AtomicReference<Object[]> fresh = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread = new Thread(() -> {
      try {
        float[] out = new float[8];
        Attention.forward(2, 2, 3, 2, 2, q, k, v, null, 0, false, 0.5f, out);
        double[] out64 = new double[8];
        Attention.forward(2, 2, 3, 2, 2, doubles(q), doubles(k), doubles(v), null, 0, false, 0.5, out64);
        fresh.set(new Object[] {out, out64});
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    thread.start();
    thread.join();
    if (failure.get() != null) {
      throw new AssertionError("a fresh thread's first call failed", failure.get());
    }
    assertArrayEquals(expected, (float[]) fresh.get()[0]);
    assertArrayEquals(expected64, (double[]) fresh.get()[1]);
  }

  private static double[] doubles(float[] values) {
    double[] result = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = values[i];
    }
    return result;
  }
}
