package dev.adjoint.runtime.random;

/**
 * The random numbers of Adjoint: uniform values keyed by (seed, step, stream, element).
 * The seed is the key; the step, the stream (one per random site in a graph) and the
 * element index form the counter. Nothing is carried from one draw to the next, so a
 * resumed run draws exactly what the uninterrupted run would have.
 */
public final class CounterRng {
  private static final float TWO_POW_MINUS_24 = 0x1.0p-24f;

  private CounterRng() {}

  /**
   * A uniform value in [0, 1), a multiple of 2^-24, so that it is exact in f32 and f64
   * alike and every consumer compares the same number.
   */
  public static float uniform(long seed, long step, int stream, long element) {
    int bits = Philox.word((int) (element >>> 34), stream, (int) step, (int) seed, (int) (seed >>> 32), element);
    return (bits >>> 8) * TWO_POW_MINUS_24;
  }

  /**
   * A standard normal value by Box-Muller from two uniform draws at elements 2i and 2i+1
   * of the stream.
   */
  public static double normal(long seed, long step, int stream, long element) {
    return boxMuller(uniform(seed, step, stream, 2 * element), uniform(seed, step, stream, 2 * element + 1));
  }

  /** The standard normal value {@link #normal} makes from its two uniform draws. */
  public static double boxMuller(double u1, double u2) {
    double radius = Math.sqrt(-2.0 * Math.log(1.0 - u1)); // 1 - u1 is in (0, 1]
    return radius * Math.cos(2.0 * Math.PI * u2);
  }

  /**
   * {@code count} consecutive uniform draws, elements {@code first ...}, into {@code out}
   * from {@code offset}: each the value {@link #uniform} gives, but computing each Philox
   * block once for the four elements it holds instead of once per element.
   */
  public static void uniforms(long seed, long step, int stream, long first, float[] out, int offset, int count) {
    int[] words = new int[4];
    long end = first + count;
    long element = first;
    while (element < end) {
      Philox.block((int) (element >>> 2), (int) (element >>> 34), stream, (int) step, (int) seed, (int) (seed >>> 32),
          words);
      do {
        out[offset + (int) (element - first)] = (words[(int) (element & 3)] >>> 8) * TWO_POW_MINUS_24;
        element++;
      } while (element < end && (element & 3) != 0);
    }
  }
}
