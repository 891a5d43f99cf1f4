package dev.adjoint.compiler.ir;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code %N} numbers of a graph's nodes, in {@link Graph#nodes()} order, shared by
 * {@link TextDump}, {@link DotDump} and {@link Verifier} so that a verifier message and a
 * dump of the same graph name a node alike.
 */
final class NodeNumbering {
  private final Map<Node, Integer> numbers;

  NodeNumbering(Map<Node, Integer> numbers) {
    this.numbers = numbers;
  }

  static NodeNumbering of(Graph graph) {
    return of(graph.nodes());
  }

  /** Numbers nodes in the given order, for callers that already hold {@link Graph#nodes()}. */
  static NodeNumbering of(List<Node> order) {
    Map<Node, Integer> numbers = new IdentityHashMap<>();
    for (Node n : order) {
      numbers.putIfAbsent(n, numbers.size());
    }
    return new NodeNumbering(numbers);
  }

  /** Node to number, by identity; unmodifiable. */
  Map<Node, Integer> asMap() {
    return Collections.unmodifiableMap(numbers);
  }

  /** {@code %7}, or {@code %?} for a node outside the graph. */
  String ref(Node n) {
    Integer i = numbers.get(n);
    return i == null ? "%?" : "%" + i;
  }

  /** {@code %7 matmul}, with the name for sources: {@code %2 param w}, {@code %1 target y}. */
  String describe(Node n) {
    String name = n.sourceName();
    return ref(n) + " " + opWord(n) + (name == null ? "" : " " + name);
  }

  /** The op as dumps print it: {@code target} for an input that is a target, else {@link Op#text()}. */
  static String opWord(Node n) {
    if (n.op() == Op.INPUT && n.attrs() instanceof Attrs.Input a && a.target()) {
      return "target";
    }
    return n.op().text();
  }
}
