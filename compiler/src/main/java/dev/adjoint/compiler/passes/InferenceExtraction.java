package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.ModeSwitches;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;

/**
 * Detects what only training needs and removes it: every mode switch takes its inference
 * branch (dropout vanishes, batch norm reads its running statistics), and the loss,
 * gradients and state updates go. Fires once per mode switch resolved and once per root
 * removed.
 */
final class InferenceExtraction implements Pass {

  @Override
  public String name() {
    return "inference";
  }

  @Override
  public Result run(Graph graph) {
    long switches = graph.nodes().stream().filter(n -> n.op() == Op.MODE_SWITCH).count();
    int removed = (graph.loss() == null ? 0 : 1) + graph.gradients().size() + graph.stateUpdates().size();
    Graph chosen = ModeSwitches.choose(graph, false);
    Graph out = chosen.toBuilder().clearLoss().clearGradients().clearStateUpdates().build();
    return new Result(out, (int) switches + removed);
  }

  /** True when the graph has nothing training-only left: for tests. */
  static boolean isInferenceOnly(Graph graph) {
    for (Node n : graph.nodes()) {
      if (n.op() == Op.MODE_SWITCH || n.op() == Op.RANDOM_UNIFORM || n.op() == Op.DROPOUT_MASK) {
        return false;
      }
    }
    return graph.loss() == null && graph.gradients().isEmpty() && graph.stateUpdates().isEmpty();
  }
}
