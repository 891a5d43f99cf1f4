package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ast.BinaryOperator;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.frontend.lib.Masks;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.ShapeException;
import dev.adjoint.compiler.ir.ShapeRules;

/**
 * The comparison operators and {@code and}, {@code or}, {@code not}: folded to true or false
 * on constants, masks on tensors. A mask is a float tensor of 0s and 1s (f32, or f64 when
 * f64 values are compared), so it multiplies, sums and averages like any tensor; the
 * logical operators take only masks, which {@link Masks} recognizes.
 */
final class Selection {
  private Selection() {}

  static Value binary(Expr.Binary expr, Value left, Value right, NodeBuilder ops, Diagnostics diagnostics) {
    BinaryOperator op = expr.op();
    if (Value.isNumber(left) && Value.isNumber(right) && op.isComparison()) {
      return new Value.Bool(compare(op, Value.number(left), Value.number(right)));
    }
    if (left instanceof Value.Bool a && right instanceof Value.Bool b) {
      return switch (op) {
        case AND -> new Value.Bool(a.value() && b.value());
        case OR -> new Value.Bool(a.value() || b.value());
        case EQUAL -> new Value.Bool(a.value() == b.value());
        case NOT_EQUAL -> new Value.Bool(a.value() != b.value());
        default -> refuse(expr, left, right, diagnostics);
      };
    }
    if (!(left instanceof Value.Tensor) && !(right instanceof Value.Tensor)) {
      return refuse(expr, left, right, diagnostics);
    }
    try {
      Node a = Operators.tensorOperand(left, right, ops);
      Node b = Operators.tensorOperand(right, left, ops);
      if (a == null || b == null) {
        Value other = a == null ? left : right;
        diagnostics.error(expr.opSpan(), "cannot apply '" + op.symbol() + "' to a tensor and " + other.describe());
        return Value.POISON;
      }
      return op.isLogical() ? logical(expr, a, b, left, right, ops, diagnostics) : new Value.Tensor(mask(op, a, b, ops));
    } catch (ShapeException e) {
      diagnostics.error(expr.opSpan(), "cannot " + Operators.verb(op) + " " + Operators.operand(left) + " and "
          + Operators.operand(right) + ": " + Checks.withoutOpName(e.getMessage()), e.hint());
      return Value.POISON;
    }
  }

  /** {@code not m}: true for false, 1 - m for a mask. */
  static Value not(Value v, Expr.Not expr, NodeBuilder ops, Diagnostics diagnostics) {
    if (v instanceof Value.Poison) {
      return v;
    }
    if (v instanceof Value.Bool b) {
      return new Value.Bool(!b.value());
    }
    if (v instanceof Value.Tensor t && Masks.holds(t.node())) {
      return new Value.Tensor(ops.sub(ops.constant(1, t.node()), t.node()));
    }
    diagnostics.error(expr.span(), "'not' takes a mask or true/false, not " + v.describe(),
        v instanceof Value.Tensor ? "make a mask by comparing, e.g. not (x > 0)" : null);
    return Value.POISON;
  }

  private static boolean compare(BinaryOperator op, double a, double b) {
    return switch (op) {
      case LESS -> a < b;
      case LESS_EQUAL -> a <= b;
      case GREATER -> a > b;
      case GREATER_EQUAL -> a >= b;
      case EQUAL -> a == b;
      case NOT_EQUAL -> a != b;
      default -> throw new IllegalStateException(op + " is not a comparison");
    };
  }

  /** The mask of a comparison, in f32 when integers are compared. */
  private static Node mask(BinaryOperator op, Node a, Node b, NodeBuilder ops) {
    if (a.dtype() != b.dtype()) {
      throw new ShapeException("the dtypes differ; convert one with f32(...) or f64(...)");
    }
    ShapeRules.broadcastShapes(a.shape(), b.shape()); // the operands in the order written, for the message
    Node m = switch (op) {
      case LESS -> ops.greater(b, a);
      case LESS_EQUAL -> ops.greaterEqual(b, a);
      case GREATER -> ops.greater(a, b);
      case GREATER_EQUAL -> ops.greaterEqual(a, b);
      case EQUAL -> ops.equal(a, b);
      case NOT_EQUAL -> {
        Node equal = ops.equal(a, b);
        yield ops.sub(ops.constant(1, equal), equal);
      }
      default -> throw new IllegalStateException(op + " is not a comparison");
    };
    return m.dtype().isFloat() ? m : ops.cast(m, ScalarType.F32);
  }

  /** {@code a and b} is their product, {@code a or b} their maximum; both must be masks. */
  private static Value logical(Expr.Binary expr, Node a, Node b, Value left, Value right, NodeBuilder ops,
      Diagnostics diagnostics) {
    boolean leftMask = Masks.holds(a);
    if (!leftMask || !Masks.holds(b)) {
      Value culprit = leftMask ? right : left;
      diagnostics.error(expr.opSpan(), "'" + expr.op().symbol() + "' combines masks, and its "
          + (leftMask ? "right" : "left") + " operand " + culprit.describe() + " is not known to hold only 0 and 1",
          "make a mask by comparing, e.g. (x > 0) " + expr.op().symbol() + " (y != 0)");
      return Value.POISON;
    }
    Node x = a;
    Node y = b;
    if (x.dtype() != y.dtype()) {
      x = ops.cast(x, ScalarType.F32);
      y = ops.cast(y, ScalarType.F32);
    }
    return new Value.Tensor(expr.op() == BinaryOperator.AND ? ops.mul(x, y) : ops.max(x, y));
  }

  private static Value refuse(Expr.Binary expr, Value left, Value right, Diagnostics diagnostics) {
    diagnostics.error(expr.opSpan(), "cannot apply '" + expr.op().symbol() + "' to " + left.describe() + " and "
        + right.describe());
    return Value.POISON;
  }
}
