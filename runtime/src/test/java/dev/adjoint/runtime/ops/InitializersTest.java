package dev.adjoint.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.random.CounterRng;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each initializer's sample statistics against its formula (torch.nn.init's): the mean
 * within five standard errors of the expected mean, the variance within 5%, uniform draws
 * inside their bounds and spread over them, normal draws with the normal's share within one
 * standard deviation. 32,768 draws per case keep the bounds tight and the test fast.
 */
class InitializersTest {
  private static final int[] SHAPE = {256, 128};
  private static final int FAN_IN = 256;
  private static final int FAN_OUT = 128;

  /** kind, options a and b, expected mean, expected variance, uniform half-width (0 for normal). */
  static Stream<Arguments> distributions() {
    double glorotU = Math.sqrt(6.0 / (FAN_IN + FAN_OUT));
    double heU = Math.sqrt(6.0 / FAN_IN);
    double fanInU = 1 / Math.sqrt(FAN_IN);
    return Stream.of(
        Arguments.of("uniform", -0.5, 1.5, 0.5, 4.0 / 12, 1.0),
        Arguments.of("normal", 0.25, 0.02, 0.25, 0.02 * 0.02, 0.0),
        Arguments.of("uniform_fan_in", 0.0, 0.0, 0.0, fanInU * fanInU / 3, fanInU),
        Arguments.of("glorot_uniform", 1.0, 0.0, 0.0, glorotU * glorotU / 3, glorotU),
        Arguments.of("glorot_uniform", 2.0, 0.0, 0.0, 4 * glorotU * glorotU / 3, 2 * glorotU),
        Arguments.of("glorot_normal", 1.0, 0.0, 0.0, 2.0 / (FAN_IN + FAN_OUT), 0.0),
        Arguments.of("he_uniform", 0.0, 0.0, 0.0, 2.0 / FAN_IN, heU),
        Arguments.of("he_normal", 0.0, 0.0, 0.0, 2.0 / FAN_IN, 0.0));
  }

  @ParameterizedTest(name = "{0}({1}, {2})")
  @MethodSource("distributions")
  void sampleStatisticsMatchTheFormula(String kind, double a, double b, double mean, double variance,
      double halfWidth) {
    double[] values = new double[FAN_IN * FAN_OUT];
    Initializers.fill(kind, values, SHAPE, a, b, 42, Initializers.FIRST_STREAM + 3);
    double sampleMean = Arrays.stream(values).average().orElseThrow();
    double sampleVariance = Arrays.stream(values).map(v -> (v - sampleMean) * (v - sampleMean)).sum()
        / (values.length - 1);
    double standardError = Math.sqrt(variance / values.length);
    assertEquals(mean, sampleMean, 5 * standardError, "mean");
    assertEquals(variance, sampleVariance, 0.05 * variance, "variance");
    double sd = Math.sqrt(variance);
    if (halfWidth > 0) {
      double center = kind.equals("uniform") ? (a + b) / 2 : 0;
      double min = Arrays.stream(values).min().orElseThrow();
      double max = Arrays.stream(values).max().orElseThrow();
      assertTrue(min >= center - halfWidth && max < center + halfWidth, "inside the bounds: " + min + " .. " + max);
      assertTrue(min < center - 0.99 * halfWidth && max > center + 0.99 * halfWidth, "reaches the bounds");
    } else {
      long within = Arrays.stream(values).filter(v -> Math.abs(v - mean) <= sd).count();
      assertEquals(0.6827, within / (double) values.length, 0.01, "share within one standard deviation");
      assertTrue(Arrays.stream(values).anyMatch(v -> Math.abs(v - mean) > 3 * sd), "has tails");
    }
  }

