package dev.adjoint.compiler.autodiff;

import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.GraphBuilder;
import dev.adjoint.compiler.ir.ModeSwitches;
import dev.adjoint.compiler.ir.Node;
import java.util.Map;

/**
 * The graph a training step computes: the forward graph as it behaves when training
 * (dropout masks drawn, batch statistics used), plus the gradient of the loss with
 * respect to every parameter.
 */
public final class TrainingGraph {
  private TrainingGraph() {}

  public static Graph of(Graph forward) {
    if (forward.loss() == null) {
      throw new IllegalArgumentException("model " + forward.name() + " has no loss to differentiate");
    }
    Graph training = ModeSwitches.choose(forward, true);
    GraphBuilder b = GraphBuilder.start(training.span(), Integer.MAX_VALUE / 2);
    Map<Node, Node> gradients = ReverseMode.gradients(b, training.loss(), training.params());
    Graph.Builder out = training.toBuilder().clearGradients();
    gradients.forEach((param, gradient) -> out.gradient(param.sourceName(), gradient));
    return out.build();
  }
}
