package dev.adjoint.compiler.ast;

import dev.adjoint.compiler.source.SourceSpan;
import java.util.List;

/** An expression as written; meaning comes later, in the front end's elaborator. */
public sealed interface Expr {
  SourceSpan span();

  /** {@code 256}, {@code 1e-3}; {@code integral} when written without a point or exponent. */
  record Number(double value, boolean integral, String text, SourceSpan span) implements Expr {}

  /** {@code "data/train.csv"}, with escapes already resolved. */
  record Text(String value, SourceSpan span) implements Expr {}

  /** {@code hidden}, {@code relu}, {@code h.W}. */
  record Name(List<String> parts, SourceSpan span) implements Expr {
    public Name {
      parts = List.copyOf(parts);
    }

    public String joined() {
      return String.join(".", parts);
    }

    public boolean isSimple() {
      return parts.size() == 1;
    }
  }

  /** {@code dense(x, 10, act = relu)}. */
  record Call(String callee, SourceSpan calleeSpan, List<Argument> args, SourceSpan span) implements Expr {
    public Call {
      args = List.copyOf(args);
    }
  }

  /** {@code -x}. */
  record Negate(Expr operand, SourceSpan span) implements Expr {}

  /** {@code not m}: the complement of a mask. */
  record Not(Expr operand, SourceSpan span) implements Expr {}

  /** {@code a + b}, {@code a @ b}, {@code a ** 2}, {@code a < b}, {@code m and n}; {@code opSpan} points at the operator. */
  record Binary(BinaryOperator op, Expr left, Expr right, SourceSpan opSpan, SourceSpan span) implements Expr {}

  /** {@code x[:, 2:5]}, {@code softmax(h)[:, 0]}: a subscript of {@code base}; {@code bracket} is its {@code [}. */
  record Index(Expr base, List<Subscript> items, SourceSpan bracket, SourceSpan span) implements Expr {
    public Index {
      items = List.copyOf(items);
    }
  }

  /** {@code (0, 1)}. */
  record Tuple(List<Expr> items, SourceSpan span) implements Expr {
    public Tuple {
      items = List.copyOf(items);
    }
  }
}
