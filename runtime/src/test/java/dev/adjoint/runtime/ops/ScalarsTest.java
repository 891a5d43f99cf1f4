package dev.adjoint.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The float forms of tanh and log1p that generated code calls instead of HotSpot 17's native
 * {@code Math.tanh} and {@code Math.log1p}, and of erf (a table in place of a series): within one float ulp of the double function
 * rounded to float, over every scale of input (random bit patterns, tiny and huge values,
 * the switch-over near 2^-12) and at the special values.
 */
class ScalarsTest {
  @Test
  void tanhIsWithinOneUlp() {
    sweep("tanh", x -> true, Scalars::tanh, Math::tanh);
    assertEquals(1f, Scalars.tanh(1000f));
    assertEquals(-1f, Scalars.tanh(Float.NEGATIVE_INFINITY));
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(Scalars.tanh(-0f)), "tanh(-0) = -0");
    assertTrue(Float.isNaN(Scalars.tanh(Float.NaN)));
  }

  @Test
  void log1pIsWithinOneUlp() {
    sweep("log1p", x -> x > -1, Scalars::log1p, Math::log1p);
    assertEquals(Float.NEGATIVE_INFINITY, Scalars.log1p(-1f));
    assertTrue(Float.isNaN(Scalars.log1p(-2f)));
    assertEquals(Float.POSITIVE_INFINITY, Scalars.log1p(Float.POSITIVE_INFINITY));
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(Scalars.log1p(-0f)), "log1p(-0) = -0");
  }

  @Test
  void expIsWithinOneUlp() {
    sweep("exp", x -> true, Scalars::exp, Math::exp);
    for (int i = -200 * 64; i <= 200 * 64; i++) {
      float x = i / 64f; // every scale the float exp reaches, its overflow past 88.7 and underflow below -103
      float expected = (float) Math.exp(x);
      float actual = Scalars.exp(x);
      assertTrue(actual == expected || Math.abs(actual - expected) <= Math.ulp(expected), "exp(" + x + ") = " + actual
          + ", expected " + expected);
    }
    assertEquals(1f, Scalars.exp(0f));
    assertEquals(1f, Scalars.exp(-0f));
    assertEquals((float) Math.E, Scalars.exp(1f));
    assertEquals(Float.POSITIVE_INFINITY, Scalars.exp(89f));
    assertEquals(Float.POSITIVE_INFINITY, Scalars.exp(Float.POSITIVE_INFINITY));
    assertEquals(0f, Scalars.exp(-104f));
    assertEquals(0f, Scalars.exp(Float.NEGATIVE_INFINITY));
    assertTrue(Float.isNaN(Scalars.exp(Float.NaN)));
  }

  @Test
  void theDoubleExpIsWithinAFewUlpsOfMathExp() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    for (int n = 0; n < 200_000; n++) {
      double x = random.nextDouble(-200, 200);
      double expected = Math.exp(x);
      assertTrue(Math.abs(ExpTable.exp(x) - expected) <= 2 * Math.ulp(expected), "exp(" + x + ")");
    }
    assertEquals(Math.exp(-200), ExpTable.exp(-1e30), 1e-100, "clamped at -200");
    assertTrue(Double.isNaN(ExpTable.exp(Double.NaN)));
  }

  @Test
  void sigmoidIsWithinOneUlp() {
    sweep("sigmoid", x -> true, Scalars::sigmoid, Scalars::sigmoid);
    assertEquals(1f, Scalars.sigmoid(1000f));
    assertEquals(0f, Scalars.sigmoid(-1000f));
    assertEquals(0.5f, Scalars.sigmoid(0f));
    assertTrue(Float.isNaN(Scalars.sigmoid(Float.NaN)));
  }

  @Test
  void erfIsWithinOneUlp() {
    sweep("erf", x -> true, Scalars::erf, Erf::erf);
    for (int i = -4 * 64 * 8; i <= 4 * 64 * 8; i++) {
      float x = i / 512f; // every table node, the points between them and the clamp at 4
      float expected = (float) Erf.erf(x);
      assertTrue(Math.abs(Scalars.erf(x) - expected) <= Math.ulp(expected), "erf(" + x + ") = " + Scalars.erf(x)
          + ", expected " + expected);
    }
    for (int i = 1; i <= 1 << 16; i++) {
      float x = i * 0x1p-22f; // the first interval, where the interpolant must stay within an ulp of a tiny erf
      float expected = (float) Erf.erf(x);
      assertTrue(Math.abs(Scalars.erf(x) - expected) <= Math.ulp(expected), "erf(" + x + ") = " + Scalars.erf(x)
          + ", expected " + expected);
    }
    assertEquals((float) Erf.erf(Float.MIN_NORMAL), Scalars.erf(Float.MIN_NORMAL));
    assertEquals((float) Erf.erf(1e-30f), Scalars.erf(1e-30f));
    assertEquals(1f, Scalars.erf(4f));
    assertEquals(1f, Scalars.erf(1e30f));
    assertEquals(-1f, Scalars.erf(Float.NEGATIVE_INFINITY));
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(Scalars.erf(-0f)), "erf(-0) = -0");
    assertTrue(Float.isNaN(Scalars.erf(Float.NaN)));
  }

  private interface FloatFunction {
    float apply(float x);
  }

  private interface FloatTest {
    boolean test(float x);
  }

  private static void sweep(String name, FloatTest domain, FloatFunction fast, DoubleUnaryOperator exact) {
    SplittableRandom random = new SplittableRandom(11);
    int checked = 0;
    for (int n = 0; n < 400_000; n++) {
      float x = switch (n % 4) {
        case 0 -> Float.intBitsToFloat(random.nextInt());                    // every exponent
        case 1 -> (float) random.nextDouble(-20, 20);                        // where the curve bends
        case 2 -> (float) (random.nextDouble(-1, 1) * 0x1p-12 * 4);         // around the switch-over
        default -> (float) random.nextDouble(-1e-6, 1e-6);                  // tiny
      };
      if (Float.isNaN(x) || Float.isInfinite(x) || !domain.test(x)) {
        continue;
      }
      float expected = (float) exact.applyAsDouble(x);
      float actual = fast.apply(x);
      assertTrue(actual == expected || Math.abs(actual - expected) <= Math.ulp(expected),
          name + "(" + x + ") = " + actual + ", expected " + expected);
      checked++;
    }
    assertTrue(checked > 250_000, "checked " + checked);
  }

  /** Both sides of zero without cancellation: 1/(1 + e^-x) above, e^x/(1 + e^x) below, bit for bit. */
  @Test
  void sigmoidIsTheStableFormOnEachSide() {
    SplittableRandom random = new SplittableRandom(16);
    for (int i = 0; i < 100_000; i++) {
      double x = (random.nextDouble() - 0.5) * (i % 2 == 0 ? 20 : 1500);
      double expected = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
      assertEquals(expected, Scalars.sigmoid(x), "sigmoid(" + x + ")");
      float f = (float) x;
      assertEquals((float) Scalars.sigmoid((double) f), Scalars.sigmoid(f), "sigmoid((float) " + x + ")");
    }
    assertEquals(0.5, Scalars.sigmoid(-0.0));
    assertEquals(0.5, Scalars.sigmoid(0.0));
    assertEquals(1.0, Scalars.sigmoid(Double.POSITIVE_INFINITY));
    assertEquals(0.0, Scalars.sigmoid(Double.NEGATIVE_INFINITY));
    assertEquals(Math.exp(-700), Scalars.sigmoid(-700.0), Math.ulp(Math.exp(-700)));
    assertTrue(Scalars.sigmoid(-745.0) > 0, "e^-745 is still a subnormal, not 0");
    assertTrue(Double.isNaN(Scalars.sigmoid(Double.NaN)));
    assertEquals(1.0 - 0.2689414213699951, Scalars.sigmoid(1.0), 1e-16);
  }
}
