package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.runtime.text.Suggestions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resolves what follows {@code =} in a param declaration or {@code init =} in a layer: an
 * initializer name ({@code he_uniform}), a call with options ({@code normal(std = 0.01)})
 * or a number (a constant fill).
 */
public final class InitSpec {
  /** Initializer names of other libraries (Keras, PyTorch) and what Adjoint calls them. */
  private static final Map<String, String> ALIASES = Map.of("xavier_uniform", "glorot_uniform", "xavier",
      "glorot_uniform", "xavier_normal", "glorot_normal", "kaiming_uniform", "he_uniform", "kaiming", "he_uniform",
      "kaiming_normal", "he_normal", "random_normal", "normal", "random_uniform", "uniform", "zero", "zeros");

  private InitSpec() {}

  /** The accepted options of each initializer, with defaults as in torch.nn.init. */
  public static Signature signature(Init.Kind kind) {
    return switch (kind) {
      case CONSTANT -> Signature.of(kind.text(), Parameter.required("value", Kind.NUMBER));
      case UNIFORM -> Signature.of(kind.text(), Parameter.of("low", Kind.NUMBER, new Value.Real(0)),
          Parameter.of("high", Kind.NUMBER, new Value.Real(1)));
      case NORMAL -> Signature.of(kind.text(), Parameter.of("mean", Kind.NUMBER, new Value.Real(0)),
          Parameter.of("std", Kind.NUMBER, new Value.Real(1)).withCheck(Checks.nonNegative()));
      case GLOROT_UNIFORM, GLOROT_NORMAL -> Signature.of(kind.text(),
          Parameter.of("gain", Kind.NUMBER, new Value.Real(1)).withCheck(Checks.positive()));
      default -> Signature.of(kind.text());
    };
  }

  public static List<String> names() {
    return Arrays.stream(Init.Kind.values()).map(Init.Kind::text).toList();
  }

  /**
   * The initializer, or empty after reporting an error. A missing one defaults to
   * glorot_uniform for matrices and zeros for vectors and scalars.
   */
  static Optional<Init> resolve(Expr expr, Shape shape, Function<Expr, Value> evaluate, Diagnostics diagnostics) {
    if (expr == null) {
      return Optional.of(Init.of(shape.rank() >= 2 ? Init.Kind.GLOROT_UNIFORM : Init.Kind.ZEROS));
    }
    if (expr instanceof Expr.Name n && n.isSimple()) {
      return named(n.joined(), List.of(), n.span(), n.span(), evaluate, diagnostics);
    }
    if (expr instanceof Expr.Call c) {
      return named(c.callee(), c.args(), c.calleeSpan(), c.span(), evaluate, diagnostics);
    }
    Value v = evaluate.apply(expr);
    if (v instanceof Value.Poison) {
      return Optional.empty();
    }
    if (Value.isNumber(v)) {
      return Optional.of(new Init(Init.Kind.CONSTANT, Map.of("value", Value.number(v))));
    }
    diagnostics.error(expr.span(), "an initializer is a name such as he_uniform, a call such as normal(std = 0.01) "
        + "or a number, got " + v.describe());
    return Optional.empty();
  }

  private static Optional<Init> named(String name, List<dev.adjoint.compiler.ast.Argument> args,
      dev.adjoint.compiler.source.SourceSpan nameSpan, dev.adjoint.compiler.source.SourceSpan span,
      Function<Expr, Value> evaluate, Diagnostics diagnostics) {
    Init.Kind kind = Init.Kind.parse(name);
    if (kind == null) {
      String alias = ALIASES.get(name);
      String hint = alias != null ? "Adjoint calls it '" + alias + "'" : Suggestions.didYouMean(name, names());
      diagnostics.error(nameSpan, "unknown initializer '" + name + "'",
          hint != null ? hint : "expected one of: " + String.join(", ", names()));
      return Optional.empty();
    }
    Optional<BoundArgs> bound = new ArgumentBinder(diagnostics).bind(signature(kind), args, span,
        (e, k) -> evaluate.apply(e));
    if (bound.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Double> options = new LinkedHashMap<>();
    for (String option : new ArrayList<>(signature(kind).names())) {
      options.put(option, bound.get().number(option));
    }
    if (kind == Init.Kind.UNIFORM && options.get("low") >= options.get("high")) {
      diagnostics.error(span, "uniform(): 'low' must be less than 'high'");
      return Optional.empty();
    }
    return Optional.of(new Init(kind, options));
  }
}
