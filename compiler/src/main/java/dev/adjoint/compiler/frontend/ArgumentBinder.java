package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ast.Argument;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.source.SourceSpan;
import dev.adjoint.runtime.text.Suggestions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Matches a call's arguments to a signature as Python does (positional first, then by
 * name), evaluates each according to its parameter's kind, and reports every mismatch:
 * too many arguments, unknown or repeated names, missing ones, wrong kinds, bad values.
 */
public final class ArgumentBinder {

  /** Evaluates one argument expression for a parameter of the given kind. */
  public interface Evaluator {
    Value evaluate(Expr expr, Kind kind);
  }

  /** Option names of other libraries (PyTorch, Keras) and what Adjoint calls them. */
  private static final Map<String, String> SYNONYMS = Map.ofEntries(
      Map.entry("learning_rate", "lr"), Map.entry("activation", "act"), Map.entry("use_bias", "bias"),
      Map.entry("kernel_initializer", "init"), Map.entry("initializer", "init"), Map.entry("rate", "p"),
      Map.entry("epsilon", "eps"), Map.entry("dim", "axis"), Map.entry("keepdim", "keepdims"),
      Map.entry("num_classes", "classes"), Map.entry("smoothing", "label_smoothing"),
      Map.entry("beta1", "betas"), Map.entry("beta_1", "betas"), Map.entry("weight", "weights"));

  private final Diagnostics diagnostics;

