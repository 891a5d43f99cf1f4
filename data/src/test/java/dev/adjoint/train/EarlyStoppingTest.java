package dev.adjoint.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What counts as an improvement. */
class EarlyStoppingTest {
  private final EarlyStopping minimize = new EarlyStopping("val_loss", 3, 0, false, true);
  private final EarlyStopping maximize = new EarlyStopping("val_accuracy", 3, 0, true, true);

  @Test
  void aFirstFiniteValueImproves() {
    assertTrue(minimize.improves(3.5, Double.NaN));
    assertTrue(minimize.improves(3.0, 3.5));
    assertFalse(minimize.improves(3.5, 3.0));
  }

  @Test
  void aNonFiniteValueNeverImproves() {
    for (double v : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertFalse(minimize.improves(v, Double.NaN), "first epoch " + v);
      assertFalse(minimize.improves(v, 1.0), "after 1.0: " + v);
      assertFalse(maximize.improves(v, Double.NaN), "maximized, first epoch " + v);
      assertFalse(maximize.improves(v, 0.5), "maximized, after 0.5: " + v);
    }
  }
}
