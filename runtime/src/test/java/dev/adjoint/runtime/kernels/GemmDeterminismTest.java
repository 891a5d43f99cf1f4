package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same kernel gives bit-identical results on 1, 2 and 3 threads, whether C is split by
 * columns (n >= m) or by rows (m > n), with edge tiles and several k blocks.
 */
class GemmDeterminismTest {
  static List<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    List<MicroKernel> kernels = new ArrayList<>();
    if (Kernels.vector() != null) {
      kernels.add(Kernels.vector());
    }
    kernels.add(Kernels.scalar());
    int[][] shapes = {{37, 301, 529}, {301, 37, 529}, {128, 128, 256}, {5, 1000, 70}, {1, 1000, 300},
        {3, 301, 529}};
    for (MicroKernel kernel : kernels) {
      for (int[] shape : shapes) {
        for (String variant : new String[] {"NN", "NT", "TN"}) {
          cases.add(Arguments.of(kernel, variant, shape[0], shape[1], shape[2]));
        }
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{0} {1} m={2} n={3} k={4}")
  @MethodSource("cases")
  void threadCountDoesNotChangeABit(MicroKernel kernel, String variant, int m, int n, int k) {
    boolean ta = variant.charAt(0) == 'T';
    boolean tb = variant.charAt(1) == 'T';
    Random random = new Random(m + 7L * n + 13L * k);
    float[] a = Reference.random(random, 0, m * k, 0);
    float[] b = Reference.random(random, 0, k * n, 0);
    float[] bias = Reference.random(random, 0, n, 0);
    float[] c0 = Reference.random(random, 0, m * n, 0);
    float[] expected = null;
    float[] expectedBias = null;
    for (int threads = 1; threads <= 3; threads++) {
      try (GemmEngine engine = GemmEngine.create(threads, kernel, 0L)) {
        float[] c = c0.clone();
        engine.multiply(ta, tb, m, n, k, a, 0, b, 0, c, 0, true);
        float[] cb = c0.clone();
        engine.multiplyBias(ta, tb, m, n, k, a, 0, b, 0, cb, 0, bias, 0, true);
        if (expected == null) {
          expected = c;
          expectedBias = cb;
        } else {
          assertArrayEquals(expected, c, engine.toString());
          assertArrayEquals(expectedBias, cb, engine + " bias+relu");
        }
      }
    }
  }
}
