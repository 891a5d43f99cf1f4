package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.runtime.text.Suggestions;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.settings.ParamSelection;
import java.util.ArrayList;
import java.util.List;

/** {@code on = (weights, "h.b")} and {@code decay_on = ...}: each item a parameter group or a parameter of the model. */
final class ParamSelectionCheck {
  private ParamSelectionCheck() {}

  /** Reports every item of {@code selection} (option {@code option} of {@code call}) that names nothing. */
  static void check(TrainBlock block, ParamSelection selection, String option, Expr.Call call) {
    List<String> names = block.graph().params().stream().map(Node::sourceName).toList();
    for (ParamSelection.Item item : selection.items()) {
      String name = item.text();
      if (TrainOptions.PARAM_GROUPS.contains(name) || names.contains(name)) {
        continue;
      }
      List<String> candidates = new ArrayList<>(TrainOptions.PARAM_GROUPS);
      candidates.addAll(names);
      String hint = Suggestions.didYouMean(name, candidates);
      block.diagnostics().error(OptionCalls.spanOfOption(call, option), call.callee() + "(): '" + name
              + "' is neither a parameter group nor a parameter of the model",
          hint != null ? hint : "groups are " + String.join(", ", TrainOptions.PARAM_GROUPS));
    }
  }
}
