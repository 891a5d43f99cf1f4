package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Argument;
import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.runtime.text.Suggestions;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import java.util.ArrayList;
import java.util.List;

/** {@code standardize x, z} (or {@code true}, every floating-point input): inputs, not targets, of floating point. */
final class StandardizeCheck {
  private StandardizeCheck() {}

  /** The inputs to standardize; the names that are not floating-point inputs reported. */
  static List<String> check(TrainBlock block) {
    Declaration.Setting s = block.setting("standardize");
    if (s == null) {
      return List.of();
    }
    List<Node> inputs = block.graph().inputs();
    List<String> floatInputs = inputs.stream()
        .filter(n -> !n.attrs(Attrs.Input.class).target() && n.dtype().isFloat()).map(Node::sourceName).toList();
    List<Argument> args = block.calls().positionalOnly(s, Integer.MAX_VALUE, "standardize x");
    if (args == null) {
      return List.of();
    }
    if (args.size() == 1 && args.get(0).value() instanceof Expr.Name n && n.isSimple()
        && (n.joined().equals("true") || n.joined().equals("false"))) {
      return n.joined().equals("true") ? floatInputs : List.of();
    }
    List<String> out = new ArrayList<>();
    for (Argument arg : args) {
      if (!(arg.value() instanceof Expr.Name n) || !n.isSimple()) {
        block.diagnostics().error(arg.span(), "standardize takes input names or true, e.g. standardize x");
        continue;
      }
      Node source = inputs.stream().filter(i -> i.sourceName().equals(n.joined())).findFirst().orElse(null);
      if (source != null && source.attrs(Attrs.Input.class).target()) {
        block.diagnostics().error(n.span(), "'" + n.joined() + "' is a target; standardize applies to inputs",
            "predictions are compared with targets as they are in the data");
        continue;
      }
      if (source != null && !source.dtype().isFloat()) {
        block.diagnostics().error(n.span(), "'" + n.joined() + "' holds integers (" + source.type()
            + "); standardize applies to floating-point inputs");
        continue;
      }
      if (!floatInputs.contains(n.joined())) {
        String hint = Suggestions.didYouMean(n.joined(), floatInputs);
        block.diagnostics().error(n.span(), "'" + n.joined() + "' is not a floating-point input of the model",
            hint != null ? hint : floatInputs.isEmpty() ? null : "inputs are: " + String.join(", ", floatInputs));
        continue;
      }
      out.add(n.joined());
    }
    return out;
  }
}