  @Test
  void constantsFillExactly() {
    float[] out = new float[6];
    Initializers.fill("zeros", out, new int[] {2, 3}, 0, 0, 1, 0);
    assertArrayEquals(new float[6], out);
    Initializers.fill("ones", out, new int[] {2, 3}, 0, 0, 1, 0);
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, out);
    Initializers.fill("constant", out, new int[] {2, 3}, 0.5, 0, 1, 0);
    assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, out);
  }

  @Test
  void fansFollowTheInOutLayout() {
    assertEquals(784, Initializers.fanIn(new int[] {784, 256}));
    assertEquals(256, Initializers.fanOut(new int[] {784, 256}));
    assertEquals(3 * 3 * 16, Initializers.fanIn(new int[] {3, 3, 16, 32}), "all dimensions but the last");
    assertEquals(3 * 3 * 32, Initializers.fanOut(new int[] {3, 3, 16, 32}), "kernel taps by output channels");
    assertEquals(5 * 8, Initializers.fanOut(new int[] {5, 2, 8}), "a 1-D convolution's");
    assertEquals(10, Initializers.fanIn(new int[] {10}));
    assertEquals(10, Initializers.fanOut(new int[] {10}));
    assertEquals(1, Initializers.fanIn(new int[] {}));
  }

  @Test
  void drawsAreReproducibleAndDifferPerSeedAndStream() {
    float[] first = new float[1000];
    float[] again = new float[1000];
    float[] otherSeed = new float[1000];
    float[] otherStream = new float[1000];
    int[] shape = {100, 10};
    Initializers.fill("he_normal", first, shape, 0, 0, 7, Initializers.FIRST_STREAM);
    Initializers.fill("he_normal", again, shape, 0, 0, 7, Initializers.FIRST_STREAM);
    Initializers.fill("he_normal", otherSeed, shape, 0, 0, 8, Initializers.FIRST_STREAM);
    Initializers.fill("he_normal", otherStream, shape, 0, 0, 7, Initializers.FIRST_STREAM + 1);
    assertArrayEquals(first, again);
    assertFalse(Arrays.equals(first, otherSeed));
    assertFalse(Arrays.equals(first, otherStream));
    double[] wide = new double[1000];
    Initializers.fill("he_normal", wide, shape, 0, 0, 7, Initializers.FIRST_STREAM);
    for (int i = 0; i < first.length; i++) {
      assertEquals((float) wide[i], first[i], "f32 holds the rounded f64 draw");
    }
  }

  @Test
  void anUnknownKindIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> Initializers.fill("xavier", new float[1], new int[] {1}, 0, 0, 1, 0));
  }

  /**
   * The fills draw a Philox block at a time, in runs of 1,024 elements: every element is still
   * the formula over {@code CounterRng.uniform} and {@code CounterRng.normal}, element by element,
   * across the runs' and blocks' edges, for floats, doubles and stacked layers.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("distributions")
  void everyElementIsTheFormulaOverItsOwnDraws(String kind, double a, double b, double mean, double variance,
      double halfWidth) {
    int[] shape = {3, 683}; // 2,049 elements: two full runs and one element
    double fanIn = 3;
    double fanOut = 683;
    float[] f32 = new float[2049];
    double[] f64 = new double[2049];
    long seed = 99;
    int stream = Initializers.FIRST_STREAM + 5;
    Initializers.fill(kind, f32, shape, a, b, seed, stream);
    Initializers.fill(kind, f64, shape, a, b, seed, stream);
    for (int i = 0; i < f32.length; i++) {
      double u = CounterRng.uniform(seed, 0, stream, i);
      double n = CounterRng.normal(seed, 0, stream, i);
      double expected = switch (kind) {
        case "uniform" -> a + (b - a) * u;
        case "normal" -> a + b * n;
        case "uniform_fan_in" -> 1 / Math.sqrt(fanIn) * (2 * u - 1);
        case "glorot_uniform" -> a * Math.sqrt(6.0 / (fanIn + fanOut)) * (2 * u - 1);
        case "glorot_normal" -> a * Math.sqrt(2.0 / (fanIn + fanOut)) * n;
        case "he_uniform" -> Math.sqrt(6.0 / fanIn) * (2 * u - 1);
        case "he_normal" -> Math.sqrt(2.0 / fanIn) * n;
        default -> throw new AssertionError(kind);
      };
      assertEquals(expected, f64[i], kind + " f64 element " + i);
      assertEquals((float) expected, f32[i], kind + " f32 element " + i);
    }
    int[] layer = {5, 7}; // 35 elements a row, three rows, streams 40, 43, 46
    float[] rows32 = new float[105];
    double[] rows64 = new double[105];
    Initializers.fillLayers(kind, rows32, layer, a, b, seed, 40, 3);
    Initializers.fillLayers(kind, rows64, layer, a, b, seed, 40, 3);
    for (int r = 0; r < 3; r++) {
      float[] one32 = new float[35];
      double[] one64 = new double[35];
      Initializers.fill(kind, one32, layer, a, b, seed, 40 + 3 * r);
      Initializers.fill(kind, one64, layer, a, b, seed, 40 + 3 * r);
      assertArrayEquals(one32, Arrays.copyOfRange(rows32, 35 * r, 35 * r + 35), kind + " row " + r);
      assertArrayEquals(one64, Arrays.copyOfRange(rows64, 35 * r, 35 * r + 35), kind + " row " + r);
    }
  }
}
