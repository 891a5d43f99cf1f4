package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.assertRejects;
import static dev.adjoint.compiler.frontend.Programs.assertValues;
import static dev.adjoint.compiler.frontend.Programs.mat;
import static dev.adjoint.compiler.frontend.Programs.row;
import static dev.adjoint.compiler.frontend.Programs.row1;
import static dev.adjoint.compiler.frontend.Programs.rows;
import static dev.adjoint.compiler.frontend.Programs.shape;

import dev.adjoint.compiler.ir.Graph;
import org.junit.jupiter.api.Test;

/**
 * The values of grad and jvp, taken while the graph is built, and the calls they reject:
 * each diagnostic at the call, naming what would have made the derivative zero.
 */
class DifferentiationValuesTest {

  @Test
  @Covers("grad")
  void gradOfAnInputIsShapedLikeIt() {
    // d/dx Σ x³ = 3x², each sample's own row, as samples do not mix
    assertValues(rows("grad(sum(x * x * x), x)", row(1, -2), row(0.5, 3)), shape(2, 2), 3, 12, 0.75, 27);
    // mean over the batch divides by its size
    assertValues(rows("grad(mean(x * x), x)", row(1, -2), row(0.5, 3)), shape(2, 2), 0.5, -1, 0.25, 1.5);
  }

  @Test
  @Covers("grad")
  void gradOfAParameterAndOfAnIntermediateValue() {
    Graph g = Programs.graph("""
        model t {
          input x: f64[B, 2]
          param w: f64[2, 1]
          h = x * 3
          output gw = grad(sum(x @ w), w)
          output gh = grad(sum(h * h), h)
          output gx = grad(sum(h * h), x)
        }
        """);
    var at = Programs.run(g).input("x", mat(row(1, 2), row(3, 4))).param("w", mat(row(5), row(6))).evaluate();
    assertValues(at.output("gw"), shape(2, 1), 4, 6);
    assertValues(at.output("gh"), shape(2, 2), 6, 12, 18, 24);
    assertValues(at.output("gx"), shape(2, 2), 18, 36, 54, 72);
  }

  @Test
  @Covers("grad")
  void stopGradientInsideGradIsAConstant() {
    // d/dx Σ x·sg(x) = sg(x): the stopped factor contributes no derivative
    assertValues(row1("grad(sum(x * stop_gradient(x)), x)", 2, -3), shape(1, 2), 2, -3);
    // and a gradient inside stop_gradient is the gradient's value
    assertValues(row1("stop_gradient(grad(sum(x * x), x))", 2, -3), shape(1, 2), 4, -6);
  }

  @Test
  @Covers("grad")
  void gradOfAGradientIsTheSecondDerivative() {
    // d/dx Σ (d/dx Σ x³) = 6x
    assertValues(row1("grad(sum(grad(sum(x * x * x), x)), x)", 2, -1), shape(1, 2), 12, -6);
  }

  @Test
  @Covers("jvp")
  void jvpIsTheDirectionalDerivative() {
    Graph g = Programs.graph("""
        model t {
          input x: f64[B, 2]
          input v: f64[B, 2]
          output d = jvp(sin(x) * x, x, v)
          output s = jvp(sum(x * x), x, v)
        }
        """);
    var at = Programs.run(g).input("x", mat(row(0.5, -1))).input("v", mat(row(2, 3))).evaluate();
    assertValues(at.output("d"), shape(1, 2), 2 * (Math.cos(0.5) * 0.5 + Math.sin(0.5)),
        3 * (Math.cos(-1) * -1 + Math.sin(-1)));
    assertValues(at.output("s"), shape(), 2 * 0.5 * 2 + 2 * -1 * 3);
  }

  @Test
  @Covers("grad")
  void gradNeedsAScalar() {
    assertRejects("model t {\n  input x: f32[B, 2]\n  output g = grad(x * x, x)\n}\n", "3:14",
        "differentiates a scalar", "f32[B,2]");
  }

