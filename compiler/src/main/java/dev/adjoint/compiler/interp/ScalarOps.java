package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.DType;
import dev.adjoint.compiler.ir.Op;

/**
 * The interpreter's scalar semantics of elementwise ops, for constant folding: a folded
 * constant is exactly what the reference interpreter would have computed.
 */
public final class ScalarOps {
  private ScalarOps() {}

  /** The value of an elementwise op (not WHERE) on scalar operands of the given dtype. */
  public static double apply(Op op, DType dtype, double... args) {
    if (args.length == 1) {
      return op == Op.CAST ? args[0] : Elementwise.unary(op, args[0]);
    }
    return Elementwise.binary(op, dtype, args[0], args[1]);
  }

  /** A value converted to a dtype, as CAST does. */
  public static double cast(double value, DType dtype) {
    return Elementwise.cast(value, dtype);
  }
}
