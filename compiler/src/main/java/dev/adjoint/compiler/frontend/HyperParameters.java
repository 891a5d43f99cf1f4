package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.runtime.text.Suggestions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A model's compile-time hyperparameters, resolved in declaration order: each default is
 * evaluated with the earlier hyperparameters as overridden, then the override (if any) is
 * checked against the default's type and applied. So {@code half = hidden / 2} follows
 * {@code --set hidden=128}.
 */
final class HyperParameters {
  private HyperParameters() {}

  /**
   * The final values, or empty after reporting errors. {@code evaluate} evaluates a default
   * with the hyperparameters resolved so far in scope.
   */
  static Optional<Map<String, Value>> resolve(Declaration.Model model, List<HyperOverride> overrides,
      BiFunction<Expr, Map<String, Value>, Value> evaluate, Diagnostics diagnostics) {
    int errorsBefore = diagnostics.errorCount();
    Map<String, HyperOverride> byName = new LinkedHashMap<>();
    for (HyperOverride o : overrides) {
      byName.put(o.name(), o); // later overrides (the command line) win over earlier ones (the train block)
    }
    Map<String, Value> values = new LinkedHashMap<>();
    for (Declaration.Binding h : model.hyperparameters()) {
      if (values.containsKey(h.name())) {
        diagnostics.error(h.nameSpan(), "hyperparameter '" + h.name() + "' is declared twice");
        continue;
      }
      if (h.name().equals("B")) {
        diagnostics.error(h.nameSpan(), "'B' is the batch dimension and cannot be a hyperparameter",
            "choose another name, e.g. batch_size");
        continue;
      }
      Value v = evaluate.apply(h.value(), values); // sees earlier hyperparameters with their overrides applied
      if (v instanceof Value.Tensor) {
        diagnostics.error(h.value().span(), "a hyperparameter's default must be a constant, got " + v.describe(),
            "functions such as " + (h.value() instanceof Expr.Call c ? c.callee() + "()" : "sqrt()")
                + " build tensors; write the number itself");
        v = Value.POISON;
      } else if (!(v instanceof Value.Poison) && !(Value.plain(v) instanceof Long || Value.plain(v) instanceof Double
          || Value.plain(v) instanceof Boolean || Value.plain(v) instanceof String)) {
        diagnostics.error(h.value().span(), "a hyperparameter's default must be a number, true or false, a string "
            + "or a name, got " + v.describe(),
            v instanceof Value.Tuple ? "declare one hyperparameter for each value" : null);
        v = Value.POISON;
      }
      HyperOverride o = byName.get(h.name());
      if (o != null) {
        Value converted = convert(v, o.value());
        if (converted == null) {
          diagnostics.error(o.valueSpan(), "hyperparameter '" + o.name() + "' takes " + kindOf(v)
              + " (its default is " + Checks.show(v) + "), got " + o.value().describe());
        } else {
          v = converted;
        }
      }
      values.put(h.name(), v);
    }
    for (HyperOverride o : overrides) {
      if (!values.containsKey(o.name())) {
        String hint = Suggestions.didYouMean(o.name(), values.keySet());
        diagnostics.error(o.nameSpan(), "model '" + model.name() + "' has no hyperparameter '" + o.name() + "'",
            hint != null ? hint : values.isEmpty() ? "it declares none" : "it has: "
                + String.join(", ", values.keySet()));
      }
    }
    return diagnostics.errorCount() > errorsBefore ? Optional.empty() : Optional.of(values);
  }

  /** The override in the default's type, or null when it does not fit. */
  private static Value convert(Value current, Value given) {
    if (current instanceof Value.Poison) {
      return given;
    }
    if (current instanceof Value.Int) {
      return given instanceof Value.Int ? given : null;
    }
    if (current instanceof Value.Real) {
      return Value.isNumber(given) ? new Value.Real(Value.number(given)) : null;
    }
    if (current instanceof Value.Bool) {
      if (given instanceof Value.Bool) {
        return given;
      }
      if (given instanceof Value.Symbol s && (s.name().equals("true") || s.name().equals("false"))) {
        return new Value.Bool(s.name().equals("true"));
      }
      return null;
    }
    if (current instanceof Value.Symbol) {
      return given instanceof Value.Symbol ? given : null;
    }
    if (current instanceof Value.Text) {
      return given instanceof Value.Text ? given : null;
    }
    return current.getClass() == given.getClass() ? given : null;
  }

  private static String kindOf(Value v) {
    if (v instanceof Value.Int) {
      return "an integer";
    }
    if (v instanceof Value.Real) {
      return "a number";
    }
    if (v instanceof Value.Bool) {
      return "true or false";
    }
    if (v instanceof Value.Symbol) {
      return "a name";
    }
    if (v instanceof Value.Text) {
      return "a string";
    }
    return "a value like " + Checks.show(v);
  }
}
