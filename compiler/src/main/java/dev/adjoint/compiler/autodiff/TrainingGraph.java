package dev.adjoint.compiler.autodiff;

import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.ModeSwitches;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.settings.Regularizer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The graph a training step computes: the forward graph as it behaves when training
 * (dropout masks drawn, batch statistics used), plus the gradient of the loss with
 * respect to every parameter.
 *
 * <p>L1 and L2 penalties ({@code regularize l1(λ), l2(λ)}) belong to the objective, so they
 * are added to the loss before differentiation and every optimizer sees their gradient,
 * unlike decoupled weight decay, which the optimizer applies to the weights directly:
 * {@code l1} adds λ·Σ|w| and {@code l2} adds λ·Σw² (Keras's convention, without PyTorch's
 * ½) over the parameters its {@code on =} selects. The training graph's loss is this
 * objective; the evaluation graph keeps the plain loss.
 */
public final class TrainingGraph {
  private TrainingGraph() {}

  /** The training graph of a forward graph without penalties. */
  public static Graph of(Graph forward) {
    if (forward.loss() == null) {
      throw new IllegalArgumentException("model " + forward.name() + " has no loss to differentiate");
    }
    Graph training = ModeSwitches.choose(forward, true);
    NodeBuilder b = NodeBuilder.start(training.span(), Integer.MAX_VALUE / 2);
    Map<Node, Node> gradients = ReverseMode.gradients(b, training.loss(), training.params());
    Graph.Builder out = training.toBuilder().clearGradients();
    gradients.forEach((param, gradient) -> out.gradient(param.sourceName(), gradient));
    return out.build();
  }

  /** The training graph of the forward graph's objective: its loss plus the penalties. */
  public static Graph of(Graph forward, List<Regularizer> regularizers) {
    return of(objective(forward, regularizers));
  }

  /**
   * The forward graph with the penalties of {@code regularizers} ({@code l1} and {@code l2},
   * each with its strength and the parameters it is on) added to its loss; the same graph when there
   * are none. Penalty nodes carry the span of their regularizer in the train block.
   */
  public static Graph objective(Graph forward, List<Regularizer> regularizers) {
    if (regularizers.isEmpty()) {
      return forward;
    }
    if (forward.loss() == null) {
      throw new IllegalArgumentException("model " + forward.name() + " has no loss to regularize");
    }
    Node objective = forward.loss();
    NodeBuilder start = NodeBuilder.start(forward.span(), Integer.MAX_VALUE / 2);
    for (Regularizer regularizer : regularizers) {
      Node penalty = penalty(start.at(regularizer.span()), regularizer, forward, objective);
      if (penalty != null) {
        objective = start.at(regularizer.span()).add(objective, penalty);
      }
    }
    return forward.toBuilder().loss(objective).build();
  }

  /** λ·Σ|w| or λ·Σw² over the selected parameters, in the loss's dtype; null when none is selected. */
  private static Node penalty(NodeBuilder b, Regularizer regularizer, Graph forward, Node loss) {
    Set<String> selected = regularizer.on().resolve(forward);
    Node total = null;
    for (Node param : forward.params()) {
      if (!selected.contains(param.sourceName())) {
        continue;
      }
      Node term = switch (regularizer.norm()) {
        case L1 -> b.sumAll(b.abs(param));
        case L2 -> b.sumAll(b.mul(param, param));
      };
      term = b.cast(term, loss.dtype());
      total = total == null ? term : b.add(total, term);
    }
    return total == null ? null : b.mul(total, b.constant(regularizer.strength(), loss.dtype()));
  }
}
