package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Detects declared inputs and state that nothing computes from (an inference graph's
 * targets) and removes them from the graph's interface. Unreachable computed nodes never
 * stay in a graph, since a graph holds what its roots need; parameters stay, as they
 * are the model's identity.
 */
final class DeadCode implements Pass {

  @Override
  public String name() {
    return "dce";
  }

  @Override
  public Result run(Graph graph) {
    Set<Node> used = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Node n : graph.nodes()) {
      used.addAll(n.inputs());
    }
    used.addAll(graph.roots());
    List<Node> dead = graph.nodes().stream()
        .filter(n -> (n.op() == Op.INPUT || n.op() == Op.STATE) && !used.contains(n)).toList();
    if (dead.isEmpty()) {
      return new Result(graph, 0);
    }
    return new Result(graph.toBuilder().removeSources(dead).build(), dead.size());
  }
}
