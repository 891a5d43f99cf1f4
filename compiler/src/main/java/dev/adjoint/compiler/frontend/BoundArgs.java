package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The arguments of one call after binding: every parameter of the signature has a value
 * of its kind (or is absent when optional), and a span to point at.
 */
public final class BoundArgs {
  private final Signature signature;
  private final Map<String, Value> values;
  private final Map<String, SourceSpan> spans;
  private final Map<String, Expr> exprs;
  private final SourceSpan callSpan;

  BoundArgs(Signature signature, Map<String, Value> values, Map<String, SourceSpan> spans, Map<String, Expr> exprs,
      SourceSpan callSpan) {
    this.signature = signature;
    this.values = values;
    this.spans = spans;
    this.exprs = exprs;
    this.callSpan = callSpan;
  }

  public Signature signature() {
    return signature;
  }

  /** True when the argument was given or has a default. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** True when the call wrote this argument (not a default). */
  public boolean given(String name) {
    return exprs.containsKey(name);
  }

  public Value value(String name) {
    Value v = values.get(name);
    if (v == null) {
      throw new IllegalStateException("no argument '" + name + "' bound for " + signature.name());
    }
    return v;
  }

  public Node tensor(String name) {
    return ((Value.Tensor) value(name)).node();
  }

  public int integer(String name) {
    return (int) ((Value.Int) value(name)).value();
  }

  public double number(String name) {
    return Value.number(value(name));
  }

  public boolean bool(String name) {
    return ((Value.Bool) value(name)).value();
  }

  public String symbol(String name) {
    return ((Value.Symbol) value(name)).name();
  }

  public String string(String name) {
    return ((Value.Text) value(name)).value();
  }

  /** An INTS argument as a list. */
  public List<Integer> ints(String name) {
    Value v = value(name);
    if (v instanceof Value.Int i) {
      return List.of((int) i.value());
    }
    List<Integer> out = new ArrayList<>();
    for (Value item : ((Value.Tuple) v).items()) {
      out.add((int) ((Value.Int) item).value());
    }
    return out;
  }

  /** A NUMBERS argument as a list. */
  public List<Double> numbers(String name) {
    return ((Value.Tuple) value(name)).items().stream().map(Value::number).toList();
  }

  /** A NAMES or COLUMNS argument: each name or string. */
  public List<String> names(String name) {
    Value v = value(name);
    List<Value> items = v instanceof Value.Tuple t ? t.items() : List.of(v);
    return items.stream().map(item -> item instanceof Value.Symbol s ? s.name() : ((Value.Text) item).value()).toList();
  }

  /** An INIT argument. */
  public dev.adjoint.compiler.ir.Init init(String name) {
    return ((Value.Initializer) value(name)).init();
  }

  /** A SPEC argument as a call; a bare name {@code adam} reads as {@code adam()}. */
  public Expr.Call spec(String name) {
    Expr e = exprs.get(name);
    if (e instanceof Expr.Name n) {
      return new Expr.Call(n.joined(), n.span(), List.of(), n.span());
    }
    return (Expr.Call) e;
  }

  /** Where the argument was written, or the call itself for a default. */
  public SourceSpan span(String name) {
    return spans.getOrDefault(name, callSpan);
  }

  public SourceSpan callSpan() {
    return callSpan;
  }
}
