package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;

/** Random streams: a pass that adds a random node must not reuse a stream the graph has. */
final class Streams {
  private Streams() {}

  /** One more than the largest stream in the graph. */
  static int next(Graph graph) {
    int max = -1;
    for (Node n : graph.nodes()) {
      if (n.attrs() instanceof Attrs.Random r) {
        max = Math.max(max, r.stream());
      } else if (n.attrs() instanceof Attrs.DropoutMask m) {
        max = Math.max(max, m.stream());
      }
    }
    return max + 1;
  }
}
