package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.ModeSwitches;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;

/**
 * Detects what only training needs and removes it: every mode switch takes its inference
 * branch (dropout vanishes, batch norm reads its running statistics), and the loss,
 * gradients and state updates go — the loss stays for an evaluation graph. Fires once per
 * mode switch resolved and once per root removed.
 */
final class InferenceExtraction implements Pass {
  private final boolean keepLoss;

  /** With {@code keepLoss}, the loss stays: the graph that evaluates a model on validation data. */
  InferenceExtraction(boolean keepLoss) {
    this.keepLoss = keepLoss;
  }

  @Override
  public String name() {
    return keepLoss ? "evaluation" : "inference";
  }

  @Override
  public Result run(Graph graph) {
    long switches = graph.nodes().stream().filter(n -> n.op() == Op.MODE_SWITCH).count();
    boolean dropLoss = !keepLoss && graph.loss() != null;
    int removed = (dropLoss ? 1 : 0) + graph.gradients().size() + graph.stateUpdates().size();
    Graph chosen = ModeSwitches.choose(graph, false);
    Graph.Builder out = chosen.toBuilder().clearGradients().clearStateUpdates();
    if (dropLoss) {
      out.clearLoss();
    }
    return new Result(out.build(), (int) switches + removed);
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
