package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.GraphRewriter;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Primitive;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Detects nodes computing the same op with the same attributes on the same inputs and
 * keeps one of them. Random draws share a stream only when they are the same draw, so
 * merging them is safe.
 */
final class CommonSubexpressions implements Pass {

  @Override
  public String name() {
    return "cse";
  }

  @Override
  public Result run(Graph graph) {
    Map<Key, Node> seen = new HashMap<>();
    int[] merged = {0};
    Graph out = GraphRewriter.rewrite(graph, n -> {
      Node first = seen.putIfAbsent(Key.of(n), n);
      if (first == null || first == n) {
        return n;
      }
      merged[0]++;
      return first;
    });
    return new Result(out, merged[0]);
  }

  /** Op, attributes and the identities of the inputs. */
  private record Key(Primitive op, Attrs attrs, List<Identity> inputs) {
    static Key of(Node n) {
      List<Identity> inputs = new ArrayList<>();
      for (Node in : n.inputs()) {
        inputs.add(new Identity(in));
      }
      return new Key(n.op(), n.attrs(), inputs);
    }
  }

  /** A node compared by identity. */
  private record Identity(Node node) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Identity other && other.node == node;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(node);
    }
  }
}
