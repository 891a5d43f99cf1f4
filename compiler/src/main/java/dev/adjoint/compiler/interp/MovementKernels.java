package dev.adjoint.compiler.interp;

import java.util.Arrays;
import java.util.List;

/** RESHAPE, BROADCAST, TRANSPOSE, SLICE, UNSLICE, PAD and CONCAT: data moved, not computed. */
final class MovementKernels {
  private MovementKernels() {}

  /** The same row-major data under another shape of the same size. */
  static F64Tensor reshape(F64Tensor x, int[] to) {
    if (Strides.size(to) != x.size()) {
      throw new IllegalStateException("cannot reshape " + x + " to " + Arrays.toString(to));
    }
    return F64Tensor.wrap(to.clone(), x.raw());
  }

  /** Numpy broadcasting: dimensions aligned from the right, size-1 (and missing) dims repeated. */
  static F64Tensor broadcast(F64Tensor x, int[] to) {
    int[] from = x.shape();
    int offset = to.length - from.length;
    int[] fromStrides = Strides.of(from);
    double[] in = x.raw();
    double[] out = new double[Strides.size(to)];
    int[] index = new int[to.length];
    for (int i = 0; i < out.length; i++) {
      int at = 0;
      for (int axis = 0; axis < from.length; axis++) {
        int position = from[axis] == 1 ? 0 : index[axis + offset];
        at += position * fromStrides[axis];
      }
      out[i] = in[at];
      Strides.next(index, to);
    }
    return F64Tensor.wrap(to.clone(), out);
  }

  /** Output axis i is input axis {@code perm.get(i)}. */
  static F64Tensor transpose(F64Tensor x, List<Integer> perm) {
    int[] from = x.shape();
    int[] to = new int[from.length];
    for (int i = 0; i < to.length; i++) {
      to[i] = from[perm.get(i)];
    }
    int[] fromStrides = Strides.of(from);
    double[] in = x.raw();
    double[] out = new double[in.length];
    int[] index = new int[to.length];
    for (int i = 0; i < out.length; i++) {
      int at = 0;
      for (int axis = 0; axis < to.length; axis++) {
        at += index[axis] * fromStrides[perm.get(axis)];
      }
      out[i] = in[at];
      Strides.next(index, to);
    }
    return F64Tensor.wrap(to, out);
  }

  /** Elements {@code start, start + step, ...} of one axis, {@code length} of them. */
  static F64Tensor slice(F64Tensor x, int axis, int start, int step, int length) {
    int[] from = x.shape();
    int[] to = from.clone();
    to[axis] = length;
    int[] fromStrides = Strides.of(from);
    double[] in = x.raw();
    double[] out = new double[Strides.size(to)];
    int[] index = new int[to.length];
    for (int i = 0; i < out.length; i++) {
      int j = index[axis];
      index[axis] = start + j * step;
      out[i] = in[Strides.flat(index, fromStrides)];
      index[axis] = j;
      Strides.next(index, to);
    }
    return F64Tensor.wrap(to, out);
  }

  /** The inputs side by side along one axis. */
  static F64Tensor concat(List<F64Tensor> inputs, int axis) {
    int[] to = inputs.get(0).shape().clone();
    to[axis] = 0;
    for (F64Tensor x : inputs) {
      to[axis] += x.shape()[axis];
    }
    int[] toStrides = Strides.of(to);
    double[] out = new double[Strides.size(to)];
    int offset = 0;
    for (F64Tensor x : inputs) {
      int[] from = x.shape();
      double[] in = x.raw();
      int[] index = new int[from.length];
      for (int i = 0; i < in.length; i++) {
        out[Strides.flat(index, toStrides) + offset * toStrides[axis]] = in[i];
        Strides.next(index, from);
      }
      offset += from[axis];
    }
    return F64Tensor.wrap(to, out);
  }

  /** Element {@code j} of one axis placed at {@code start + j * step} of an axis of {@code size} zeros. */
  static F64Tensor unslice(F64Tensor x, int axis, int start, int step, int size) {
    int[] from = x.shape();
    int[] to = from.clone();
    to[axis] = size;
    int[] toStrides = Strides.of(to);
    double[] in = x.raw();
    double[] out = new double[Strides.size(to)];
    int[] index = new int[from.length];
    for (int i = 0; i < in.length; i++) {
      int j = index[axis];
      index[axis] = start + j * step;
      out[Strides.flat(index, toStrides)] = in[i];
      index[axis] = j;
      Strides.next(index, from);
    }
    return F64Tensor.wrap(to, out);
  }

  /** {@code before} zeros ahead of and {@code after} zeros behind one axis. */
  static F64Tensor pad(F64Tensor x, int axis, int before, int after) {
    int[] from = x.shape();
    int[] to = from.clone();
    to[axis] = from[axis] + before + after;
    int[] toStrides = Strides.of(to);
    double[] in = x.raw();
    double[] out = new double[Strides.size(to)];
    int[] index = new int[from.length];
    for (int i = 0; i < in.length; i++) {
      out[Strides.flat(index, toStrides) + before * toStrides[axis]] = in[i];
      Strides.next(index, from);
    }
    return F64Tensor.wrap(to, out);
  }
}
