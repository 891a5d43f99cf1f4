package dev.adjoint.runtime.ops;

/**
 * The error function to within a few ulps, since {@link Math} has none. Below 3 it sums the
 * series erf(x) = 2/√π · e^(-x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), whose terms are all
 * positive so nothing cancels; above 3 it takes 1 - erfc(x) with erfc from its continued
 * fraction, where erfc is below 3e-5 so its own error hardly shows in the result.
 */
public final class Erf {
  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
  private static final double ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);
  private static final double SERIES_LIMIT = 3;
  /** erfc(6) is 2e-17, below half an ulp of 1. */
  private static final double SATURATION = 6;
  private static final int MAX_TERMS = 10_000;

  private Erf() {}

  public static double erf(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    double ax = Math.abs(x);
    double magnitude;
    if (ax >= SATURATION) {
      magnitude = 1;
    } else if (ax < SERIES_LIMIT) {
      magnitude = series(ax);
    } else {
      magnitude = 1 - erfcContinuedFraction(ax);
    }
    return x < 0 ? -magnitude : magnitude;
  }

  /** The all-positive series; x in [0, 3). */
  private static double series(double x) {
    double twoXSquared = 2 * x * x;
    double term = 1;
    double sum = 1;
    for (int n = 0; n < MAX_TERMS; n++) {
      term *= twoXSquared / (2 * n + 3);
      sum += term;
      if (term < sum * 1e-17) {
        break;
      }
    }
    return TWO_OVER_SQRT_PI * x * Math.exp(-x * x) * sum;
  }

  /**
   * erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated by
   * the modified Lentz method; x ≥ 3.
   */
  private static double erfcContinuedFraction(double x) {
    double tiny = 1e-300;
    double f = x;
    double c = f;
    double d = 0;
    for (int n = 1; n < MAX_TERMS; n++) {
      double a = n / 2.0;
      d = x + a * d;
      d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
      c = x + a / c;
      if (Math.abs(c) < tiny) {
        c = tiny;
      }
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return ONE_OVER_SQRT_PI * Math.exp(-x * x) / f;
  }
}
