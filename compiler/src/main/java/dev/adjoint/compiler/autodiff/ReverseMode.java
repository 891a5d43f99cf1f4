package dev.adjoint.compiler.autodiff;

import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.PostOrder;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation in the graph IR: from a scalar, the cotangent of every node
 * it depends on, by each op's vector-Jacobian product in reverse topological order.
 * Cotangents of a node used several times are summed; broadcasting is undone by the
 * BROADCAST rule's reduction. Gradient nodes carry the span of the forward node they
 * differentiate.
 */
public final class ReverseMode {
  private ReverseMode() {}

  /**
   * The gradient of {@code output} (a scalar) with respect to each node of {@code wrt}, in
   * order; a node the output does not depend on gets zeros.
   */
  public static Map<Node, Node> gradients(NodeBuilder b, Node output, Collection<Node> wrt) {
    if (!output.shape().isScalar()) {
      throw new IllegalArgumentException("reverse mode starts from a scalar, got " + output.type());
    }
    List<Node> order = PostOrder.of(List.of(output));
    Set<Node> needed = Topology.dependingOn(order, wrt);
    Map<Node, Node> cotangents = new IdentityHashMap<>();
    if (needed.contains(output)) {
      cotangents.put(output, b.at(output.span()).constant(1, output));
    }
    for (int i = order.size() - 1; i >= 0; i--) {
      Node node = order.get(i);
      Node g = cotangents.get(node);
      if (g == null || node.inputs().isEmpty()) {
        continue;
      }
      List<Node> contributions = node.op().derivative().vjp(b.at(node.span()), node, g);
      for (int k = 0; k < node.inputs().size(); k++) {
        Node input = node.input(k);
        Node c = k < contributions.size() ? contributions.get(k) : null;
        if (c == null || !needed.contains(input)) {
          continue;
        }
        if (!c.type().equals(input.type())) {
          throw new IllegalStateException("the derivative rule of " + node.op().text() + " gave " + c.type()
              + " for input " + k + " of type " + input.type());
        }
        Node previous = cotangents.get(input);
        cotangents.put(input, previous == null ? c : b.at(input.span()).add(previous, c));
      }
    }
    Map<Node, Node> out = new LinkedHashMap<>();
    for (Node w : wrt) {
      Node g = cotangents.get(w);
      out.put(w, g != null ? g : zeros(b.at(w.span()), w));
    }
    return Collections.unmodifiableMap(out);
  }

  private static Node zeros(NodeBuilder b, Node like) {
    return b.broadcastTo(b.constant(0, like), like.shape());
  }

}
