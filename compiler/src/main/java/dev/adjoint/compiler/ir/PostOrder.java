package dev.adjoint.compiler.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The one walk of a graph in post-order: every node the roots reach, each after the inputs
 * it is reached through. Iterative, with an explicit stack, so that a model tens of
 * thousands of nodes deep does not overflow the Java stack; linear in the nodes and edges.
 * The graph, autodiff and the interpreter each order nodes with it.
 */
public final class PostOrder {
  private PostOrder() {}

  /** Every node the roots depend on through their inputs, each after its inputs. */
  public static List<Node> of(List<Node> roots) {
    return of(roots, Node::inputs);
  }

  /** Every node the roots reach through {@code edges} (the inputs a node needs), each after those. */
  public static List<Node> of(List<Node> roots, Function<Node, List<Node>> edges) {
    List<Node> order = new ArrayList<>();
    appendTo(order, Collections.newSetFromMap(new IdentityHashMap<>()), roots, edges);
    return order;
  }

  /**
   * Appends to {@code order} the nodes the roots reach through {@code edges} that are not in
   * {@code done} yet, each after those it reaches, and adds them to {@code done}.
   */
  public static void appendTo(List<Node> order, Set<Node> done, Iterable<Node> roots,
      Function<Node, List<Node>> edges) {
    Node[] stack = new Node[16];
    int[] next = new int[16];
    for (Node root : roots) {
      if (done.contains(root)) {
        continue;
      }
      int top = 0;
      stack[0] = root;
      next[0] = 0;
      while (top >= 0) {
        Node node = stack[top];
        List<Node> needs = edges.apply(node);
        int i = next[top];
        if (i < needs.size()) {
          next[top] = i + 1;
          Node in = needs.get(i);
          if (!done.contains(in)) { // acyclic: a node on the path cannot be its own input
            if (++top == stack.length) {
              stack = Arrays.copyOf(stack, 2 * top);
              next = Arrays.copyOf(next, 2 * top);
            }
            stack[top] = in;
            next[top] = 0;
          }
        } else {
          stack[top--] = null;
          if (done.add(node)) {
            order.add(node);
          }
        }
      }
    }
  }
}
