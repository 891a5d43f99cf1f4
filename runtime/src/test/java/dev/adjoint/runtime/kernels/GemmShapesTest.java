package dev.adjoint.runtime.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The three variants against a double-precision triple loop, on every combination of odd
 * sizes {1, 3, 17, 65, 257} for m, n and k (edge tiles in every position, k across several
 * k blocks), with nonzero offsets, overwrite and accumulate, on every test engine. The
 * mutation profile sets {@code adjoint.test.gemmShapes.sizes} to a smaller set (a surviving
 * mutant runs every case that covers it).
 */
class GemmShapesTest {
  private static final int[] SIZES = sizes(System.getProperty("adjoint.test.gemmShapes.sizes",
      "1,3,17,65,257"));

  private static int[] sizes(String list) {
    return Arrays.stream(list.split(",")).map(String::trim)
        .mapToInt(Integer::parseInt).toArray();
  }

  static List<Arguments> shapes() {
    List<Arguments> shapes = new ArrayList<>();
    for (String variant : new String[] {"NN", "NT", "TN"}) {
      for (int m : SIZES) {
        for (int n : SIZES) {
          for (int k : SIZES) {
            shapes.add(Arguments.of(variant, m, n, k));
          }
        }
      }
    }
    return shapes;
  }

  @ParameterizedTest(name = "{0} m={1} n={2} k={3}")
  @MethodSource("shapes")
  void matchesNaiveProduct(String variant, int m, int n, int k) {
    boolean ta = variant.charAt(0) == 'T';
    boolean tb = variant.charAt(1) == 'T';
    Random random = new Random(31L * m + 17L * n + k + variant.hashCode());
    int aOff = 3;
    int bOff = 5;
    int cOff = 7;
    float[] a = Reference.random(random, aOff, m * k, 4);
    float[] b = Reference.random(random, bOff, k * n, 4);
    float[] c0 = Reference.random(random, cOff, m * n, 4);
    for (GemmEngine engine : TestEngines.all()) {
      for (boolean accumulate : new boolean[] {false, true}) {
        float[] c = c0.clone();
        engine.multiply(ta, tb, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
        Reference.check(engine + " accumulate=" + accumulate, ta, tb, m, n, k, a, aOff, b, bOff,
            c0, c, cOff, accumulate, null, 0, false);
      }
    }
  }
}
