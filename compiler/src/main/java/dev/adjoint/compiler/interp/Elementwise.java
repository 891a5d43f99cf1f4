package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.DType;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Primitive;
import dev.adjoint.compiler.ir.ScalarKernel;
import java.util.List;

/**
 * Ops with a {@link ScalarKernel} over whole tensors of one shape, element by element, in
 * f64 through the kernel's own evaluator. Only CAST to f32 rounds to float; an f32 node is
 * otherwise computed in f64, since the interpreter is the f64 oracle. Results of dtype i32
 * are integers, as the kernels define.
 */
final class Elementwise {
  private Elementwise() {}

  /** The op over every element of its operands; {@code dtype} is the first operand's. */
  static Tensor apply(Primitive op, ScalarKernel kernel, Attrs attrs, DType dtype, List<Tensor> in) {
    Tensor first = in.get(0);
    for (Tensor t : in) {
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
    return Tensor.wrap(first.shape(), out);
  }

  /** A built-in elementwise op without attributes over tensors of f64 values. */
  static Tensor apply(Op op, Tensor... in) {
    return apply(op, (ScalarKernel) op.kernel(), Attrs.NONE, DType.F64, List.of(in));
  }
}
