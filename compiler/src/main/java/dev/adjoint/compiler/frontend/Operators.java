package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ast.BinaryOperator;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.ShapeException;

/**
 * The arithmetic operators: folded at compile time on numbers (as Python would compute
 * them), graph nodes with numpy broadcasting on tensors, errors on anything else.
 */
final class Operators {
  private Operators() {}

  static Value negate(Value v, Expr.Negate expr, NodeBuilder ops, Diagnostics diagnostics) {
    if (v instanceof Value.Poison) {
      return v;
    }
    if (v instanceof Value.Int i) {
      return new Value.Int(-i.value());
    }
    if (v instanceof Value.Real r) {
      return new Value.Real(-r.value());
    }
    if (v instanceof Value.Tensor t) {
      return new Value.Tensor(ops.neg(t.node()));
    }
    diagnostics.error(expr.span(), "cannot negate " + v.describe());
    return Value.POISON;
  }

  static Value binary(Expr.Binary expr, Value left, Value right, NodeBuilder ops, Diagnostics diagnostics) {
    if (left instanceof Value.Poison || right instanceof Value.Poison) {
      return Value.POISON;
    }
    BinaryOperator op = expr.op();
    if (op.isComparison() || op.isLogical()) {
      return Selection.binary(expr, left, right, ops, diagnostics);
    }
    if (Value.isNumber(left) && Value.isNumber(right)) {
      return fold(op, left, right, expr, diagnostics);
    }
    if (left instanceof Value.Tensor || right instanceof Value.Tensor) {
      try {
        Node a = tensorOperand(left, right, ops);
        Node b = tensorOperand(right, left, ops);
        if (a == null || b == null) {
          Value other = a == null ? left : right;
          diagnostics.error(expr.opSpan(), "cannot apply '" + op.symbol() + "' to a tensor and " + other.describe());
          return Value.POISON;
        }
        return new Value.Tensor(op == BinaryOperator.MATMUL ? MatrixProducts.matmul(a, b, ops) : elementwise(op, a, b, ops));
      } catch (ShapeException e) {
        diagnostics.error(expr.opSpan(), "cannot " + verb(op) + " " + operand(left) + " and " + operand(right)
            + ": " + Checks.withoutOpName(e.getMessage()), e.hint() != null ? e.hint() : hint(op, left, right));
        return Value.POISON;
      }
    }
    diagnostics.error(expr.opSpan(), "cannot apply '" + op.symbol() + "' to " + left.describe() + " and "
        + right.describe());
    return Value.POISON;
  }

  /** A tensor operand, or a number made a constant of the other operand's dtype; null for anything else. */
  static Node tensorOperand(Value v, Value other, NodeBuilder ops) {
    if (v instanceof Value.Tensor t) {
      return t.node();
    }
    if (Value.isNumber(v) && other instanceof Value.Tensor t) {
      double number = Value.number(v);
      if (!t.node().dtype().isFloat() && number != Math.rint(number)) {
        throw new ShapeException("the number " + Checks.show(v) + " is not an integer, and " + t.node().type()
            + " holds integers; convert the tensor with f32(...) first");
      }
      return ops.constant(number, t.node());
    }
    return null;
  }

  private static Node elementwise(BinaryOperator op, Node a, Node b, NodeBuilder ops) {
    Op primitive = switch (op) {
      case ADD -> Op.ADD;
      case SUBTRACT -> Op.SUB;
      case MULTIPLY -> Op.MUL;
      case DIVIDE -> Op.DIV;
      case POWER -> Op.POW;
      case MATMUL -> throw new IllegalStateException("matmul is not elementwise");
      case LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL, AND, OR ->
          throw new IllegalStateException("comparisons and logical operators are Selection's");
    };
    if (a.dtype() != b.dtype()) {
      throw new ShapeException("the dtypes differ; convert one with f32(...) or f64(...)");
    }
    if (!a.dtype().isFloat() && op != BinaryOperator.ADD && op != BinaryOperator.SUBTRACT
        && op != BinaryOperator.MULTIPLY) {
      throw new ShapeException("'" + op.symbol() + "' needs floating-point operands; convert with f32(...)");
    }
    return ops.binary(primitive, a, b);
  }