  public ArgumentBinder(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  /** The bound arguments, or empty when an error was reported. */
  public Optional<BoundArgs> bind(Signature signature, List<Argument> args, SourceSpan callSpan, Evaluator evaluator) {
    Map<String, Expr> exprs = new LinkedHashMap<>();
    Map<String, SourceSpan> spans = new LinkedHashMap<>();
    boolean ok = true;
    int position = 0;
    boolean seenNamed = false;
    List<Parameter> params = signature.params();
    for (Argument arg : args) {
      if (!arg.isNamed()) {
        if (seenNamed) {
          diagnostics.error(arg.span(), "positional argument after a named one in " + signature.name() + "()",
              "write it as name = value; it takes " + signature.usage());
          ok = false;
          continue;
        }
        if (position >= params.size()) {
          diagnostics.error(arg.span(), signature.name() + "() takes at most " + params.size()
              + (params.size() == 1 ? " argument" : " arguments") + ", got " + args.size(),
              "it takes " + signature.usage());
          ok = false;
          break;
        }
        Parameter p = params.get(position++);
        exprs.put(p.name(), arg.value());
        spans.put(p.name(), arg.span());
        continue;
      }
      seenNamed = true;
      Parameter p = signature.param(arg.name());
      if (p == null) {
        String hint = Suggestions.didYouMean(arg.name(), signature.names());
        String synonym = SYNONYMS.get(arg.name());
        if (hint == null && synonym != null && signature.param(synonym) != null) {
          hint = "it is called '" + synonym + "' here: " + synonym + " = ...";
        }
        diagnostics.error(arg.nameSpan(), signature.name() + "() has no option '" + arg.name() + "'",
            hint != null ? hint : "it takes " + signature.usage());
        ok = false;
        continue;
      }
      if (exprs.containsKey(p.name())) {
        diagnostics.error(arg.nameSpan(), "'" + p.name() + "' is given twice in " + signature.name() + "()");
        ok = false;
        continue;
      }
      exprs.put(p.name(), arg.value());
      spans.put(p.name(), arg.span());
    }
    for (Parameter p : params) {
      if (p.isRequired() && !exprs.containsKey(p.name())) {
        diagnostics.error(callSpan, signature.name() + "() is missing '" + p.name() + "'",
            "it takes " + signature.usage());
        ok = false;
      }
    }
    // the arguments that did match are still checked, so that one run reports every mistake in the call
    Map<String, Value> values = new LinkedHashMap<>();
    for (Parameter p : params) {
      Expr expr = exprs.get(p.name());
      if (expr == null) {
        if (p.defaultValue() != null) {
          values.put(p.name(), p.defaultValue());
        }
        continue;
      }
      Value v = p.kind() == Kind.SPEC ? specValue(expr) : evaluator.evaluate(expr, p.kind());
      if (v == null) {
        diagnostics.error(expr.span(), signature.name() + "(): '" + p.name() + "' must be " + Kind.SPEC.description());
        ok = false;
        continue;
      }
      if (v instanceof Value.Poison) {
        ok = false;
        continue;
      }
      if (p.optional() && v instanceof Value.Symbol s && s.name().equals("none") && p.kind() != Kind.SYMBOL) {
        exprs.remove(p.name());
        continue;
      }
      Value checked = checkKind(signature, p, v, expr.span());
      if (checked == null) {
        ok = false;
        continue;
      }
      values.put(p.name(), checked);
    }
    return ok ? Optional.of(new BoundArgs(signature, values, spans, exprs, callSpan)) : Optional.empty();
  }

  /** The callee's name of a SPEC argument ({@code adam(...)} or bare {@code adam}), or null. */
  private static Value specValue(Expr expr) {
    if (expr instanceof Expr.Name n && n.isSimple()) {
      return new Value.Symbol(n.joined());
    }
    return expr instanceof Expr.Call c ? new Value.Symbol(c.callee()) : null;
  }

  /** The value converted to the parameter's kind, or null after reporting why it does not fit. */
  private Value checkKind(Signature signature, Parameter p, Value v, SourceSpan span) {
    boolean setting = signature.params().size() == 1 && p.name().equals(signature.name()); // batch 64
    String where = setting ? "'" + p.name() + "'" : signature.name() + "(): '" + p.name() + "'";
    Value converted = convert(p, v);
    if (converted == null) {
      String hint = setting ? null : "it takes " + signature.usage();
      if (v instanceof Value.Symbol s && BuiltinTable.standard().get(s.name()) != null) {
        hint = "'" + s.name() + "' is a function: call it as " + s.name() + "(...)";
      } else if (v instanceof Value.Text t && (p.kind() == Kind.NUMBER || p.kind() == Kind.INT)
          && t.value().strip().matches("-?[0-9.]+([eE][-+]?[0-9]+)?")) {
        hint = "write the number without quotes: " + t.value().strip();
      }
      diagnostics.error(span, where + " must be " + p.kind().description() + ", got " + v.describe(), hint);
      return null;
    }
    if (p.kind() == Kind.SHAPE && ((Value.Tuple) converted).items().stream()
        .filter(i -> i instanceof Value.Symbol).count() > 1) {
      diagnostics.error(span, where + " can contain the batch dimension B only once, got " + Checks.show(converted),
          "the other sizes are numbers; one of them may be -1 to be inferred");
      return null;
    }
    if ((p.kind() == Kind.INT || p.kind() == Kind.INTS || p.kind() == Kind.SHAPE) && !setting
        && !fitsInt(converted)) {
      boolean large = firstOutsideInt(converted) > 0;
      diagnostics.error(span, where + " must be " + (large ? "at most " + Integer.MAX_VALUE
          : "at least " + Integer.MIN_VALUE) + ", got " + Checks.show(converted));
      return null;
    }
    if (p.kind() == Kind.SYMBOL && !p.choices().isEmpty()) {
      String name = ((Value.Symbol) converted).name();
      if (!p.choices().contains(name)) {
        String noun = p.noun() == null ? "value" : p.noun();
        String hint = Suggestions.didYouMean(name, p.choices());
        diagnostics.error(span, signature.name() + "(): unknown " + noun + " '" + name + "'",
            hint != null ? hint : "expected one of: " + String.join(", ", p.choices()));
        return null;
      }
    }
    if (p.check() != null) {
      String problem = p.check().apply(converted);
      if (problem != null) {
        diagnostics.error(span, where + " " + problem);
        return null;
      }
    }
    return converted;
  }

  private static boolean fitsInt(Value v) {
    return firstOutsideInt(v) == 0;
  }

  /** The first integer in the value that does not fit in 32 bits, or 0. */
  private static long firstOutsideInt(Value v) {
    if (v instanceof Value.Int i) {
      return i.value() >= Integer.MIN_VALUE && i.value() <= Integer.MAX_VALUE ? 0 : i.value();
    }
    if (v instanceof Value.Tuple t) {
      for (Value item : t.items()) {
        long outside = firstOutsideInt(item);
        if (outside != 0) {
          return outside;
        }
      }
    }
    return 0;
  }

  private static Value convert(Parameter p, Value v) {
    switch (p.kind()) {
      case ANY:
        return v;
      case TENSOR:
        return v instanceof Value.Tensor ? v : null;
      case INT:
        return v instanceof Value.Int ? v : null;
      case NUMBER:
        return Value.isNumber(v) ? v : null;
      case BOOL:
        if (v instanceof Value.Bool) {
          return v;
        }
        if (v instanceof Value.Symbol s && (s.name().equals("true") || s.name().equals("false"))) {
          return new Value.Bool(s.name().equals("true"));
        }
        return null;
      case SYMBOL:
        return v instanceof Value.Symbol ? v : null;
      case STRING:
        return v instanceof Value.Text ? v : null;
      case INTS:
        if (v instanceof Value.Int) {
          return v;
        }
        return v instanceof Value.Tuple t && t.items().stream().allMatch(i -> i instanceof Value.Int) ? v : null;
      case NUMBERS:
        return v instanceof Value.Tuple t && t.items().stream().allMatch(Value::isNumber) ? v : null;
      case NAMES:
        if (v instanceof Value.Symbol || v instanceof Value.Text) {
          return v;
        }
        return v instanceof Value.Tuple t
            && t.items().stream().allMatch(i -> i instanceof Value.Symbol || i instanceof Value.Text) ? v : null;
      case COLUMNS:
        if (v instanceof Value.Text) {
          return v;
        }
        return v instanceof Value.Tuple t && t.items().stream().allMatch(i -> i instanceof Value.Text) ? v : null;
      case SPEC:
        return v instanceof Value.Symbol ? v : null;
      case INIT:
        return v instanceof Value.Initializer ? v : null;
      case SHAPE:
        if (v instanceof Value.Int) {
          return new Value.Tuple(java.util.List.of(v));
        }
        return v instanceof Value.Tuple t && t.items().stream().allMatch(
            i -> i instanceof Value.Int || (i instanceof Value.Symbol s && s.name().equals("B"))) ? v : null;
      default:
        return null;
    }
  }
}
