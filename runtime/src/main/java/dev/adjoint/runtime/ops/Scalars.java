package dev.adjoint.runtime.ops;

/**
 * Scalar functions that {@link Math} lacks, written to be stable, for generated loops.
 * Each has an f32 and an f64 form computed in double, as the reference interpreter does.
 * Every method here (and in {@link ErfTable}) stays within HotSpot's MaxInlineSize of 35
 * bytecode bytes, split into helpers where needed: C2 inlines a larger callee only where its
 * profile marks the call hot, and a generated loop compiled without that profile called
 * erf out of line at four times the cost ({@code ScalarsInliningTest} holds the limit).
 */
public final class Scalars {
  private Scalars() {}

  /**
   * 1/(1 + e^-x) for x ≥ 0, e^x/(1 + e^x) below (no cancellation either way), with one
   * exponential of -|x| and a select rather than a branch: a gate's inputs change sign at
   * random, and a mispredicted branch cost more than the exponential.
   */
  public static double sigmoid(double x) {
    return sigmoidOf(x, Math.exp(-Math.abs(x)));
  }

  /** The float form takes its exponential from {@link ExpTable}: HotSpot 17's is a slow stub. */
  public static float sigmoid(float x) {
    return (float) sigmoidOf(x, ExpTable.exp(-Math.abs((double) x)));
  }

  /** The sigmoid of x given e = e^-|x|. */
  private static double sigmoidOf(double x, double e) {
    return (x >= 0 ? 1 : e) / (1 + e);
  }

  /** e^x of a float from {@link ExpTable}: within a float ulp of {@code (float) Math.exp(x)}. */
  public static float exp(float x) {
    return (float) ExpTable.exp(x);
  }

  public static double erf(double x) {
    return Erf.erf(x);
  }

  /** erf of a float from a table (see {@link ErfTable}), within one float ulp of the double function. */
  public static float erf(float x) {
    return ErfTable.erf(x);
  }

  /** Binary cross-entropy of sigmoid(z) against y: max(z, 0) - z·y + log1p(e^-|z|). */
  public static double sigmoidBce(double z, double y) {
    return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
  }

  public static float sigmoidBce(float z, float y) {
    return (float) sigmoidBce((double) z, (double) y);
  }

  /**
   * tanh of a float, within one float ulp of {@code (float) Math.tanh(x)} and about ten
   * times faster: HotSpot 17 calls into native code for {@code Math.tanh} and
   * {@code Math.log1p}, and its {@code Math.exp} is an out-of-line stub too, so the
   * exponential comes from {@link ExpTable}. Computed in double as 1 - 2/(e^(2|x|) + 1),
   * which for |x| above 2^-12 keeps over 40 good bits; below, x - x³/3 is exact to float
   * precision.
   */
  public static float tanh(float x) {
    return (float) Math.copySign(tanhOfMagnitude(Math.abs((double) x)), x);
  }

  private static double tanhOfMagnitude(double a) {
    return a < TINY ? tanhSeries(a) : 1 - 2 / (ExpTable.exp(2 * a) + 1);
  }

  private static double tanhSeries(double a) {
    return a - a * a * a / 3;
  }

  /**
   * log(1 + x) of a float, within one float ulp of {@code (float) Math.log1p(x)}: in
   * double, 1 + x is exact for |x| of 2^-12 and more, and Math.log of it keeps the float's
   * precision; below, x - x²/2 + x³/3.
   */
  public static float log1p(float x) {
    double d = x;
    return (float) (Math.abs(d) < TINY ? log1pSeries(d) : Math.log(1 + d));
  }

  private static double log1pSeries(double d) {
    return d - d * d / 2 + d * d * d / 3;
  }

  /** Below this magnitude the short series are exact to float precision. */
  private static final double TINY = 0x1p-12;

  /** 1 where a &gt; b else 0, as the comparison ops compute it. */
  public static float greater(float a, float b) {
    return a > b ? 1f : 0f;
  }
}
