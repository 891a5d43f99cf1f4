package dev.adjoint.runtime.ops;

/**
 * Scalar functions that {@link Math} lacks, written to be stable, for generated loops.
 * Each has an f32 and an f64 form computed in double, as the reference interpreter does.
 */
public final class Scalars {
  private Scalars() {}

  /** 1/(1 + e^-x), without overflow for large |x|. */
  public static double sigmoid(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }

  public static float sigmoid(float x) {
    return (float) sigmoid((double) x);
  }

  public static double erf(double x) {
    return Erf.erf(x);
  }

  public static float erf(float x) {
    return (float) Erf.erf(x);
  }

  /** Binary cross-entropy of sigmoid(z) against y: max(z, 0) - z·y + log1p(e^-|z|). */
  public static double sigmoidBce(double z, double y) {
    return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
  }

  public static float sigmoidBce(float z, float y) {
    return (float) sigmoidBce((double) z, (double) y);
  }

  /** 1 where a &gt; b else 0, as the comparison ops compute it. */
  public static float greater(float a, float b) {
    return a > b ? 1f : 0f;
  }
}
