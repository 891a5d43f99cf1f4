package dev.adjoint.compiler.autodiff;

import dev.adjoint.compiler.ir.Node;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** Orders of the nodes under some roots, iteratively, so that deep models do not overflow the stack. */
final class Topology {
  private Topology() {}

  /** Every node the roots depend on, each after its inputs. */
  static List<Node> order(List<Node> roots) {
    List<Node> order = new ArrayList<>();
    Set<Node> done = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Node> stack = new ArrayList<>();
    List<Integer> next = new ArrayList<>();
    for (Node root : roots) {
      if (done.contains(root)) {
        continue;
      }
      stack.add(root);
      next.add(0);
      while (!stack.isEmpty()) {
        int top = stack.size() - 1;
        Node node = stack.get(top);
        int i = next.get(top);
        if (i < node.inputs().size()) {
          next.set(top, i + 1);
          Node in = node.input(i);
          if (!done.contains(in)) {
            stack.add(in);
            next.add(0);
          }
        } else {
          stack.remove(top);
          next.remove(top);
          if (done.add(node)) {
            order.add(node);
          }
        }
      }
    }
    return order;
  }

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
