package dev.adjoint.compiler.interp;

import java.util.Arrays;

/**
 * A concrete f64 tensor: row-major data and a shape without the symbolic batch dimension.
 * The interpreter's value type. Immutable from outside: factories and {@link #data()} copy,
 * so a tensor handed out can never change under its holder. i32 values are held as exact
 * doubles.
 */
public final class F64Tensor {
  /** Tensors with more elements than this print in summary form. */
  private static final int PRINT_LIMIT = 64;

  private final int[] shape;
  private final double[] data;

  private F64Tensor(int[] shape, double[] data) {
    this.shape = shape;
    this.data = data;
  }

  /** A tensor of the given shape holding {@code values} in row-major order (copied). */
  public static F64Tensor of(int[] shape, double... values) {
    int size = Strides.size(shape);
    if (values.length != size) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size + " values, got "
          + values.length);
    }
    return new F64Tensor(shape.clone(), values.clone());
  }

  /** A rank-0 tensor. */
  public static F64Tensor scalar(double value) {
    return new F64Tensor(new int[0], new double[] {value});
  }

  /** A rank-1 tensor of the values. */
  public static F64Tensor vector(double... values) {
    return new F64Tensor(new int[] {values.length}, values.clone());
  }

  /** A rank-2 tensor from rows of equal length. */
  public static F64Tensor matrix(double[]... rows) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    double[] data = new double[rows.length * cols];
    for (int r = 0; r < rows.length; r++) {
      if (rows[r].length != cols) {
        throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " values, row 0 has " + cols);
      }
      System.arraycopy(rows[r], 0, data, r * cols, cols);
    }
    return new F64Tensor(new int[] {rows.length, cols}, data);
  }

  /** A tensor of zeros. */
  public static F64Tensor zeros(int... shape) {
    return new F64Tensor(shape.clone(), new double[Strides.size(shape)]);
  }

  /** A tensor with every element {@code value}. */
  public static F64Tensor fill(int[] shape, double value) {
    double[] data = new double[Strides.size(shape)];
    Arrays.fill(data, value);
    return new F64Tensor(shape.clone(), data);
  }

  /** Takes ownership of {@code data} without copying; for the interpreter's kernels only. */
  static F64Tensor wrap(int[] shape, double[] data) {
    if (data.length != Strides.size(shape)) {
      throw new IllegalStateException("shape " + Arrays.toString(shape) + " does not hold " + data.length
          + " values");
    }
    return new F64Tensor(shape, data);
  }

  /** The shape (a copy). */
  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** The size of one axis. */
  public int dim(int axis) {
    return shape[axis];
  }

  /** The number of elements. */
  public int size() {
    return data.length;
  }

  /** The element at a multi-index, one entry per axis. */
  public double get(int... index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
          + " entries for a tensor of rank " + shape.length);
    }
    for (int axis = 0; axis < index.length; axis++) {
      if (index[axis] < 0 || index[axis] >= shape[axis]) {
        throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " is outside shape "
            + Arrays.toString(shape));
      }
    }
    return data[Strides.flat(index, Strides.of(shape))];
  }

  /** The element at a row-major flat offset. */
  public double flat(int offset) {
    return data[offset];
  }

  /** The only element of a one-element tensor, such as a scalar loss. */
  public double item() {
    if (data.length != 1) {
      throw new IllegalStateException("item() needs one element, the tensor has " + data.length);
    }
    return data[0];
  }

  /** The elements in row-major order (a copy). */
  public double[] data() {
    return data.clone();
  }

  /** The elements without copying; kernels must not write to it. */
  double[] raw() {
    return data;
  }

  /** True if the shapes are equal. */
  public boolean sameShape(F64Tensor other) {
    return Arrays.equals(shape, other.shape);
  }

  /**
   * True if the shapes are equal and every pair of elements satisfies
   * {@code |a - b| <= atol + rtol * |b|} ({@code other} is the reference). NaN matches NaN and
   * an infinity matches the same infinity, so an oracle comparison also checks where the
   * non-finite values are.
   */
  public boolean allClose(F64Tensor other, double rtol, double atol) {
    if (!sameShape(other)) {
      return false;
    }
    for (int i = 0; i < data.length; i++) {
      if (!close(data[i], other.data[i], rtol, atol)) {
        return false;
      }
    }
    return true;
  }

  private static boolean close(double a, double b, double rtol, double atol) {
    if (Double.isNaN(a) || Double.isNaN(b)) {
      return Double.isNaN(a) && Double.isNaN(b);
    }
    if (Double.isInfinite(a) || Double.isInfinite(b)) {
      return a == b;
    }
    return Math.abs(a - b) <= atol + rtol * Math.abs(b);
  }

  /** Exact equality of shape and elements ({@link Double#equals} semantics: NaN equals NaN, 0.0 differs from -0.0). */
  @Override
  public boolean equals(Object o) {
    return o instanceof F64Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  /** {@code [2,3] [[1, 2, 3], [4, 5, 6]]} for small tensors, the shape and the first values for large ones. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(Arrays.toString(shape).replace(" ", "")).append(' ');
    if (data.length > PRINT_LIMIT) {
      sb.append('[');
      for (int i = 0; i < 8; i++) {
        sb.append(number(data[i])).append(", ");
      }
      return sb.append("... (").append(data.length).append(" values)]").toString();
    }
    if (shape.length == 0) {
      return sb.append(number(data[0])).toString();
    }
    appendNested(sb, 0, 0, Strides.of(shape));
    return sb.toString();
  }

  private void appendNested(StringBuilder sb, int axis, int offset, int[] strides) {
    sb.append('[');
    for (int i = 0; i < shape[axis]; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      int at = offset + i * strides[axis];
      if (axis == shape.length - 1) {
        sb.append(number(data[at]));
      } else {
        appendNested(sb, axis + 1, at, strides);
      }
    }
    sb.append(']');
  }

  private static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