  static String verb(BinaryOperator op) {
    return switch (op) {
      case ADD -> "add";
      case SUBTRACT -> "subtract";
      case MULTIPLY -> "multiply";
      case DIVIDE -> "divide";
      case POWER -> "raise";
      case MATMUL -> "matrix-multiply";
      case LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL -> "compare";
      case AND, OR -> "combine";
    };
  }

  /** An operand as the message shows it: a tensor's type, a number as written. */
  static String operand(Value v) {
    return v instanceof Value.Tensor t ? t.node().type().toString() : Checks.show(v);
  }

  private static String hint(BinaryOperator op, Value left, Value right) {
    if (!(left instanceof Value.Tensor l) || !(right instanceof Value.Tensor r)) {
      return null;
    }
    Node a = l.node();
    Node b = r.node();
    if (op == BinaryOperator.MATMUL && a.shape().rank() >= 1 && b.shape().rank() >= 2
        && b.shape().last() == a.shape().last() && b.shape().dim(b.shape().rank() - 2) != a.shape().last()
        && b.shape().dim(b.shape().rank() - 2) != Shape.BATCH) {
      return "the right operand looks transposed: try transpose(...)";
    }
    if (op != BinaryOperator.MATMUL && a.shape().rank() == 2 && b.shape().rank() == 2
        && a.shape().dim(1) == b.shape().dim(0)) {
      return "for a matrix product write '@'";
    }
    return null;
  }

  /** A folded number; one that overflows to infinity or is NaN is worth a warning where it is computed. */
  private static Value real(double value, Value left, Value right, Expr.Binary expr, Diagnostics diagnostics) {
    if (!Double.isFinite(value)) {
      diagnostics.warning(expr.span(), "the constant " + Checks.show(left) + " " + expr.op().symbol() + " "
          + Checks.show(right) + " is " + ConstantWarnings.describe(value),
          "everything computed from it becomes infinite or NaN");
    }
    return new Value.Real(value);
  }

  private static Value fold(BinaryOperator op, Value left, Value right, Expr.Binary expr, Diagnostics diagnostics) {
    boolean ints = left instanceof Value.Int && right instanceof Value.Int;
    double a = Value.number(left);
    double b = Value.number(right);
    try {
      switch (op) {
        case ADD:
          return ints ? new Value.Int(Math.addExact((long) a, (long) b)) : real(a + b, left, right, expr, diagnostics);
        case SUBTRACT:
          return ints ? new Value.Int(Math.subtractExact((long) a, (long) b))
              : real(a - b, left, right, expr, diagnostics);
        case MULTIPLY:
          return ints ? new Value.Int(Math.multiplyExact((long) a, (long) b))
              : real(a * b, left, right, expr, diagnostics);
        case DIVIDE:
          if (b == 0) {
            diagnostics.error(expr.opSpan(), "division by zero");
            return Value.POISON;
          }
          if (ints && (long) a % (long) b == 0) {
            return new Value.Int((long) a / (long) b); // 256 / 2 is the size 128, not 128.0
          }
          return real(a / b, left, right, expr, diagnostics);
        case POWER:
          double p = Math.pow(a, b);
          if (ints && b >= 0 && Math.abs(p) < 9e15) {
            return new Value.Int((long) p);
          }
          return real(p, left, right, expr, diagnostics);
        default:
          diagnostics.error(expr.opSpan(), "'@' multiplies tensors, not numbers");
          return Value.POISON;
      }
    } catch (ArithmeticException overflow) {
      diagnostics.error(expr.span(), "integer overflow in " + Checks.show(left) + " " + op.symbol() + " "
          + Checks.show(right));
      return Value.POISON;
    }
  }
}
