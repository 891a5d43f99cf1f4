package dev.adjoint.runtime.ops;

import dev.adjoint.runtime.random.CounterRng;

/**
 * Initial parameter values, drawn from the counter-based generator keyed by the seed and a
 * stream per parameter, so that a model initializes the same way every time for a seed.
 * Fan-in and fan-out follow a weight laid out [in, out]: fan-in is the product of all
 * dimensions but the last, fan-out the last; a vector has both equal to its length.
 */
public final class Initializers {
  /** The first stream of parameter initialization, apart from the streams of random nodes. */
  public static final int FIRST_STREAM = 1 << 30;

  private Initializers() {}

  public static int fanIn(int[] shape) {
    if (shape.length <= 1) {
      return shape.length == 0 ? 1 : shape[0];
    }
    int fan = 1;
    for (int i = 0; i < shape.length - 1; i++) {
      fan *= shape[i];
    }
    return fan;
  }

  public static int fanOut(int[] shape) {
    return shape.length == 0 ? 1 : shape[shape.length - 1];
  }

  /**
   * Fills {@code out} by the named initializer. {@code a} and {@code b} are its options: low
   * and high for uniform, mean and std for normal, the gain for Glorot, the value for
   * constant; unused otherwise.
   */
  public static void fill(String kind, float[] out, int[] shape, double a, double b, long seed, int stream) {
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) value(kind, shape, a, b, seed, stream, i);
    }
  }

  public static void fill(String kind, double[] out, int[] shape, double a, double b, long seed, int stream) {
    for (int i = 0; i < out.length; i++) {
      out[i] = value(kind, shape, a, b, seed, stream, i);
    }
  }

  private static double value(String kind, int[] shape, double a, double b, long seed, int stream, int i) {
    int fanIn = fanIn(shape);
    int fanOut = fanOut(shape);
    switch (kind) {
      case "zeros":
        return 0;
      case "ones":
        return 1;
      case "constant":
        return a;
      case "uniform":
        return a + (b - a) * CounterRng.uniform(seed, 0, stream, i);
      case "normal":
        return a + b * CounterRng.normal(seed, 0, stream, i);
      case "uniform_fan_in":
        return symmetric(1 / Math.sqrt(fanIn), seed, stream, i);
      case "glorot_uniform":
        return symmetric(a * Math.sqrt(6.0 / (fanIn + fanOut)), seed, stream, i);
      case "glorot_normal":
        return a * Math.sqrt(2.0 / (fanIn + fanOut)) * CounterRng.normal(seed, 0, stream, i);
      case "he_uniform":
        return symmetric(Math.sqrt(6.0 / fanIn), seed, stream, i);
      case "he_normal":
        return Math.sqrt(2.0 / fanIn) * CounterRng.normal(seed, 0, stream, i);
      default:
        throw new IllegalArgumentException("unknown initializer " + kind);
    }
  }

  /** Uniform in [-limit, limit). */
  private static double symmetric(double limit, long seed, int stream, int i) {
    return limit * (2 * CounterRng.uniform(seed, 0, stream, i) - 1);
  }
}
