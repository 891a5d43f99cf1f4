package dev.adjoint.compiler.interp;

import dev.adjoint.runtime.ops.Erf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** erf against reference values (correctly rounded libm results) to 1e-14 relative, across both methods. */
class ErfTest {
  private static final double[][] REFERENCE = {
    {1e-10, 1.1283791670955126e-10},
    {0.01, 0.011283415555849616},
    {0.1, 0.1124629160182849},
    {0.25, 0.2763263901682369},
    {0.5, 0.5204998778130465},
    {0.75, 0.7111556336535151},
    {1, 0.8427007929497149},
    {1.25, 0.9229001282564582},
    {1.5, 0.9661051464753108},
    {2, 0.9953222650189527},
    {2.5, 0.999593047982555},
    {2.9, 0.9999589021219005},
    {2.999, 0.9999777698314002},
    {3, 0.9999779095030014},
    {3.001, 0.9999780483390822},
    {3.1, 0.9999883513426328},
    {3.5, 0.9999992569016276},
    {4, 0.9999999845827421},
    {4.5, 0.9999999998033839},
    {5, 0.9999999999984626},
    {5.5, 0.9999999999999927},
    {5.9, 0.9999999999999999},
  };

  @Test
  void matchesReferenceValuesAndIsOdd() {
    for (double[] row : REFERENCE) {
      double x = row[0];
      double expected = row[1];
      assertEquals(expected, Erf.erf(x), 1e-14 * expected, () -> "erf(" + x + ")");
      assertEquals(-expected, Erf.erf(-x), 1e-14 * expected, () -> "erf(" + -x + ")");
    }
  }

  @Test
  void namedValuesFromTheBrief() {
    assertEquals(0.8427007929497149, Erf.erf(1), 1e-14);
    assertEquals(-0.9661051464753108, Erf.erf(-1.5), 1e-14);
  }

  @Test
  void limits() {
    assertEquals(0.0, Erf.erf(0), 0.0);
    assertEquals(1.0, Erf.erf(6), 0.0);
    assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY), 0.0);
    assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY), 0.0);
    assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
  }

  @Test
  void isMonotoneAcrossTheMethodBoundary() {
    double previous = Erf.erf(2.99);
    for (double x = 2.991; x <= 3.01; x += 0.001) {
      double next = Erf.erf(x);
      assertTrue(next > previous, "erf should increase at " + x);
      previous = next;
    }
  }
}
