package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.assertValues;
import static dev.adjoint.compiler.frontend.Programs.row1;
import static dev.adjoint.compiler.frontend.Programs.shape;

import org.junit.jupiter.api.Test;

/** The values of the trigonometric, rounding and reciprocal built-ins, logsumexp, norm, cumsum and stop_gradient. */
class AnalysisValuesTest {

  @Test
  @Covers({"sin", "cos", "erf"})
  void trigonometryAndErf() {
    assertValues(row1("sin(x)", 0, Math.PI / 6, -Math.PI / 2), shape(1, 3), 0, 0.49999999999999994, -1);
    assertValues(row1("cos(x)", 0, Math.PI / 3, Math.PI), shape(1, 3), 1, 0.5000000000000001, -1);
    assertValues(row1("erf(x)", 0, 0.5, -1.5), shape(1, 3), 0, 0.5204998778130465, -0.9661051464753108);
  }

  @Test
  @Covers({"sign", "floor", "round"})
  void stepFunctions() {
    assertValues(row1("sign(x)", -2.5, 0, 0.1), shape(1, 3), -1, 0, 1);
    assertValues(row1("floor(x)", -2.5, 0, 1.9), shape(1, 3), -3, 0, 1);
    assertValues(row1("round(x)", -2.5, 0.5, 1.5, 1.6), shape(1, 4), -2, 0, 2, 2);
  }

  @Test
  @Covers({"reciprocal", "rsqrt"})
  void reciprocals() {
    assertValues(row1("reciprocal(x)", 4, -0.5), shape(1, 2), 0.25, -2);
    assertValues(row1("rsqrt(x)", 4, 0.25), shape(1, 2), 0.5, 2);
  }

  @Test
  @Covers("logsumexp")
  void logsumexpDoesNotOverflow() {
    assertValues(row1("logsumexp(x, axis = 1)", 0, Math.log(3)), shape(1), Math.log(4));
    assertValues(row1("logsumexp(x, axis = 1)", 1000, 1000), shape(1), 1000 + Math.log(2));
    assertValues(row1("logsumexp(x, axis = -1, keepdims = true)", -1000, -1000, -1000), shape(1, 1),
        -1000 + Math.log(3));
  }

  @Test
  @Covers("norm")
  void normIsEuclidean() {
    assertValues(row1("norm(x, axis = 1)", 3, -4), shape(1), 5);
    assertValues(row1("norm(x, axis = 1, keepdims = true)", 0, 0), shape(1, 1), 0);
  }

  @Test
  @Covers("cumsum")
  void cumsumRunsAlongTheAxis() {
    assertValues(row1("cumsum(x, axis = 1)", 1, 2, 3, 4, 5), shape(1, 5), 1, 3, 6, 10, 15);
    assertValues(row1("cumsum(x, axis = -1)", 7), shape(1, 1), 7);
    Programs.assertRejects("model t {\n  input x: f64[B, 2]\n  output y = cumsum(x, axis = 0)\n}\n",
        "3:14", "along the batch axis B would mix the samples");
  }

  @Test
  @Covers("stop_gradient")
  void stopGradientKeepsTheValue() {
    assertValues(row1("stop_gradient(x) * 2", -1.5, 3), shape(1, 2), -3, 6);
  }
}
