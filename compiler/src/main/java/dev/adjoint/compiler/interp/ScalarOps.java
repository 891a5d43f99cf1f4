package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Primitive;
import dev.adjoint.compiler.ir.ElementKernel;

/**
 * The interpreter's scalar semantics of elementwise ops, for constant folding: a folded
 * constant is exactly what the reference interpreter would have computed.
 */
public final class ScalarOps {
  private ScalarOps() {}

  /** The value of an op with a scalar kernel on scalar operands of the given dtype. */
  public static double apply(Primitive op, Attrs attrs, ScalarType dtype, double... args) {
    return ((ElementKernel) op.kernel()).evaluate(args, dtype, attrs);
  }

  /** A value converted to a dtype, as CAST does. */
  public static double cast(double value, ScalarType dtype) {
    return Op.cast(value, dtype);
  }
}
