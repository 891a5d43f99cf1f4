package dev.adjoint.compiler.interp;

import java.util.Arrays;

/** GATHER, SCATTER_ADD and ONE_HOT over integer ids held as doubles. */
final class IndexingKernels {
  private IndexingKernels() {}

  /** gather(table[N, D], ids[...]) gives [..., D]: row id of the table, or zeros for a negative id. */
  static F64Tensor gather(F64Tensor table, F64Tensor ids) {
    int rows = table.dim(0);
    int width = table.dim(1);
    double[] t = table.raw();
    double[] out = new double[ids.size() * width];
    for (int i = 0; i < ids.size(); i++) {
      int id = id(ids.flat(i));
      if (id < 0) {
        continue;
      }
      requireRow(id, rows);
      System.arraycopy(t, id * width, out, i * width, width);
    }
    return F64Tensor.wrap(append(ids.shape(), width), out);
  }

  /** scatter_add(ids[...], updates[..., D]) into zeros of [N, D]; rows of negative ids are skipped. */
  static F64Tensor scatterAdd(F64Tensor ids, F64Tensor updates, int[] target) {
    int rows = target[0];
    int width = target[1];
    double[] u = updates.raw();
    double[] out = new double[rows * width];
    for (int i = 0; i < ids.size(); i++) {
      int id = id(ids.flat(i));
      if (id < 0) {
        continue;
      }
      requireRow(id, rows);
      for (int j = 0; j < width; j++) {
        out[id * width + j] += u[i * width + j];
      }
    }
    return F64Tensor.wrap(target.clone(), out);
  }

  /** one_hot(ids[...]) gives [..., C]: 1 at the id, a zero row for an id outside [0, C). */
  static F64Tensor oneHot(F64Tensor ids, int classes) {
    double[] out = new double[ids.size() * classes];
    for (int i = 0; i < ids.size(); i++) {
      int id = id(ids.flat(i));
      if (id >= 0 && id < classes) {
        out[i * classes + id] = 1;
      }
    }
    return F64Tensor.wrap(append(ids.shape(), classes), out);
  }

  private static int id(double v) {
    if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("id " + v + " is not an i32 integer");
    }
    return (int) v;
  }

  private static void requireRow(int id, int rows) {
    if (id >= rows) {
      throw new IllegalArgumentException("id " + id + " out of range for a table of " + rows + " rows");
    }
  }

  private static int[] append(int[] shape, int last) {
    int[] out = Arrays.copyOf(shape, shape.length + 1);
    out[shape.length] = last;
    return out;
  }
}
