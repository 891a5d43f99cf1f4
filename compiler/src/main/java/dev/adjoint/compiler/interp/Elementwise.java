package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Primitive;
import dev.adjoint.compiler.ir.ElementKernel;
import java.util.List;

/**
 * Ops with a {@link ElementKernel} over whole tensors of one shape, element by element, in
 * f64 through the kernel's own evaluator. Only CAST to f32 rounds to float; an f32 node is
 * otherwise computed in f64, since the interpreter is the f64 oracle. Results of dtype i32
 * are integers, as the kernels define.
 */
final class Elementwise {
  private Elementwise() {}

  /** The op over every element of its operands; {@code dtype} is the first operand's. */
  static F64Tensor apply(Primitive op, ElementKernel kernel, Attrs attrs, ScalarType dtype, List<F64Tensor> in) {
    F64Tensor first = in.get(0);
    for (F64Tensor t : in) {
      if (!first.sameShape(t)) {
        throw new IllegalStateException(op.text() + " got operands of different shapes " + first + " and " + t);
      }
    }
    double[][] data = new double[in.size()][];
    for (int k = 0; k < data.length; k++) {
      data[k] = in.get(k).raw();
    }
    double[] args = new double[data.length];
    double[] out = new double[first.raw().length];
    for (int i = 0; i < out.length; i++) {
      for (int k = 0; k < data.length; k++) {
        args[k] = data[k][i];
      }
      out[i] = kernel.evaluate(args, dtype, attrs);
    }
    return F64Tensor.wrap(first.shape(), out);
  }

  /** A built-in elementwise op without attributes over tensors of f64 values. */
  static F64Tensor apply(Op op, F64Tensor... in) {
    return apply(op, (ElementKernel) op.kernel(), Attrs.NONE, ScalarType.F64, List.of(in));
  }
}
