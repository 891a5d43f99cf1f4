package dev.adjoint.compiler.ir;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Rebuilds a graph bottom-up: each node, after its inputs have been rewritten, is offered
 * to a rule that may return it unchanged or a replacement of the same type. Declared
 * sources are kept as they are; roots follow their replacements. Passes are rules.
 */
public final class GraphRewriter {
  private GraphRewriter() {}

  /** A rule that may also look at the node as it was before its inputs were rewritten. */
  @FunctionalInterface
  public interface Rule {
    Node apply(Node original, Node current);
  }

  /** The graph with every node passed through {@code rule}, inputs first. */
  public static Graph rewrite(Graph graph, UnaryOperator<Node> rule) {
    return rewrite(graph, (original, current) -> rule.apply(current));
  }

  /** As {@link #rewrite(Graph, UnaryOperator)}, for rules keyed by the original nodes. */
  public static Graph rewrite(Graph graph, Rule rule) {
    Map<Node, Node> mapped = new IdentityHashMap<>();
    for (Node node : graph.nodes()) {
      List<Node> inputs = new ArrayList<>(node.inputs().size());
      boolean changed = false;
      for (Node in : node.inputs()) {
        Node m = mapped.get(in);
        inputs.add(m);
        changed |= m != in;
      }
      Node current = changed ? node.withInputs(inputs) : node;
      Node replacement = isDeclaredSource(node) ? current : rule.apply(node, current);
      if (!replacement.type().equals(node.type())) {
        throw new IllegalStateException("a rewrite changed the type of " + node + " to " + replacement.type());
      }
      mapped.put(node, replacement);
    }
    return rebuild(graph, mapped);
  }

  /** The graph with its roots mapped through {@code mapped}. */
  public static Graph rebuild(Graph graph, Map<Node, Node> mapped) {
    Graph.Builder b = graph.toBuilder().clearOutputs().clearStateUpdates().clearGradients().clearLoss();
    graph.outputs().forEach((name, n) -> b.output(name, mapped.getOrDefault(n, n)));
    if (graph.loss() != null) {
      b.loss(mapped.getOrDefault(graph.loss(), graph.loss()));
    }
    graph.stateUpdates().forEach((name, n) -> b.stateUpdate(name, mapped.getOrDefault(n, n)));
    graph.gradients().forEach((name, n) -> b.gradient(name, mapped.getOrDefault(n, n)));
    return b.build();
  }

  /** Inputs, parameters and state are the graph's interface: rewrites never replace them. */
  private static boolean isDeclaredSource(Node node) {
    return node.op() == Op.INPUT || node.op() == Op.PARAM || node.op() == Op.STATE;
  }
}
