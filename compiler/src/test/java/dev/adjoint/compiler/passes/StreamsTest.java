package dev.adjoint.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pass's new random draws take a stream after every stream of the graph, uniform draws and dropout masks alike. */
class StreamsTest {
  private static final SourceSpan SPAN = SourceSpan.synthetic("streams");

  private static Graph outputs(Node... nodes) {
    Graph.Builder g = Graph.builder("streams", SPAN);
    for (int i = 0; i < nodes.length; i++) {
      g.output("o" + i, nodes[i]);
    }
    return g.build();
  }

  @Test
  void aGraphWithoutRandomNodesStartsAtStreamZero() {
    NodeBuilder b = NodeBuilder.start(SPAN, 0);
    assertEquals(0, Streams.next(outputs(b.constant(1, ScalarType.F64))));
  }

  @Test
  void theNextStreamFollowsTheLargestUniformDraw() {
    NodeBuilder b = NodeBuilder.start(SPAN, 5);
    Node first = b.randomUniform(Shape.of(2), ScalarType.F64);
    Node second = b.randomUniform(Shape.of(2), ScalarType.F64);
    assertEquals(7, Streams.next(outputs(second, first)));
    assertEquals(6, Streams.next(outputs(first)));
  }

  @Test
  void theNextStreamFollowsTheLargestDropoutMask() {
    NodeBuilder b = NodeBuilder.start(SPAN, 2);
    Node draw = b.randomUniform(Shape.of(3), ScalarType.F64);
    Node mask = b.node(Op.DROPOUT_MASK, List.of(), new Attrs.DropoutMask(9, 0.5, 2, ScalarType.F64, Shape.of(3)));
    assertEquals(10, Streams.next(outputs(draw, mask)));
    assertEquals(10, Streams.next(outputs(mask, draw)));
  }
}
