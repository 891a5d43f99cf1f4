package dev.adjoint.compiler.interp;

import dev.adjoint.runtime.ops.Erf;

import dev.adjoint.compiler.ir.DType;
import dev.adjoint.compiler.ir.Op;

/**
 * The elementwise ops, one element at a time, in f64. Only CAST to f32 rounds to float;
 * an f32 node is otherwise computed in f64, since the interpreter is the f64 oracle.
 * Results of dtype i32 are integers: integer division truncates, and other arithmetic is
 * truncated toward zero like a CAST to i32.
 */
final class Elementwise {
  private Elementwise() {}

  /** A one-input op over every element. */
  static Tensor unary(Op op, Tensor x) {
    double[] in = x.raw();
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = unary(op, in[i]);
    }
    return Tensor.wrap(x.shape(), out);
  }

  static double unary(Op op, double x) {
    return switch (op) {
      case NEG -> -x;
      case RECIP -> 1 / x;
      case EXP -> Math.exp(x);
      case LOG -> Math.log(x);
      case LOG1P -> Math.log1p(x);
      case SQRT -> Math.sqrt(x);
      case ABS -> Math.abs(x);
      case SIGN -> Math.signum(x);
      case TANH -> Math.tanh(x);
      case SIGMOID -> sigmoid(x);
      case ERF -> Erf.erf(x);
      default -> throw new IllegalStateException(op.text() + " is not a one-input elementwise op");
    };
  }

  /** 1/(1+e^-x) for x ≥ 0 and e^x/(1+e^x) below, so that neither side overflows. */
  static double sigmoid(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }

  /** CAST to {@code dtype}: f32 rounds through float, i32 truncates toward zero (as Java's (int) does). */
  static Tensor cast(Tensor x, DType dtype) {
    double[] in = x.raw();
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = cast(in[i], dtype);
    }
    return Tensor.wrap(x.shape(), out);
  }

  static double cast(double v, DType dtype) {
    return switch (dtype) {
      case F32 -> (double) (float) v;
      case I32 -> (double) (int) v;
      case F64 -> v;
    };
  }

  /** A two-input op over equal shapes; {@code dtype} is the inputs' (and result's) dtype. */
  static Tensor binary(Op op, DType dtype, Tensor a, Tensor b) {
    requireSameShape(op, a, b);
    double[] x = a.raw();
    double[] y = b.raw();
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = binary(op, dtype, x[i], y[i]);
    }
    return Tensor.wrap(a.shape(), out);
  }

  static double binary(Op op, DType dtype, double a, double b) {
    boolean integer = dtype == DType.I32;
    return switch (op) {
      case ADD -> integral(a + b, integer);
      case SUB -> integral(a - b, integer);
      case MUL -> integral(a * b, integer);
      case DIV -> integer ? integerDivide(a, b) : a / b;
      case POW -> integral(Math.pow(a, b), integer);
      case MAX -> Math.max(a, b);
      case MIN -> Math.min(a, b);
      case GREATER -> a > b ? 1 : 0;
      case GREATER_EQUAL -> a >= b ? 1 : 0;
      case EQUAL -> a == b ? 1 : 0;
      default -> throw new IllegalStateException(op.text() + " is not a two-input elementwise op");
    };
  }

  private static double integral(double v, boolean integer) {
    return integer ? cast(v, DType.I32) : v;
  }

  private static double integerDivide(double a, double b) {
    if (b == 0) {
      throw new IllegalArgumentException("integer division by zero");
    }
    return (double) ((int) a / (int) b);
  }

  /** where(condition, a, b): a where the condition is non-zero, else b. */
  static Tensor where(Tensor condition, Tensor a, Tensor b) {
    requireSameShape(Op.WHERE, condition, a);
    requireSameShape(Op.WHERE, a, b);
    double[] c = condition.raw();
    double[] x = a.raw();
    double[] y = b.raw();
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = c[i] != 0 ? x[i] : y[i];
    }
    return Tensor.wrap(a.shape(), out);
  }

  private static void requireSameShape(Op op, Tensor a, Tensor b) {
    if (!a.sameShape(b)) {
      throw new IllegalStateException(op.text() + " got operands of different shapes " + a + " and " + b);
    }
  }
}
