package dev.adjoint.compiler.autodiff;

import dev.adjoint.compiler.ir.Node;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** What depends on what, over an order from {@link dev.adjoint.compiler.ir.PostOrder}. */
final class Topology {
  private Topology() {}

  /**
   * The nodes of {@code order} (topological) that depend on any of {@code sources} through
   * inputs their op can differentiate.
   */
  static Set<Node> dependingOn(List<Node> order, Collection<Node> sources) {
    Set<Node> depends = Collections.newSetFromMap(new IdentityHashMap<>());
    depends.addAll(sources);
    for (Node node : order) {
      for (int i = 0; i < node.inputs().size(); i++) {
        if (node.op().derivative().differentiable(i) && depends.contains(node.input(i))) {
          depends.add(node);
          break;
        }
      }
    }
    return depends;
  }
}
