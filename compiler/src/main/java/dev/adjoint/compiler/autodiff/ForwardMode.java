package dev.adjoint.compiler.autodiff;

import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.PostOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forward-mode differentiation in the graph IR: Jacobian-vector products. Given tangents
 * of some nodes (e.g. parameters in a direction v), the tangent of every node after them,
 * by each op's JVP rule in topological order. Applied to a gradient graph it gives
 * Hessian-vector products.
 */
public final class ForwardMode {
  private ForwardMode() {}

  /** The tangent of each root given {@code seeds} (node to its tangent); zeros where none reaches. */
  public static Map<Node, Node> tangents(NodeBuilder b, Collection<Node> roots, Map<Node, Node> seeds) {
    for (Map.Entry<Node, Node> seed : seeds.entrySet()) {
      if (!seed.getKey().type().equals(seed.getValue().type())) {
        throw new IllegalArgumentException("the tangent of " + seed.getKey() + " must be "
            + seed.getKey().type() + ", got " + seed.getValue().type());
      }
    }
    Map<Node, Node> tangent = new IdentityHashMap<>(seeds);
    for (Node node : PostOrder.of(new ArrayList<>(roots))) {
      if (tangent.containsKey(node) || node.inputs().isEmpty()) {
        continue;
      }
      List<Node> inputs = new ArrayList<>();
      boolean any = false;
      for (Node in : node.inputs()) {
        Node t = tangent.get(in);
        inputs.add(t);
        any |= t != null;
      }
      if (!any) {
        continue;
      }
      Node t = node.op().derivative().jvp(b.at(node.span()), node, inputs);
      if (t != null) {
        if (!t.type().equals(node.type())) {
          throw new IllegalStateException("the forward rule of " + node.op().text() + " gave " + t.type()
              + " for " + node.type());
        }
        tangent.put(node, t);
      }
    }
    Map<Node, Node> out = new LinkedHashMap<>();
    for (Node root : roots) {
      Node t = tangent.get(root);
      out.put(root, t != null ? t : b.at(root.span()).broadcastTo(b.at(root.span()).constant(0, root),
          root.shape()));
    }
    return Collections.unmodifiableMap(out);
  }
}
