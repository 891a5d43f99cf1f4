package dev.adjoint.compiler.interp;

import static dev.adjoint.compiler.interp.Fixtures.assertValues;
import static dev.adjoint.compiler.interp.Fixtures.dims;
import static dev.adjoint.compiler.interp.Fixtures.eval;
import static dev.adjoint.compiler.interp.Fixtures.input;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every elementwise op against hand-computed values (reference values from an independent libm where noted). */
class ElementwiseOpsTest {
  private final NodeBuilder gb = Fixtures.builder();
  private final Node x = input("x", ScalarType.F64, 3);

  private F64Tensor unary(Op op, double... values) {
    return eval(gb.node(op, x), Map.of("x", F64Tensor.vector(values)));
  }

  @Test
  void negRecipAbsSign() {
    assertValues(unary(Op.NEG, -2, 0, 3), dims(3), 2, 0, -3);
    assertValues(unary(Op.RECIP, 2, -4, 0), dims(3), 0.5, -0.25, Double.POSITIVE_INFINITY);
    assertValues(unary(Op.ABS, -3, 0, 2.5), dims(3), 3, 0, 2.5);
    assertValues(unary(Op.SIGN, -3, 0, 2.5), dims(3), -1, 0, 1);
  }

  @Test
  void expLogLog1pSqrt() {
    assertValues(unary(Op.EXP, 0, 1, -1), dims(3), 1, 2.718281828459045, 0.36787944117144233);
    assertValues(unary(Op.LOG, 1, 2.718281828459045, 0), dims(3), 0, 1, Double.NEGATIVE_INFINITY);
    // log1p keeps a tiny argument that log(1 + x) would lose
    assertValues(unary(Op.LOG1P, 0, 1e-20, 1.718281828459045), dims(3), 0, 1e-20, 1);
    assertValues(unary(Op.SQRT, 4, 2, -1), dims(3), 2, 1.4142135623730951, Double.NaN);
  }

  @Test
  void tanhAndSigmoid() {
    assertValues(unary(Op.TANH, 0, 0.5, -20), dims(3), 0, 0.46211715726000974, -1);
    assertValues(unary(Op.SIGMOID, 0, 2, -2), dims(3), 0.5, 0.8807970779778823, 0.11920292202211755);
  }

  @Test
  void sigmoidIsStableAtTheExtremes() {
    assertValues(unary(Op.SIGMOID, 1000, -1000, -700), dims(3), 1, 0, 9.85967654375977e-305);
    // sigmoid(-720) = e^-720 / (1 + e^-720) is about 2.03e-313, a subnormal; the naive
    // 1 / (1 + e^720) overflows to 1 / inf = 0
    double tiny = unary(Op.SIGMOID, -720, 0, 0).flat(0);
    assertTrue(tiny > 2.0e-313 && tiny < 2.1e-313, "sigmoid(-720) = " + tiny);
  }

  @Test
  void erf() {
    assertValues(unary(Op.ERF, 0.5, -1.5, 0), dims(3), 0.5204998778130465, -0.9661051464753108, 0);
    assertValues(unary(Op.SIN, 0, Math.PI / 2, -1), dims(3), 0, 1, -0.8414709848078965);
    assertValues(unary(Op.COS, 0, Math.PI, 1), dims(3), 1, -1, 0.5403023058681398);
    assertValues(unary(Op.FLOOR, -1.5, 2.7, 3), dims(3), -2, 2, 3);
    assertValues(unary(Op.ROUND, 0.5, 1.5, -2.6), dims(3), 0, 2, -3);
    assertValues(unary(Op.STOP_GRADIENT, -1.5, 2.7, 0), dims(3), -1.5, 2.7, 0);
  }

