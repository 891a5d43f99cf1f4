package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.runtime.text.Suggestions;
import dev.adjoint.compiler.ir.Attrs;
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
      String stack = stackOf(block, name);
      if (stack != null) {
        block.diagnostics().error(OptionCalls.spanOfOption(call, option), call.callee() + "(): '" + name
                + "' is one layer of a repeat compiled as a loop, whose layers share the parameter '" + stack + "'",
            "select all of its layers as '" + stack + "', or a group such as weights");
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

  /** The stacked parameter of a looped repeat that holds the layer {@code name}, or null. */
  private static String stackOf(TrainBlock block, String name) {
    for (Node p : block.graph().params()) {
      Attrs.Layers layers = p.attrs(Attrs.Param.class).layers();
      if (layers != null && layers.names().contains(name)) {
        return p.sourceName();
      }
    }
    return null;
  }
}
