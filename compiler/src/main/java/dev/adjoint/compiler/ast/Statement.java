package dev.adjoint.compiler.ast;

import dev.adjoint.compiler.source.SourceSpan;
import java.util.List;

/** A statement in a model or def body. */
public sealed interface Statement {
  SourceSpan span();

  /** {@code input x: f32[B, 784]} or, with {@code target}, {@code target y: class[B] of 10}. */
  record Input(String name, SourceSpan nameSpan, TypeExpr type, boolean target, SourceSpan span) implements Statement {}

  /** {@code param w: f32[2, 1] = glorot_uniform}; {@code init} may be null. */
  record Param(String name, SourceSpan nameSpan, TypeExpr type, Expr init, SourceSpan span) implements Statement {}

  /** {@code h = expr}, or with {@code output}, {@code output probs = expr}. Binding {@code loss} sets the loss. */
  record Assign(String name, SourceSpan nameSpan, Expr value, boolean output, SourceSpan span) implements Statement {}

  /** {@code a, b = expr}: the items of a tuple (what split and chunk give) bound to names, one each. */
  record Unpack(List<String> names, List<SourceSpan> nameSpans, Expr value, SourceSpan span) implements Statement {
    public Unpack {
      names = List.copyOf(names);
      nameSpans = List.copyOf(nameSpans);
    }
  }

  /** {@code repeat 3 { ... }}. */
  record Repeat(Expr count, List<Statement> body, SourceSpan span) implements Statement {
    public Repeat {
      body = List.copyOf(body);
    }
  }

  /** {@code return expr}, the value of a def. */
  record Return(Expr value, SourceSpan span) implements Statement {}
}
