package dev.adjoint.runtime.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * C = A·B + bias and ReLU(A·B + bias): full and edge tiles, k within one block and across
 * several (the bias joins on the first block, the ReLU on the last), every variant and engine.
 */
class GemmEpilogueTest {
  static List<Arguments> shapes() {
    int[][] sizes = {{1, 1, 1}, {4, 16, 8}, {5, 17, 3}, {64, 256, 300}, {67, 70, 513}, {3, 33, 1}};
    List<Arguments> shapes = new ArrayList<>();
    for (String variant : new String[] {"NN", "NT", "TN", "TT"}) {
      for (int[] size : sizes) {
        for (boolean relu : new boolean[] {false, true}) {
          shapes.add(Arguments.of(variant, size[0], size[1], size[2], relu));
        }
      }
    }
    return shapes;
  }

  @ParameterizedTest(name = "{0} m={1} n={2} k={3} relu={4}")
  @MethodSource("shapes")
  void addsBiasThenRelu(String variant, int m, int n, int k, boolean relu) {
    boolean ta = variant.charAt(0) == 'T';
    boolean tb = variant.charAt(1) == 'T';
    Random random = new Random(m * 1000L + n * 10L + k);
    float[] a = Reference.random(random, 2, m * k, 3);
    float[] b = Reference.random(random, 1, k * n, 3);
    float[] bias = Reference.random(random, 4, n, 3);
    float[] c0 = Reference.random(random, 6, m * n, 3);
    for (GemmEngine engine : TestEngines.all()) {
      float[] c = c0.clone();
      engine.multiplyBias(ta, tb, m, n, k, a, 2, b, 1, c, 6, bias, 4, relu);
      Reference.check(engine.toString(), ta, tb, m, n, k, a, 2, b, 1, c0, c, 6, false, bias, 4,
          relu);
    }
  }
}
