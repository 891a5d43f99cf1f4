package dev.adjoint.data;

import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;
import java.lang.reflect.Array;

/**
 * One column of a {@link Dataset}: a spec whose first dimension is the batch, and the
 * samples one after another in a {@code float[]}, {@code double[]} or {@code int[]} as the
 * dtype says. Owns its array: nothing else writes to it.
 */
final class Column {
  final TensorSpec spec;
  final Object data;
  final int sampleSize;

  Column(TensorSpec spec, Object data, int rows) {
    checkSpec(spec);
    this.spec = spec;
    this.data = data;
    this.sampleSize = spec.sampleSize();
    boolean fits = spec.dtype() == DType.F32 ? data instanceof float[]
        : spec.dtype() == DType.F64 ? data instanceof double[] : data instanceof int[];
    if (!fits) {
      throw new IllegalArgumentException(spec + " cannot be stored in a " + data.getClass().getSimpleName());
    }
    int length = Array.getLength(data);
    if ((long) rows * sampleSize != length) {
      throw new IllegalArgumentException(spec + ": " + rows + " rows of " + sampleSize + " values need "
          + (long) rows * sampleSize + " elements, got " + length);
    }
  }

  /** Throws unless the first dimension, and only the first, is the batch. */
  static void checkSpec(TensorSpec spec) {
    int[] shape = spec.shape();
    if (shape.length == 0 || shape[0] != TensorSpec.BATCH) {
      throw new IllegalArgumentException(spec + ": the first dimension of a data column must be the batch B");
    }
    for (int i = 1; i < shape.length; i++) {
      if (shape[i] < 1) {
        throw new IllegalArgumentException(spec + ": only the first dimension may be the batch B, and the others "
            + "are positive");
      }
    }
  }

  /** An empty array of this dtype, for {@code rows} samples of the spec. */
  static Object allocate(TensorSpec spec, int rows) {
    int n = Math.multiplyExact(rows, spec.sampleSize());
    return switch (spec.dtype()) {
      case F32 -> new float[n];
      case F64 -> new double[n];
      case I32 -> new int[n];
    };
  }

  /** A new column of the given rows, in that order. */
  Column select(int[] rows, int size) {
    Object out = allocate(spec, rows.length);
    for (int i = 0; i < rows.length; i++) {
      int row = rows[i];
      if (row < 0 || row >= size) {
        throw new IndexOutOfBoundsException("row " + row + " (at " + i + ") is not a row of the data set: expected "
            + "0.." + (size - 1));
      }
      System.arraycopy(data, row * sampleSize, out, i * sampleSize, sampleSize);
    }
    return new Column(spec, out, rows.length);
  }

  /** Element {@code i} of the array as a double. */
  double get(int i) {
    return switch (spec.dtype()) {
      case F32 -> ((float[]) data)[i];
      case F64 -> ((double[]) data)[i];
      case I32 -> ((int[]) data)[i];
    };
  }
}