  @Test
  @Covers({"grad", "jvp"})
  void integersHaveNoDerivative() {
    assertRejects("model t {\n  input x: f32[B, 2]\n  input k: i32[B, 2]\n  output g = grad(sum(x), k)\n}\n",
        "4:14", "floating-point values", "'k' is i32[B,2]");
    assertRejects("model t {\n  input k: i32[B, 2]\n  output g = jvp(k, k, k)\n}\n", "3:14", "expr must be floating");
  }

  @Test
  @Covers("grad")
  void anUnrelatedWrtIsAnError() {
    assertRejects("model t {\n  input x: f32[B, 2]\n  input z: f32[B, 2]\n  output g = grad(sum(x), z)\n}\n",
        "4:14", "does not depend on 'z'");
  }

  @Test
  @Covers("grad")
  void aPathThroughArgmaxOrAComparisonIsNamed() {
    assertRejects("""
        model t {
          input x: f32[B, 3]
          output g = grad(sum(f32(argmax(x, axis = 1))), x)
        }
        """, "3:14", "only through argmax at line 3, column 27, whose integer result has no derivative");
    assertRejects("""
        model t {
          input x: f32[B, 3]
          m = x > 0
          output g = grad(sum(where(m, 1.0, 2.0)), x)
        }
        """, "4:14", "only through greater at line 3, column 7, which is constant between its jumps");
    assertRejects("""
        model t {
          input x: f32[B, 3]
          output g = grad(sum(sign(x) * 2), x)
        }
        """, "3:14", "only through sign");
  }

  @Test
  @Covers("grad")
  void aPathThroughStopGradientIsNamed() {
    assertRejects("model t {\n  input x: f32[B, 2]\n  output g = grad(sum(stop_gradient(x) * 2), x)\n}\n",
        "3:14", "only through stop_gradient at line 3, column 23, which hides its argument");
  }

  @Test
  @Covers("jvp")
  void theTangentIsShapedLikeWrt() {
    assertRejects("model t {\n  input x: f32[B, 2]\n  input v: f32[B, 3]\n  output g = jvp(x * x, x, v)\n}\n",
        "4:14", "same type as wrt (f32[B,2])", "f32[B,3]");
    assertValues(row1("jvp(x * x, x, x)", 3), shape(1, 1), 18);
  }

  @Test
  @Covers("grad")
  void aScalarParameterHasAScalarGradient() {
    Graph g = Programs.graph("""
        model t {
          input x: f64[B, 2]
          param s: f64[] = 2.0
          output g = grad(mean(s * x), s)
        }
        """);
    assertValues(Programs.run(g).input("x", mat(row(1, 2), row(3, 4))).param("s", dev.adjoint.compiler.interp.F64Tensor.scalar(2))
        .output("g"), shape(), 2.5);
  }

  @Test
  @Covers({"grad", "jvp"})
  void derivativesOfCrossEntropyStayFiniteForLogitsFarApart() {
    // differentiated as written, d log p = 1/p with p = e^-2000 = 0 would give NaN; grad and
    // jvp of an input go through the fused softmax cross-entropy: softmax(z) - one_hot(y)
    Graph g = Programs.graph("""
        model t {
          input  x: f64[B, 3]
          input  v: f64[B, 3]
          target y: class[B] of 3
          ce = cross_entropy(softmax(x * 1), y)
          output g = grad(ce, x)
          output d = jvp(ce, x, v)
        }
        """);
    var at = Programs.run(g).input("x", mat(row(1000, 0, -1000))).input("v", mat(row(1, 2, 3)))
        .input("y", dev.adjoint.compiler.interp.F64Tensor.vector(2)).evaluate();
    assertValues(at.output("g"), shape(1, 3), 1, 0, -1);
    assertValues(at.output("d"), shape(), 1 - 3);
  }
}
