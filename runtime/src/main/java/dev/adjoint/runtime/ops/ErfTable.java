package dev.adjoint.runtime.ops;

/**
 * erf of a float, within one float ulp of {@code (float) Erf.erf(x)} and far cheaper: GELU
 * calls it for every element of its input in training and inference, and {@link Erf}'s
 * series takes dozens of terms and an exponential per call. One formula over the whole
 * range, without a branch (GELU's inputs fall on both sides of any threshold at random, and
 * a mispredicted branch cost more than the arithmetic): cubic Hermite interpolation between
 * values and slopes tabulated every 1/64 from {@link Erf}, of |x| clamped to 4 (erfc(4) =
 * 1.5e-8 is under half a float ulp of 1, and the table ends on erf(4), which rounds to 1).
 * The first interval needs no series: the interpolant matches erf's value 0 and slope at 0,
 * and erf's fourth derivative vanishes there, so its error relative to erf stays under
 * 1e-9 however small x is; elsewhere the error is under 1e-9 absolute where erf is above
 * 0.017. Computed in double, rounded once; NaN gives NaN, -0 gives -0.
 */
final class ErfTable {
  private static final double SATURATION = 4;
  private static final int PER_UNIT = 64;
  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
  /**
   * Per interval i (of 4·64 + 1), the cubic's coefficients in powers of t, the position
   * within the interval: c0 + t·(c1 + t·(c2 + t·c3)), at {@code 4i} to {@code 4i + 3}.
   */
  private static final double[] CUBICS = new double[4 * ((int) SATURATION * PER_UNIT + 1)];

  static {
    for (int i = 0; i < CUBICS.length / 4; i++) {
      double v0 = Erf.erf((double) i / PER_UNIT), v1 = Erf.erf((double) (i + 1) / PER_UNIT);
      double s0 = slope(i), s1 = slope(i + 1);
      CUBICS[4 * i] = v0;
      CUBICS[4 * i + 1] = s0;
      CUBICS[4 * i + 2] = 3 * (v1 - v0) - 2 * s0 - s1;
      CUBICS[4 * i + 3] = 2 * (v0 - v1) + s0 + s1;
    }
  }

  private ErfTable() {}

  /** erf'(i / 64) / 64: the slope in units of the table's step. */
  private static double slope(int i) {
    double x = (double) i / PER_UNIT;
    return TWO_OVER_SQRT_PI * Math.exp(-x * x) / PER_UNIT;
  }

  /*
   * Each method below stays under HotSpot's MaxInlineSize (35 bytes of bytecode): C2
   * inlines a larger callee only at a call site its profile marks hot, and a loop compiled
   * before its profile is complete (or at a tier without one) then calls erf out of line,
   * four times slower (GELU's loop went from 5 to 20 ns an element).
   */
  static float erf(float x) {
    return (float) Math.copySign(ofMagnitude(Math.abs((double) x)), x);
  }

  /**
   * erf(a) for a ≥ 0 or NaN, clamped by a comparison: HotSpot 17's {@code Math.min} of
   * doubles made GELU's loop three times slower.
   */
  private static double ofMagnitude(double a) {
    return inSteps((a > SATURATION ? SATURATION : a) * PER_UNIT);
  }

  /** erf(s / 64) for s in [0, 256]. */
  private static double inSteps(double s) {
    int i = (int) s;
    return cubic(4 * i, s - i);
  }

  private static double cubic(int k, double t) {
    double[] c = CUBICS;
    return c[k] + t * (c[k + 1] + t * (c[k + 2] + t * c[k + 3]));
  }
}
