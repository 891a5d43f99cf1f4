package dev.adjoint.runtime.ops;

import dev.adjoint.runtime.random.CounterRng;
import java.util.function.DoubleBinaryOperator;

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
    each(draw(kind, shape, a, b), seed, stream, out.length, (i, v) -> out[i] = (float) v);
  }

  public static void fill(String kind, double[] out, int[] shape, double a, double b, long seed, int stream) {
    each(draw(kind, shape, a, b), seed, stream, out.length, (i, v) -> out[i] = v);
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
      int row = r * size;
      each(draw, seed, firstStream + r * stride, size, (i, v) -> out[row + i] = (float) v);
    }
  }

  public static void fillLayers(String kind, double[] out, int[] layerShape, double a, double b, long seed,
      int firstStream, int stride) {
    Draw draw = draw(kind, layerShape, a, b);
    int size = size(layerShape);
    for (int r = 0; r < out.length / size; r++) {
      int row = r * size;
      each(draw, seed, firstStream + r * stride, size, (i, v) -> out[row + i] = v);
    }
  }

  private static int size(int[] shape) {
    int size = 1;
    for (int d : shape) {
      size *= d;
    }
    return Math.max(1, size);
  }

  /**
   * An initializer: how many uniform draws each element takes (none for a constant, two for a
   * normal value, Box-Muller's) and its value from them.
   */
  private record Draw(int uniforms, DoubleBinaryOperator value) {}

  /** Where an element's value goes. */
  @FunctionalInterface
  private interface Sink {
    void put(int i, double value);
  }

  /** Elements drawn per run of uniform draws. */
  private static final int CHUNK = 1024;

  /**
   * Elements {@code 0 .. count-1} of a stream: element i takes the uniform draws
   * {@code uniforms * i ...} of the stream, drawn a Philox block at a time
   * ({@link CounterRng#uniforms}), the same numbers {@link CounterRng#uniform} gives one by one.
   */
  private static void each(Draw draw, long seed, int stream, int count, Sink sink) {
    int per = draw.uniforms();
    if (per == 0) {
      double value = draw.value().applyAsDouble(0, 0);
      for (int i = 0; i < count; i++) {
        sink.put(i, value);
      }
      return;
    }
    float[] u = new float[CHUNK * per];
    for (int from = 0; from < count; from += CHUNK) {
      int n = Math.min(CHUNK, count - from);
      CounterRng.uniforms(seed, 0, stream, (long) from * per, u, 0, n * per);
      for (int k = 0; k < n; k++) {
        sink.put(from + k, draw.value().applyAsDouble(u[k * per], per == 2 ? u[k * per + 1] : 0));
      }
    }
  }

  /** The initializer's draw, its constants (fans, limits) worked out once per parameter. */
  private static Draw draw(String kind, int[] shape, double a, double b) {
    int fanIn = fanIn(shape);
    int fanOut = fanOut(shape);
    switch (kind) {
      case "zeros":
        return new Draw(0, (u1, u2) -> 0);
      case "ones":
        return new Draw(0, (u1, u2) -> 1);
      case "constant":
        return new Draw(0, (u1, u2) -> a);
      case "uniform":
        return new Draw(1, (u1, u2) -> a + (b - a) * u1);
      case "normal":
        return new Draw(2, (u1, u2) -> a + b * CounterRng.boxMuller(u1, u2));
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
    return new Draw(2, (u1, u2) -> std * CounterRng.boxMuller(u1, u2));
  }

  /** Uniform in [-limit, limit). */
  private static Draw symmetric(double limit) {
    return new Draw(1, (u1, u2) -> limit * (2 * u1 - 1));
  }
}
