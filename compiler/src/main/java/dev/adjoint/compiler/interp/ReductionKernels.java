package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Attrs;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;

/** REDUCE_SUM, REDUCE_MAX and COUNT over sorted, distinct axes; ARGMAX along one. */
final class ReductionKernels {
  private ReductionKernels() {}

  /** The sum over the axes; 0 over an empty extent. */
  static F64Tensor sum(F64Tensor x, Attrs.Axes axes) {
    return reduce(x, axes, 0, Double::sum);
  }

  /** The maximum over the axes; -∞ over an empty extent; NaN if any element is NaN. */
  static F64Tensor max(F64Tensor x, Attrs.Axes axes) {
    return reduce(x, axes, Double.NEGATIVE_INFINITY, Math::max);
  }

  /**
   * The index of the largest element along the one axis: the first on a tie; an element is
   * taken only when it is larger than the best so far, so a NaN wins only in first place.
   */
  static F64Tensor argmax(F64Tensor x, Attrs.Axes axes) {
    int[] shape = x.shape();
    int axis = axes.axes().get(0);
    int outer = Strides.size(java.util.Arrays.copyOfRange(shape, 0, axis));
    int n = shape[axis];
    int inner = Strides.size(java.util.Arrays.copyOfRange(shape, axis + 1, shape.length));
    double[] in = x.raw();
    double[] out = new double[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        int base = o * n * inner + j;
        double best = in[base];
        int index = 0;
        for (int r = 1; r < n; r++) {
          if (in[base + r * inner] > best) {
            best = in[base + r * inner];
            index = r;
          }
        }
        out[o * inner + j] = index;
      }
    }
    int[] outShape = axes.keepDims() ? shape.clone() : new int[shape.length - 1];
    if (axes.keepDims()) {
      outShape[axis] = 1;
    } else {
      for (int i = 0, k = 0; i < shape.length; i++) {
        if (i != axis) {
          outShape[k++] = shape[i];
        }
      }
    }
    return F64Tensor.wrap(outShape, out);
  }

  /** max(1, the number of elements of x along the axes), as a scalar. */
  static F64Tensor count(F64Tensor x, Attrs.Axes axes) {
    long count = 1;
    for (int axis : axes.axes()) {
      count *= x.dim(axis);
    }
    return F64Tensor.scalar(Math.max(1, count));
  }

  /**
   * Accumulates every input element into the output element at the same index with the
   * reduced axes set to 0. With the reduced axes kept as size 1 or dropped, the output's
   * row-major layout is the same, so only the final shape differs.
   */
  private static F64Tensor reduce(F64Tensor x, Attrs.Axes axes, double initial, DoubleBinaryOperator combine) {
    int[] shape = x.shape();
    boolean[] reduced = new boolean[shape.length];
    for (int axis : axes.axes()) {
      reduced[axis] = true;
    }
    int[] keptShape = shape.clone();
    int droppedRank = 0;
    for (int axis = 0; axis < shape.length; axis++) {
      if (reduced[axis]) {
        keptShape[axis] = 1;
      } else {
        droppedRank++;
      }
    }
    int[] keptStrides = Strides.of(keptShape);
    double[] out = new double[Strides.size(keptShape)];
    Arrays.fill(out, initial);

    double[] in = x.raw();
    int[] index = new int[shape.length];
    for (int i = 0; i < in.length; i++) {
      int at = 0;
      for (int axis = 0; axis < shape.length; axis++) {
        if (!reduced[axis]) {
          at += index[axis] * keptStrides[axis];
        }
      }
      out[at] = combine.applyAsDouble(out[at], in[i]);
      Strides.next(index, shape);
    }

    if (axes.keepDims()) {
      return F64Tensor.wrap(keptShape, out);
    }
    int[] droppedShape = new int[droppedRank];
    int j = 0;
    for (int axis = 0; axis < shape.length; axis++) {
      if (!reduced[axis]) {
        droppedShape[j++] = shape[axis];
      }
    }
    return F64Tensor.wrap(droppedShape, out);
  }
}
