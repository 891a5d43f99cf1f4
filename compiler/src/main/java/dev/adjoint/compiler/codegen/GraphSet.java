package dev.adjoint.compiler.codegen;

import dev.adjoint.compiler.autodiff.TrainingGraph;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.passes.Pipeline;
import dev.adjoint.compiler.settings.Regularizer;
import java.util.List;

/**
 * The graphs a model class computes: the forward graph it came from, and the optimized
 * training, evaluation and prediction graphs (the first two null for a model without a loss).
 * The training graph's loss is the objective, penalties of {@code regularize} included; the
 * evaluation graph's is the plain loss.
 */
public record GraphSet(Graph forward, Graph training, Graph evaluation, Graph prediction) {

  /** The names of the inputs the compiled graphs read: a predictor takes no targets. */
  public java.util.Set<String> usedInputs() {
    java.util.Set<String> used = new java.util.LinkedHashSet<>();
    for (Graph g : java.util.Arrays.asList(training, evaluation, prediction)) {
      if (g != null) {
        g.inputs().forEach(n -> used.add(n.sourceName()));
      }
    }
    return used;
  }

  /** Runs the pipelines over a forward graph. */
  public static GraphSet of(Graph forward) {
    return of(forward, List.of());
  }

  /** Runs the pipelines over a forward graph, training its loss plus the penalties of {@code regularizers}. */
  public static GraphSet of(Graph forward, List<Regularizer> regularizers) {
    boolean trainable = forward.loss() != null;
    return new GraphSet(forward,
        trainable ? Pipeline.training().apply(TrainingGraph.objective(forward, regularizers)) : null,
        trainable ? Pipeline.evaluation().apply(forward) : null,
        Pipeline.inference().apply(forward));
  }
}
