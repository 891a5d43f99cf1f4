package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Argument;
import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.runtime.text.Suggestions;
import dev.adjoint.compiler.frontend.ArgumentBinder;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Signature;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Binding the text of a train block's settings: a setting's positional values, option calls
 * such as {@code adam(lr = 1e-3)} bound against their signatures, and the errors for what
 * does not fit. Every check of a block binds through one of these.
 */
final class OptionCalls {
  private final Diagnostics diagnostics;
  private final ArgumentBinder binder;
  private final BiFunction<Expr, Kind, Value> evaluate;

  /**
   * @param evaluate evaluates an option value for a parameter kind, with the model's
   *     hyperparameters in scope; bare names become symbols where the kind takes names
   */
  OptionCalls(Diagnostics diagnostics, BiFunction<Expr, Kind, Value> evaluate) {
    this.diagnostics = diagnostics;
    this.binder = new ArgumentBinder(diagnostics);
    this.evaluate = evaluate;
  }

  /** The setting's arguments when they are all positional and at most {@code max}; else null after an error. */
  List<Argument> positionalOnly(Declaration.Setting s, int max, String example) {
    if (s.args().isEmpty()) {
      diagnostics.error(s.keySpan(), "'" + s.key() + "' needs a value, e.g. " + example);
      return null;
    }
    for (Argument a : s.args()) {
      if (a.isNamed()) {
        diagnostics.error(a.nameSpan(), "'" + s.key() + "' takes no named options here, e.g. " + example);
        return null;
      }
    }
    if (s.args().size() > max) {
      diagnostics.error(s.args().get(max).span(), "'" + s.key() + "' takes at most " + max
          + (max == 1 ? " value" : " values") + ", e.g. " + example);
      return null;
    }
    return s.args();
  }

  /** The expression as an option call, a bare name {@code adam} as {@code adam()}; else null after an error. */
  Expr.Call asCall(Expr e, String expected) {
    if (e instanceof Expr.Call c) {
      return c;
    }
    if (e instanceof Expr.Name n && n.isSimple()) {
      return new Expr.Call(n.joined(), n.span(), List.of(), n.span());
    }
    diagnostics.error(e.span(), "expected " + expected);
    return null;
  }

  void unknown(Expr.Call call, String noun, Collection<String> known) {
    String hint = Suggestions.didYouMean(call.callee(), known);
    diagnostics.error(call.calleeSpan(), "unknown " + noun + " '" + call.callee() + "'",
        hint != null ? hint : "expected one of: " + String.join(", ", known));
  }

  /** The call bound against the table's signature of its name; empty after an error. */
  Optional<BoundArgs> bindFromTable(Expr.Call call, Map<String, Signature> table, String noun) {
    Signature signature = table.get(call.callee());
    if (signature == null) {
      unknown(call, noun, table.keySet());
      return Optional.empty();
    }
    return bind(call, signature);
  }

  /** The call's arguments bound against {@code signature}; empty after an error. */
  Optional<BoundArgs> bind(Expr.Call call, Signature signature) {
    return bind(signature, call.args(), call.span());
  }

  /** Arguments bound against {@code signature}, errors pointing into {@code span}. */
  Optional<BoundArgs> bind(Signature signature, List<Argument> args, SourceSpan span) {
    return binder.bind(signature, args, span, evaluate::apply);
  }

  /** The text of a span on one line, as written. */
  static String sourceText(SourceSpan span) {
    String line = span.file().line(span.line());
    if (span.endLine() != span.line() || span.endColumn() - 1 > line.length()) {
      return "...";
    }
    return line.substring(span.column() - 1, span.endColumn() - 1);
  }

  /** Where the call names {@code option}, or the call itself. */
  static SourceSpan spanOfOption(Expr.Call call, String option) {
    for (Argument a : call.args()) {
      if (option.equals(a.name())) {
        return a.span();
      }
    }
    return call.span();
  }
}
