package dev.adjoint.compiler.gradcheck;

import java.util.Arrays;

/**
 * One comparison of one tensor's gradient: how many elements were compared, the largest
 * absolute error, the largest relative error |a - b| / max(|a|, |b|) (0 where both are 0),
 * the element that came closest to failing (or failed by most), and whether every compared
 * element was within tolerance.
 *
 * @param tensor the input or parameter, by its .nn name
 * @param comparison what was compared with what
 * @param checked elements compared
 * @param size elements of the tensor
 * @param maxAbs the largest |a - b|
 * @param maxRel the largest |a - b| / max(|a|, |b|)
 * @param worst the index of the element with the largest error relative to its tolerance
 * @param passed whether every compared element was within tolerance
 */
public record CheckRow(String tensor, Comparison comparison, int checked, int size, double maxAbs, double maxRel,
    int[] worst, boolean passed) {

  /** The two comparisons of each tensor. */
  public enum Comparison {
    /** The f64 symbolic gradient against central differences in f64, on sampled elements. */
    FINITE_DIFFERENCES("f64 vs finite differences"),
    /** The compiled gradient (the model's precision, f32 usually) against the f64 symbolic one, on every element. */
    COMPILED("compiled vs f64");

    private final String text;

    Comparison(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  public CheckRow {
    worst = worst.clone();
  }

  @Override
  public int[] worst() {
    return worst.clone();
  }

  /** {@code [1, 17]}. */
  public String worstText() {
    return Arrays.toString(worst);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CheckRow r && tensor.equals(r.tensor) && comparison == r.comparison && checked == r.checked
        && size == r.size && Double.compare(maxAbs, r.maxAbs) == 0 && Double.compare(maxRel, r.maxRel) == 0
        && Arrays.equals(worst, r.worst) && passed == r.passed;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(tensor, comparison, checked, size, maxAbs, maxRel, Arrays.hashCode(worst), passed);
  }

  @Override
  public String toString() {
    return tensor + " " + comparison.text() + ": max abs " + maxAbs + ", max rel " + maxRel + " at " + worstText()
        + (passed ? "" : " FAILED");
  }
}
