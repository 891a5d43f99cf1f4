package dev.adjoint.compiler.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScanBody;
import dev.adjoint.compiler.ir.ShapeException;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.TensorType;
import dev.adjoint.compiler.ir.ScalarType;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * SCAN's derivative (one reverse loop over saved carries giving the carry's and the
 * sequences' cotangents and the products' operands, one product or a summing loop per
 * constant; or, where those values cannot lie side by side, a loop per cotangent) against central finite differences in f64, for every
 * input at once: the init, the sequence and the weights, at T = 1, 2 and 7, stacked or last.
 */
class ScanGradientTest {
  private static final int ROWS = 2;
  private static final int K = 3;
  private static final int H = 4;

  /** h' = tanh(h W + x U + b): an Elman cell over a [ROWS, T, K] sequence. */
  static Node elman(NodeBuilder b, Node init, Node xs, Node w, Node u, Node bias, boolean stacked, boolean reverse) {
    Node carry = ScanBody.placeholder(b, "carry", init.type());
    Node x = ScanBody.placeholder(b, "x0", new TensorType(ScalarType.F64, Shape.of(ROWS, K)));
    Node pw = ScanBody.placeholder(b, "w0", w.type());
    Node pu = ScanBody.placeholder(b, "w1", u.type());
    Node pb = ScanBody.placeholder(b, "w2", bias.type());
    Node next = b.tanh(b.add(b.add(b.matmul(carry, pw, false, false), b.matmul(x, pu, false, false)), pb));
    ScanBody body = ScanBody.of(List.of(carry, x, pw, pu, pb), 1, next);
    return b.node(Op.SCAN, List.of(init, xs, w, u, bias), new Attrs.Scan(body, 1, reverse, stacked));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7})
  void stackedCarriesAgreeWithFiniteDifferences(int steps) {
    GradientChecker.checkReverse("scan stacked T=" + steps,
        List.of(Shape.of(ROWS, H), Shape.of(ROWS, steps, K), Shape.of(H, H), Shape.of(K, H), Shape.of(H)),
        c -> elman(c.b(), c.p(0), c.p(1), c.p(2), c.p(3), c.p(4), true, false), 100 + steps);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7})
  void lastCarryAgreesWithFiniteDifferences(int steps) {
    GradientChecker.checkReverse("scan last T=" + steps,
        List.of(Shape.of(ROWS, H), Shape.of(ROWS, steps, K), Shape.of(H, H), Shape.of(K, H), Shape.of(H)),
        c -> elman(c.b(), c.p(0), c.p(1), c.p(2), c.p(3), c.p(4), false, false), 200 + steps);
  }

  @Test
  void twoLoopsInARowAgreeWithFiniteDifferences() {
    GradientChecker.checkReverse("scan of scan",
        List.of(Shape.of(ROWS, H), Shape.of(ROWS, 3, K), Shape.of(H, H), Shape.of(K, H), Shape.of(H),
            Shape.of(H, K)),
        c -> {
          NodeBuilder b = c.b();
          Node first = elman(b, c.p(0), c.p(1), c.p(2), c.p(3), c.p(4), true, false);
          Node projected = b.tanh(b.matmul(first, c.p(5), false, false)); // [ROWS, 3, K]
          return elman(b, c.p(0), projected, c.p(2), c.p(3), c.p(4), true, false);
        }, 300);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7})
  void aReverseLoopAgreesWithFiniteDifferences(int steps) {
    GradientChecker.checkReverse("scan reverse T=" + steps,
        List.of(Shape.of(ROWS, H), Shape.of(ROWS, steps, K), Shape.of(H, H), Shape.of(K, H), Shape.of(H)),
        c -> {
          Node stacked = elman(c.b(), c.p(0), c.p(1), c.p(2), c.p(3), c.p(4), true, true);
          Node last = elman(c.b(), c.p(0), c.p(1), c.p(2), c.p(3), c.p(4), false, true);
          return c.b().add(c.b().sumAll(stacked), c.b().sumAll(c.b().mul(last, last)));
        }, 400 + steps);
  }

  /** The gradient of the loop's weights differentiated again: loops of loops, checked the same way. */
  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void secondDerivativesThroughTheLoopAgreeWithFiniteDifferences(int steps) {
    GradientChecker.checkReverse("scan second order T=" + steps,
        List.of(Shape.of(ROWS, H), Shape.of(ROWS, steps, K), Shape.of(H, H), Shape.of(K, H), Shape.of(H)),
        c -> {
          NodeBuilder b = c.b();
          Node out = elman(b, c.p(0), c.p(1), c.p(2), c.p(3), c.p(4), true, false);
          Node loss = b.sumAll(b.mul(out, out));
          java.util.Map<Node, Node> g = ReverseMode.gradients(b, loss, List.of(c.p(2), c.p(1)));
          return b.add(b.sumAll(b.mul(g.get(c.p(2)), g.get(c.p(2)))), b.sumAll(g.get(c.p(1))));
        }, 500 + steps);
  }

  /**
   * A carry of another rank than the slices (h [H], x_t [ROWS, K]) cannot lie beside them in
   * one backward loop: the rule falls back to a loop per cotangent, checked the same way.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7})
  void aCarryOfAnotherRankTakesTheLoopPerCotangent(int steps) {
    GradientChecker.checkReverse("scan vector carry T=" + steps,
        List.of(Shape.of(H), Shape.of(ROWS, steps, K), Shape.of(H, H), Shape.of(K, H)),
        c -> {
          NodeBuilder b = c.b();
          Node carry = ScanBody.placeholder(b, "carry", new TensorType(ScalarType.F64, Shape.of(H)));
          Node x = ScanBody.placeholder(b, "x0", new TensorType(ScalarType.F64, Shape.of(ROWS, K)));
          Node pw = ScanBody.placeholder(b, "w0", c.p(2).type());
          Node pu = ScanBody.placeholder(b, "w1", c.p(3).type());
          Node row = b.reshape(carry, Shape.of(1, H));
          Node inputs = b.sum(b.matmul(x, pu, false, false), List.of(0), true);
          Node next = b.reshape(b.tanh(b.add(b.matmul(row, pw, false, false), inputs)), Shape.of(H));
          ScanBody body = ScanBody.of(List.of(carry, x, pw, pu), 1, next);
          return b.node(Op.SCAN, List.of(c.p(0), c.p(1), c.p(2), c.p(3)), new Attrs.Scan(body, 1, false, true));
        }, 600 + steps);
  }

  /**
   * The Elman cell's backward pass is one loop (the reverse one, giving the carry's and the
   * sequence's cotangents and the products' operands side by side) and one more summing the
   * bias's cotangent; W's and U's gradients are each one product over all the steps, outside
   * any loop.
   */
  @Test
  void theBackwardPassIsOneLoopAndTheWeightsGradientsOneProductEach() {
    NodeBuilder b = NodeBuilder.start(dev.adjoint.compiler.source.SourceSpan.synthetic("loops"), 0);
    Node init = param(b, "h", Shape.of(ROWS, H));
    Node xs = param(b, "x", Shape.of(ROWS, 7, K));
    Node w = param(b, "w", Shape.of(H, H));
    Node u = param(b, "u", Shape.of(K, H));
    Node bias = param(b, "b", Shape.of(H));
    Node loss = b.sumAll(elman(b, init, xs, w, u, bias, true, false));
    java.util.Map<Node, Node> g = ReverseMode.gradients(b, loss, List.of(init, xs, w, u, bias));
    long loops = dev.adjoint.compiler.ir.PostOrder.of(List.copyOf(g.values())).stream()
        .filter(n -> n.op() == Op.SCAN).count();
    assertEquals(3, loops, "the forward loop, the backward loop and the bias's summing loop");
    for (Node weight : List.of(w, u)) {
      Node d = g.get(weight);
      assertEquals(Op.MATMUL, d.op(), "gradient of " + weight + ": " + d);
      assertEquals(7, d.input(0).shape().dim(1), "a product over the 7 stacked steps");
    }
  }

  @Test
  void forwardModeThroughTheLoopIsRefusedWithAReason() {
    NodeBuilder b = NodeBuilder.start(dev.adjoint.compiler.source.SourceSpan.synthetic("jvp"), 0);
    Node init = param(b, "h", Shape.of(ROWS, H));
    Node xs = param(b, "x", Shape.of(ROWS, 2, K));
    Node w = param(b, "w", Shape.of(H, H));
    Node u = param(b, "u", Shape.of(K, H));
    Node bias = param(b, "b", Shape.of(H));
    Node loss = b.sumAll(elman(b, init, xs, w, u, bias, true, false));
    ShapeException e = assertThrows(ShapeException.class,
        () -> ForwardMode.tangents(b, List.of(loss), java.util.Map.of(w, w)));
    assertTrue(e.getMessage().contains("through a recurrent loop"), e.getMessage());
  }

  private static Node param(NodeBuilder b, String name, Shape shape) {
    return b.node(Op.PARAM, List.of(), new Attrs.Param(name, ScalarType.F64, shape,
        dev.adjoint.compiler.ir.Init.of(dev.adjoint.compiler.ir.Init.Kind.ZEROS),
        dev.adjoint.compiler.ir.ParamRole.WEIGHT));
  }
}
