package dev.adjoint.data;

import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;
import java.lang.reflect.Array;
import java.util.Arrays;

/**
 * One column of a {@link Dataset}: a spec whose first dimension is the batch, and the
 * samples one after another in a {@code float[]}, {@code double[]} or {@code int[]} as the
 * dtype says. Owns its array: nothing else writes to it.
 *
 * <p>A ragged column (bags of ids and their weights, {@link #offsets} not null) keeps only
 * each row's first values, row r's in {@code data[offsets[r] .. offsets[r + 1])}, and the
 * rest of the row, up to the sample size, is {@link #pad}: its memory is that of the values
 * present, not of rows times the longest.
 */
final class Column {
  final TensorSpec spec;
  final Object data;
  final int sampleSize;
  /** Row r's values start at offsets[r]; null for a dense column. */
  final int[] offsets;
  /** The value of a ragged row after its own values. */
  final double pad;

  Column(TensorSpec spec, Object data, int rows) {
    this(spec, data, rows, null, 0);
  }

  Column(TensorSpec spec, Object data, int rows, int[] offsets, double pad) {
    checkSpec(spec);
    this.offsets = offsets;
    this.pad = pad;
    this.spec = spec;
    this.data = data;
    this.sampleSize = spec.sampleSize();
    boolean fits = spec.dtype() == DType.F32 ? data instanceof float[]
        : spec.dtype() == DType.F64 ? data instanceof double[] : data instanceof int[];
    if (!fits) {
      throw new IllegalArgumentException(spec + " cannot be stored in a " + data.getClass().getSimpleName());
    }
    int length = Array.getLength(data);
    if (offsets != null) {
      checkOffsets(offsets, rows, length);
    } else if ((long) rows * sampleSize != length) {
      throw new IllegalArgumentException(spec + ": " + rows + " rows of " + sampleSize + " values need "
          + (long) rows * sampleSize + " elements, got " + length);
    }
  }

  private void checkOffsets(int[] offsets, int rows, int length) {
    if (offsets.length != rows + 1 || offsets[0] != 0 || offsets[rows] != length) {
      throw new IllegalArgumentException(spec + ": a ragged column of " + rows + " rows needs " + (rows + 1)
          + " offsets from 0 to its " + length + " values");
    }
    for (int r = 0; r < rows; r++) {
      int used = offsets[r + 1] - offsets[r];
      if (used < 0 || used > sampleSize) {
        throw new IllegalArgumentException(spec + ": ragged row " + r + " holds " + used + " values, outside 0.."
            + sampleSize);
      }
    }
  }

  /** The number of values stored: rows times the sample size, or for a ragged column the values present. */
  int stored() {
    return Array.getLength(data);
  }

  /** Row r's own values in a ragged column (the rest is padding); the sample size in a dense one. */
  int used(int row) {
    return offsets == null ? sampleSize : offsets[row + 1] - offsets[row];
  }

  /** Where row r's values start in {@link #data}. */
  int start(int row) {
    return offsets == null ? row * sampleSize : offsets[row];
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
    int[] newOffsets = offsets == null ? null : new int[rows.length + 1];
    long total = 0;
    for (int i = 0; i < rows.length; i++) {
      int row = rows[i];
      if (row < 0 || row >= size) {
        throw new IndexOutOfBoundsException("row " + row + " (at " + i + ") is not a row of the data set: expected "
            + "0.." + (size - 1));
      }
      total += used(row);
      if (newOffsets != null) {
        newOffsets[i + 1] = Math.toIntExact(total);
      }
    }
    Object out = offsets == null ? allocate(spec, rows.length) : allocateValues(Math.toIntExact(total));
    for (int i = 0; i < rows.length; i++) {
      int at = newOffsets == null ? i * sampleSize : newOffsets[i];
      System.arraycopy(data, start(rows[i]), out, at, used(rows[i]));
    }
    return new Column(spec, out, rows.length, newOffsets, pad);
  }

  private Object allocateValues(int n) {
    return switch (spec.dtype()) {
      case F32 -> new float[n];
      case F64 -> new double[n];
      case I32 -> new int[n];
    };
  }

  /** Element {@code element} of sample {@code row} as a double (the pad past a ragged row's values). */
  double get(int row, int element) {
    if (element >= used(row)) {
      return pad;
    }
    int i = start(row) + element;
    return switch (spec.dtype()) {
      case F32 -> ((float[]) data)[i];
      case F64 -> ((double[]) data)[i];
      case I32 -> ((int[]) data)[i];
    };
  }

  /** The values as a dense row-major array, rows times the sample size (a copy of a ragged column's: i32 or f32). */
  Object dense(int rows) {
    if (offsets == null) {
      return data;
    }
    Object out = allocate(spec, rows);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(data, offsets[r], out, r * sampleSize, used(r));
      if (out instanceof int[] ints) {
        Arrays.fill(ints, r * sampleSize + used(r), (r + 1) * sampleSize, (int) pad);
      } else {
        Arrays.fill((float[]) out, r * sampleSize + used(r), (r + 1) * sampleSize, (float) pad);
      }
    }
    return out;
  }
}