  @Test
  void castRoundsOnlyToF32AndTruncatesToI32() {
    F64Tensor values = F64Tensor.vector(0.1, -2.7, 2.7);
    F64Tensor f32 = eval(gb.node(Op.CAST, List.of(x), new Attrs.Cast(ScalarType.F32)), Map.of("x", values));
    assertValues(f32, dims(3), (double) 0.1f, (double) -2.7f, (double) 2.7f);
    assertEquals(0.10000000149011612, f32.flat(0), 0.0);
    F64Tensor i32 = eval(gb.node(Op.CAST, List.of(x), new Attrs.Cast(ScalarType.I32)), Map.of("x", values));
    assertValues(i32, dims(3), 0, -2, 2);
    Node f = input("f", ScalarType.F32, 3);
    F64Tensor f64 = eval(gb.node(Op.CAST, List.of(f), new Attrs.Cast(ScalarType.F64)), Map.of("f", values));
    assertValues(f64, dims(3), 0.1, -2.7, 2.7);
  }

  @Test
  void f32NodesAreComputedInF64() {
    Node f = input("f", ScalarType.F32, 1);
    F64Tensor sum = eval(gb.add(f, f), Map.of("f", F64Tensor.vector(0.1)));
    assertEquals(0.2, sum.flat(0), 0.0); // in float, 0.1f + 0.1f would be 0.20000000298...
  }

  @Test
  void binaryArithmetic() {
    Node a = input("a", ScalarType.F64, 4);
    Node b = input("b", ScalarType.F64, 4);
    Map<String, F64Tensor> in = Map.of("a", F64Tensor.vector(1, 2, 3, 4), "b", F64Tensor.vector(2, 2, -3, 0.5));
    assertValues(eval(gb.add(a, b), in), dims(4), 3, 4, 0, 4.5);
    assertValues(eval(gb.sub(a, b), in), dims(4), -1, 0, 6, 3.5);
    assertValues(eval(gb.mul(a, b), in), dims(4), 2, 4, -9, 2);
    assertValues(eval(gb.div(a, b), in), dims(4), 0.5, 1, -1, 8);
    assertValues(eval(gb.pow(a, b), in), dims(4), 1, 4, 1.0 / 27, 2);
    assertValues(eval(gb.max(a, b), in), dims(4), 2, 2, 3, 4);
    assertValues(eval(gb.min(a, b), in), dims(4), 1, 2, -3, 0.5);
  }

  @Test
  void comparisonsGiveOneOrZero() {
    Node a = input("a", ScalarType.F64, 4);
    Node b = input("b", ScalarType.F64, 4);
    Map<String, F64Tensor> in = Map.of("a", F64Tensor.vector(1, 2, 3, 4), "b", F64Tensor.vector(2, 2, -3, 0.5));
    assertValues(eval(gb.greater(a, b), in), dims(4), 0, 0, 1, 1);
    assertValues(eval(gb.greaterEqual(a, b), in), dims(4), 0, 1, 1, 1);
    assertValues(eval(gb.equal(a, b), in), dims(4), 0, 1, 0, 0);
  }

  @Test
  void maxAndMinPropagateNaN() {
    Node a = input("a", ScalarType.F64, 2);
    Node b = input("b", ScalarType.F64, 2);
    Map<String, F64Tensor> in = Map.of("a", F64Tensor.vector(Double.NaN, 1), "b", F64Tensor.vector(1, Double.NaN));
    assertValues(eval(gb.max(a, b), in), dims(2), Double.NaN, Double.NaN);
    assertValues(eval(gb.min(a, b), in), dims(2), Double.NaN, Double.NaN);
  }

  @Test
  void i32DivisionTruncatesTowardZero() {
    Node a = input("a", ScalarType.I32, 2);
    Node b = input("b", ScalarType.I32, 2);
    Map<String, F64Tensor> in = Map.of("a", F64Tensor.vector(7, -7), "b", F64Tensor.vector(2, 2));
    assertValues(eval(gb.div(a, b), in), dims(2), 3, -3);
  }

  @Test
  void whereChoosesByNonZeroCondition() {
    Node c = input("c", ScalarType.F64, 3);
    Node a = input("a", ScalarType.F64, 3);
    Node b = input("b", ScalarType.F64, 3);
    F64Tensor out = eval(gb.where(c, a, b), Map.of("c", F64Tensor.vector(1, 0, -2), "a", F64Tensor.vector(1, 2, 3),
        "b", F64Tensor.vector(10, 20, 30)));
    assertValues(out, dims(3), 1, 20, 3);
  }
}
