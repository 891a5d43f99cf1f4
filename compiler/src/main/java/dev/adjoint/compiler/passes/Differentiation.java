package dev.adjoint.compiler.passes;

import dev.adjoint.compiler.autodiff.TrainingGraph;
import dev.adjoint.compiler.ir.Graph;

/**
 * Takes the training behaviour of every mode switch and adds the gradient of the loss with
 * respect to every parameter (reverse mode). Fires once per gradient.
 */
final class Differentiation implements Pass {

  @Override
  public String name() {
    return "differentiate";
  }

  @Override
  public Result run(Graph graph) {
    Graph training = TrainingGraph.of(graph);
    return new Result(training, training.gradients().size());
  }
}
