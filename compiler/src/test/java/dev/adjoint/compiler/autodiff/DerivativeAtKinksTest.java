package dev.adjoint.compiler.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.compiler.composite.Activations;
import dev.adjoint.compiler.composite.Analysis;
import dev.adjoint.compiler.composite.Losses;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ParamRole;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Smooth functions built from kinked pieces (max, |x|) must still have their true derivative
 * exactly at the kink, where finite differences cannot tell: a zero-initialized model
 * starts there. softplus'(0) = σ(0) = ½; the logit derivative of bce_with_logits at 0 is ½ - y.
 */
class DerivativeAtKinksTest {

  private static double derivativeAtZero(BiFunction<NodeBuilder, Node, Node> f) {
    NodeBuilder b = NodeBuilder.start(SourceSpan.synthetic("kink"), 0);
    Node z = b.node(Op.PARAM, List.of(), new Attrs.Param("z", ScalarType.F64, Shape.SCALAR, Init.of(Init.Kind.ZEROS),
        ParamRole.WEIGHT));
    Node loss = f.apply(b, z);
    Node g = ReverseMode.gradients(b, loss, List.of(z)).get(z);
    Graph graph = Graph.builder("kink", b.span()).param(z).loss(loss).gradient("z", g).build();
    return new Interpreter(graph).evaluate(Feed.of(Map.of(), Map.of("z", F64Tensor.scalar(0)))).value(g).item();
  }

  @Test
  void softplusHasDerivativeOneHalfAtZero() {
    assertEquals(0.5, derivativeAtZero((b, z) -> Activations.softplus(b, z, 1)), 0);
    assertEquals(0.5, derivativeAtZero((b, z) -> Activations.softplus(b, z, 3)), 1e-15);
  }

  @Test
  void bceWithLogitsHasDerivativeOneHalfMinusTheTargetAtZero() {
    for (double y : new double[] {0, 0.3, 1}) {
      assertEquals(0.5 - y, derivativeAtZero((b, z) -> Losses.bceWithLogits(b, z, b.constant(y, z),
          Losses.Reduction.SUM)), 1e-15, "y = " + y);
    }
  }

  @Test
  void reluHasDerivativeZeroAtZeroAsPyTorchDefines() {
    assertEquals(0, derivativeAtZero((b, z) -> Activations.relu(b, z)), 0);
  }

  @Test
  void normHasDerivativeZeroAtZeroNotNaN() {
    assertEquals(0, derivativeAtZero((b, z) -> Analysis.norm(b, b.broadcastTo(z, Shape.of(3)), List.of(0), false)), 0);
  }

  @Test
  void stopGradientHidesItsInputFromTheDerivative() {
    assertEquals(1, derivativeAtZero((b, z) -> b.add(z, b.stopGradient(b.scale(z, 5)))), 0);
  }
}
