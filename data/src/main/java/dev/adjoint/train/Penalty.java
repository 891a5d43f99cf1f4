package dev.adjoint.train;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import java.util.List;

/**
 * The L1 and L2 penalties a training step adds to the loss (its objective is loss + penalty),
 * computed from the parameters as they are before the step: the loop subtracts it from what
 * {@link CompiledModel#trainStep} returns, so that the training loss it reports is the plain
 * loss, comparable with the validation loss.
 */
@FunctionalInterface
public interface Penalty {
  /** No penalty. */
  Penalty NONE = model -> 0;

  /** The penalty at the model's current parameters. */
  double value(CompiledModel model);

  /** One penalty term: {@code strength}·Σ|w| ({@code l1}) or {@code strength}·Σw² over one parameter. */
  record Term(String param, boolean l1, double strength) {}

  /** The sum of the terms; {@link #NONE} when there are none. */
  static Penalty of(List<Term> terms) {
    if (terms.isEmpty()) {
      return NONE;
    }
    List<Term> copy = List.copyOf(terms);
    return model -> {
      double total = 0;
      for (Term t : copy) {
        Tensor p = model.param(t.param());
        int n = p.spec().size(1);
        double sum = 0;
        for (int i = 0; i < n; i++) {
          double w = p.get(i);
          sum += t.l1() ? Math.abs(w) : w * w;
        }
        total += t.strength() * sum;
      }
      return total;
    };
  }
}
