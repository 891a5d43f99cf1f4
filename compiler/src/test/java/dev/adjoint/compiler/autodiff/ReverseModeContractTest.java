package dev.adjoint.compiler.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;

/**
 * What reverse mode promises besides the derivative rules: it starts only from a scalar,
 * gives zeros for a node the output does not depend on, and sums the contributions of a
 * node used twice.
 */
class ReverseModeContractTest {

  private static Node param(NodeBuilder b, String name, Shape shape) {
    return b.node(Op.PARAM, List.of(), new Attrs.Param(name, ScalarType.F64, shape, Init.of(Init.Kind.ZEROS),
        ParamRole.WEIGHT));
  }

  @Test
  void aNonScalarOutputIsRefused() {
    NodeBuilder b = NodeBuilder.start(SourceSpan.synthetic("vector"), 0);
    Node w = param(b, "w", Shape.of(3));
    Node doubled = b.scale(w, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReverseMode.gradients(b, doubled, List.of(w)));
    assertTrue(e.getMessage().startsWith("reverse mode starts from a scalar, got "), e.getMessage());
    assertTrue(e.getMessage().contains("3"), e.getMessage());
  }

  @Test
  void anUnusedNodeGetsZerosAndAReusedOneTheSumOfItsUses() {
    NodeBuilder b = NodeBuilder.start(SourceSpan.synthetic("uses"), 0);
    Node w = param(b, "w", Shape.of(2));
    Node unused = param(b, "u", Shape.of(2));
    Node loss = b.sumAll(b.mul(w, w));
    Map<Node, Node> g = ReverseMode.gradients(b, loss, List.of(w, unused));
    assertEquals(List.of(w, unused), List.copyOf(g.keySet()), "in the order asked for");
    Graph graph = Graph.builder("uses", b.span()).param(w).param(unused).loss(loss)
        .gradient("w", g.get(w)).gradient("u", g.get(unused)).build();
    F64Tensor wValue = F64Tensor.of(new int[] {2}, 1.5, -2);
    var run = new Interpreter(graph).evaluate(Feed.of(Map.of(), Map.of("w", wValue,
        "u", F64Tensor.of(new int[] {2}, 7, 8))));
    assertArrayEquals(new double[] {3, -4}, run.value(g.get(w)).data(), 0, "d(w·w)/dw = 2w from two uses");
    assertArrayEquals(new double[] {0, 0}, run.value(g.get(unused)).data(), 0);
  }
}
