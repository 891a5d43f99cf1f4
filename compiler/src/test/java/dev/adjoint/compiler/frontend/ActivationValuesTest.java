package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.assertClose;
import static dev.adjoint.compiler.frontend.Programs.assertFinite;
import static dev.adjoint.compiler.frontend.Programs.assertValues;
import static dev.adjoint.compiler.frontend.Programs.row;
import static dev.adjoint.compiler.frontend.Programs.row1;
import static dev.adjoint.compiler.frontend.Programs.rows;
import static dev.adjoint.compiler.frontend.Programs.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.interp.F64Tensor;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The values of the activation built-ins, compiled from .nn text and run by the reference
 * interpreter, against closed forms written out here or numbers computed elsewhere (the
 * exact GELU values come from mpmath at 40 digits).
 */
class ActivationValuesTest {

  private static double[] map(double[] x, DoubleUnaryOperator f) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = f.applyAsDouble(x[i]);
    }
    return out;
  }

  @Test
  @Covers("sigmoid")
  void sigmoidIsTheLogisticFunctionAndSaturatesAtPlusMinus40() {
    double[] x = {-40, -5, -0.5, 0, 0.5, 5, 40};
    F64Tensor y = row1("sigmoid(x)", x);
    assertValues(y, shape(1, 7), map(x, v -> 1 / (1 + Math.exp(-v))));
    assertEquals(0.5, y.get(0, 3));
    assertTrue(y.get(0, 0) > 0 && y.get(0, 0) < 1e-17, "sigmoid(-40) is tiny but positive: " + y.get(0, 0));
    assertEquals(1.0, y.get(0, 6));
  }

  @Test
  @Covers("tanh")
  void tanhIsTheHyperbolicTangent() {
    double[] x = {-20, -2, -0.5, 0, 0.25, 1, 20};
    F64Tensor y = row1("tanh(x)", x);
    assertValues(y, shape(1, 7), map(x, v -> (Math.exp(2 * v) - 1) / (Math.exp(2 * v) + 1)));
  }

  @Test
  @Covers("relu")
  void reluClampsNegativesToZero() {
    assertValues(row1("relu(x)", -2, -1e-300, 0, 1e-300, 3.5), shape(1, 5), 0, 0, 0, 1e-300, 3.5);
  }

  @Test
  @Covers({"silu", "swish"})
  void siluAndSwishAreXTimesSigmoid() {
    double[] x = {-30, -2, -0.5, 0, 0.5, 2, 30};
    double[] expected = map(x, v -> v / (1 + Math.exp(-v)));
    assertValues(row1("silu(x)", x), shape(1, 7), expected);
    assertValues(row1("swish(x)", x), shape(1, 7), expected);
  }

  @Test
  @Covers("swiglu")
  void swigluGatesTheSecondHalfWithSiluOfTheFirst() {
    DoubleUnaryOperator silu = v -> v / (1 + Math.exp(-v));
    F64Tensor y = rows("swiglu(x)", row(1, -2, 3, 0.5), row(0, 4, -1, 2));
    assertValues(y, shape(2, 2),
        silu.applyAsDouble(1) * 3, silu.applyAsDouble(-2) * 0.5,
        0, silu.applyAsDouble(4) * 2);
  }

  @Test
  @Covers("swiglu")
  void swigluRejectsAnOddWidth() {
    Programs.assertRejects("model t {\n  input x: f64[B, 3]\n  output y = swiglu(x)\n}\n",
        "3:14", "must be even", "f64[B,3]");
  }

  @Test
  @Covers("leaky_relu")
  void leakyReluDefaultSlopeIsOneHundredth() {
    assertValues(row1("leaky_relu(x)", -3, -0.5, 0, 2), shape(1, 4), -0.03, -0.005, 0, 2);
  }

  @Test
  @Covers("leaky_relu")
  void leakyReluWithSlopeAboveOneKeepsPositivesUnscaled() {
    // max(x, slope * x) would give 3 for x = 2; the definition is x for x > 0
    assertValues(row1("leaky_relu(x, slope = 1.5)", -3, -0.5, 0, 2), shape(1, 4), -4.5, -0.75, 0, 2);
    assertValues(row1("leaky_relu(x, 0.2)", -10, 10), shape(1, 2), -2, 10);
  }

  /** x·Φ(x) at these points, from mpmath with 40 digits. */
  private static final double[] GELU_X = {1, -1, 2, 0.5, -3, 3, -0.25, 0, 5};
  private static final double[] GELU_EXACT = {0.8413447460685429, -0.15865525393145705, 1.9544997361036416,
      0.34573123063700656, -0.0040496940948902835, 2.99595030590511, -0.10032341857926907, 0, 4.999998566742141};

  @Test
  @Covers("gelu")
  void geluIsExactByDefault() {
    F64Tensor y = row1("gelu(x)", GELU_X);
    assertValues(y, shape(1, GELU_X.length), GELU_EXACT);
    assertClose(0.8413447460685429, y.get(0, 0), "gelu(1)");
    assertValues(row1("gelu(x, approximate = none)", GELU_X), shape(1, GELU_X.length), GELU_EXACT);
  }

  @Test
  @Covers("gelu")
  void geluWithTanhApproximation() {
    double c = Math.sqrt(2 / Math.PI);
    double[] expected = map(GELU_X, v -> 0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v * v * v))));
    F64Tensor y = row1("gelu(x, approximate = tanh)", GELU_X);
    assertValues(y, shape(1, GELU_X.length), expected);
    // the approximation is close to the exact GELU but not equal to it
    assertClose(0.8411919906082768, y.get(0, 0));
    for (int i = 0; i < GELU_X.length; i++) {
      assertEquals(GELU_EXACT[i], y.get(0, i), 1e-3);
    }
    assertTrue(Math.abs(y.get(0, 0) - GELU_EXACT[0]) > 1e-4);
  }

  @Test
  @Covers("softplus")
  void softplusIsStableAtPlusMinus100() {
    double[] x = {-100, -2, 0, 0.5, 3, 100};
    F64Tensor y = row1("softplus(x)", x);
    double[] expected = map(x, v -> Math.log(1 + Math.exp(v)));
    expected[0] = Math.exp(-100); // log(1 + ε) = ε to 44 digits; the naive form gives 0
    expected[5] = 100; // 100 + log(1 + e^-100) rounds to 100
    assertValues(y, shape(1, 6), expected);
    assertClose(Math.log(2), y.get(0, 2), "softplus(0)");
    assertTrue(y.get(0, 0) > 0);
  }

  @Test
  @Covers("softplus")
  void softplusWithBetaIsLogOnePlusExpBetaXOverBeta() {
    double[] x = {-100, -1, 0, 0.3, 1, 100};
    double[] expected = map(x, v -> Math.log(1 + Math.exp(2 * v)) / 2);
    expected[0] = Math.exp(-200) / 2;
    expected[5] = 100;
    assertValues(row1("softplus(x, beta = 2)", x), shape(1, 6), expected);
    double[] half = map(new double[] {-4, 0, 4}, v -> Math.log(1 + Math.exp(0.5 * v)) / 0.5);
    assertValues(row1("softplus(x, beta = 0.5)", -4, 0, 4), shape(1, 3), half);
  }

  @Test
  @Covers("softplus")
  void softplusRejectsANonPositiveBeta() {
    Programs.assertRejects("model t {\n  input x: f64[B, 3]\n  output y = softplus(x, beta = 0)\n}\n",
        "3:33", "'beta' must be positive, got 0");
  }

  @Test
  @Covers("softmax")
  void softmaxOfExtremeLogits() {
    F64Tensor y = rows("softmax(x)", row(1000, 1000, 1000), row(-1000, 0, 1000), row(1, 2, 3), row(-1000, -1000, -999));
    double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    double w = 2 + Math.E;
    assertValues(y, shape(4, 3),
        1.0 / 3, 1.0 / 3, 1.0 / 3,
        0, 0, 1,
        Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z,
        1 / w, 1 / w, Math.E / w);
  }

  @Test
  @Covers("softmax")
  void softmaxAlongAnotherAxis() {
    F64Tensor y = rows("softmax(x, axis = 0)", row(0, 1, 5), row(Math.log(3), 1, -5));
    double e10 = Math.exp(10);
    assertValues(y, shape(2, 3), 0.25, 0.5, e10 / (1 + e10), 0.75, 0.5, 1 / (1 + e10));
    F64Tensor z = rows("softmax(x, axis = -2)", row(0, 1, 5), row(Math.log(3), 1, -5));
    assertValues(z, shape(2, 3), 0.25, 0.5, e10 / (1 + e10), 0.75, 0.5, 1 / (1 + e10));
  }

  @Test
  @Covers("log_softmax")
  void logSoftmaxOfLargeLogitsIsFinite() {
    F64Tensor y = rows("log_softmax(x)", row(1000, 0, -1000), row(1, 2, 3), row(-1000, -1000, -1000),
        row(1000, 1000, 1000));
    double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    assertFinite(y);
    assertValues(y, shape(4, 3),
        0, -1000, -2000,
        1 - lse, 2 - lse, 3 - lse,
        -Math.log(3), -Math.log(3), -Math.log(3),
        -Math.log(3), -Math.log(3), -Math.log(3));
  }

  @Test
  @Covers("log_softmax")
  void logSoftmaxAlongTheBatchAxis() {
    F64Tensor y = rows("log_softmax(x, axis = 0)", row(0, 7), row(Math.log(3), 7));
    assertValues(y, shape(2, 2), Math.log(0.25), -Math.log(2), Math.log(0.75), -Math.log(2));
  }
}
