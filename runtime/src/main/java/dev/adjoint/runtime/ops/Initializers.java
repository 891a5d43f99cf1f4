package dev.adjoint.runtime.ops;

import dev.adjoint.runtime.random.CounterRng;

/**
 * Initial parameter values, drawn from the counter-based generator keyed by the seed and a
 * stream per parameter, so that a model initializes the same way every time for a seed.
 * Fan-in and fan-out follow a weight laid out [in, out]: fan-in is the product of all
 * dimensions but the last, fan-out the last; a vector has both equal to its length. A
 * convolution's filters [k..., C_in / groups, C_out] count their kernel taps in both, as
 * {@code torch.nn.init} does: fan-in k·C_in/groups, fan-out k·C_out.
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
    if (shape.length == 0) {
      return 1;
    }
    int fan = shape[shape.length - 1];
    for (int i = 0; i < shape.length - 2; i++) {
      fan *= shape[i];
    }
    return fan;
  }

  /**
   * Fills {@code out} by the named initializer. {@code a} and {@code b} are its options: low
   * and high for uniform, mean and std for normal, the gain for Glorot, the value for
   * constant; unused otherwise.
   */
  public static void fill(String kind, float[] out, int[] shape, double a, double b, long seed, int stream) {
    Draw draw = draw(kind, shape, a, b);
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) draw.value(seed, stream, i);
    }
  }

  public static void fill(String kind, double[] out, int[] shape, double a, double b, long seed, int stream) {
    Draw draw = draw(kind, shape, a, b);
    for (int i = 0; i < out.length; i++) {
      out[i] = draw.value(seed, stream, i);
    }
  }

  /**
   * Fills the stacked layers of a parameter of a {@code repeat} compiled as a loop: row r
   * (each row of {@code layerShape}) is drawn as the unrolled layer r would be, from stream
   * {@code firstStream + r * stride}, so that a looped model starts where the unrolled one does.
   */
  public static void fillLayers(String kind, float[] out, int[] layerShape, double a, double b, long seed,
      int firstStream, int stride) {
    Draw draw = draw(kind, layerShape, a, b);
    int size = size(layerShape);
    for (int r = 0; r < out.length / size; r++) {
      for (int i = 0; i < size; i++) {
        out[r * size + i] = (float) draw.value(seed, firstStream + r * stride, i);
      }
    }
  }

  public static void fillLayers(String kind, double[] out, int[] layerShape, double a, double b, long seed,
      int firstStream, int stride) {
    Draw draw = draw(kind, layerShape, a, b);
    int size = size(layerShape);
    for (int r = 0; r < out.length / size; r++) {
      for (int i = 0; i < size; i++) {
        out[r * size + i] = draw.value(seed, firstStream + r * stride, i);
      }
    }
  }

  private static int size(int[] shape) {
    int size = 1;
    for (int d : shape) {
      size *= d;
    }
    return Math.max(1, size);
  }

  /** Element {@code i} of a parameter's initial values. */
  @FunctionalInterface
  private interface Draw {
    double value(long seed, int stream, int i);
  }

  /** The initializer's draw, its constants (fans, limits) worked out once per parameter. */
  private static Draw draw(String kind, int[] shape, double a, double b) {
    int fanIn = fanIn(shape);
    int fanOut = fanOut(shape);
    switch (kind) {
      case "zeros":
        return (seed, stream, i) -> 0;
      case "ones":
        return (seed, stream, i) -> 1;
      case "constant":
        return (seed, stream, i) -> a;
      case "uniform":
        return (seed, stream, i) -> a + (b - a) * CounterRng.uniform(seed, 0, stream, i);
      case "normal":
        return (seed, stream, i) -> a + b * CounterRng.normal(seed, 0, stream, i);
      case "uniform_fan_in":
        return symmetric(1 / Math.sqrt(fanIn));
      case "glorot_uniform":
        return symmetric(a * Math.sqrt(6.0 / (fanIn + fanOut)));
      case "glorot_normal":
        return scaledNormal(a * Math.sqrt(2.0 / (fanIn + fanOut)));
      case "he_uniform":
        return symmetric(Math.sqrt(6.0 / fanIn));
      case "he_normal":
        return scaledNormal(Math.sqrt(2.0 / fanIn));
      default:
        throw new IllegalArgumentException("unknown initializer " + kind);
    }
  }

  private static Draw scaledNormal(double std) {
    return (seed, stream, i) -> std * CounterRng.normal(seed, 0, stream, i);
  }

  /** Uniform in [-limit, limit). */
  private static Draw symmetric(double limit) {
    return (seed, stream, i) -> limit * (2 * CounterRng.uniform(seed, 0, stream, i) - 1);
  }
}
