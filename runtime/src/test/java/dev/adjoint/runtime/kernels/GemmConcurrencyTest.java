package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Many back-to-back parallel products (workers spinning, parking, waking late) from several
 * calling threads sharing one engine: every result equals the single-threaded one bit for bit.
 */
class GemmConcurrencyTest {
  @Test
  void sharedEngineUnderConcurrentCallers() throws Exception {
    MicroKernel kernel = Kernels.preferred();
    int[][] shapes = {{3, 70, 33}, {20, 9, 40}, {64, 100, 50}, {9, 300, 17}};
    List<float[][]> inputs = new ArrayList<>();
    List<float[]> expected = new ArrayList<>();
    Random random = new Random(11);
    try (GemmEngine single = GemmEngine.create(1, kernel, 0L)) {
      for (int[] s : shapes) {
        float[] a = Reference.random(random, 0, s[0] * s[2], 0);
        float[] b = Reference.random(random, 0, s[2] * s[1], 0);
        float[] c = new float[s[0] * s[1]];
        single.multiply(false, true, s[0], s[1], s[2], a, 0, b, 0, c, 0, false);
        inputs.add(new float[][] {a, b});
        expected.add(c);
      }
    }
    ExecutorService callers = Executors.newFixedThreadPool(3);
    try (GemmEngine shared = GemmEngine.create(3, kernel, 0L)) {
      List<Future<Void>> results = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int offset = t;
        Callable<Void> job = () -> {
          for (int r = 0; r < 400; r++) {
            int i = (r + offset) % shapes.length;
            int[] s = shapes[i];
            float[] c = new float[s[0] * s[1]];
            shared.multiply(false, true, s[0], s[1], s[2], inputs.get(i)[0], 0, inputs.get(i)[1],
                0, c, 0, false);
            assertArrayEquals(expected.get(i), c, "round " + r + " shape " + i);
            if (r % 97 == 0) {
              Thread.sleep(1);
            }
          }
          return null;
        };
        results.add(callers.submit(job));
      }
      for (Future<Void> result : results) {
        result.get();
      }
    } finally {
      callers.shutdownNow();
    }
  }
}
