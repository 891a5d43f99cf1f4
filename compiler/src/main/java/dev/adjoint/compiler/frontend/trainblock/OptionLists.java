package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Argument;
import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.frontend.Signature;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Settings that list option calls, such as {@code regularize l2(1e-4), l1(1e-5)}: every
 * value a call from the setting's table, each name at most once, {@code on =} checked.
 */
final class OptionLists {
  private OptionLists() {}

  /** A call of the list with its bound options. */
  record Bound(Expr.Call call, BoundArgs args) {}

  /** The calls of setting {@code key} that bind, in order; the others reported. */
  static List<Bound> bind(TrainBlock block, String key, Map<String, Signature> table, String noun) {
    Declaration.Setting s = block.setting(key);
    List<Bound> out = new ArrayList<>();
    if (s == null) {
      return out;
    }
    String example = table.keySet().iterator().next() + "(...)";
    Set<String> seen = new LinkedHashSet<>();
    for (Argument arg : s.args()) {
      if (arg.isNamed()) {
        block.diagnostics().error(arg.nameSpan(), "'" + key + "' takes calls such as " + example
            + ", not named options");
        continue;
      }
      Expr.Call call = block.calls().asCall(arg.value(), "a " + noun + " such as " + example);
      if (call == null) {
        continue;
      }
      if (!seen.add(call.callee()) && table.containsKey(call.callee())) {
        block.diagnostics().error(call.calleeSpan(), "'" + call.callee() + "' is given twice");
        continue;
      }
      block.calls().bindFromTable(call, table, noun).ifPresent(args -> {
        if (args.has("on")) {
          ParamSelectionCheck.check(block, TrainOptions.selection(args, "on"), "on", call);
        }
        out.add(new Bound(call, args));
      });
    }
    return out;
  }

  /** The calls of setting {@code key} that bind, as their typed settings. */
  static <T> List<T> typed(TrainBlock block, String key, Map<String, TrainOptions.Choice<T>> choices, String noun) {
    return bind(block, key, TrainOptions.signatures(choices), noun).stream()
        .map(b -> choices.get(b.call().callee()).build().apply(b.args())).toList();
  }
}
