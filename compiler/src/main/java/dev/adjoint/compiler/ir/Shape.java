package dev.adjoint.compiler.ir;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A static shape in which at most one dimension may be the symbolic batch size {@code B},
 * known only when a batch arrives. Immutable.
 */
public final class Shape {
  /** The value of a dimension that is the batch size. */
  public static final int BATCH = -1;

  public static final Shape SCALAR = new Shape(new int[0]);

  private final int[] dims;

  private Shape(int[] dims) {
    this.dims = dims;
  }

  public static Shape of(int... dims) {
    int batches = 0;
    for (int d : dims) {
      if (d == BATCH) {
        batches++;
      } else if (d < 0) {
        throw new IllegalArgumentException("negative dimension " + d + " in " + Arrays.toString(dims));
      }
    }
    if (batches > 1) {
      throw new IllegalArgumentException("more than one batch dimension in " + Arrays.toString(dims));
    }
    return dims.length == 0 ? SCALAR : new Shape(dims.clone());
  }

  public static Shape of(List<Integer> dims) {
    return of(dims.stream().mapToInt(Integer::intValue).toArray());
  }

  public int rank() {
    return dims.length;
  }

  public int dim(int axis) {
    return dims[axis];
  }

  /** The last dimension. */
  public int last() {
    return dims[dims.length - 1];
  }

  public int[] dims() {
    return dims.clone();
  }

  public boolean isScalar() {
    return dims.length == 0;
  }

  public boolean hasBatch() {
    return batchAxis() >= 0;
  }

  /** The axis holding {@code B}, or -1. */
  public int batchAxis() {
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] == BATCH) {
        return i;
      }
    }
    return -1;
  }

  /** The most elements one Java array holds (HotSpot's limit, with java.util.ArrayList's margin). */
  public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  /** The product of the static dimensions (the batch dimension counts as 1), at most Long.MAX_VALUE. */
  public long staticSize() {
    long size = 1;
    for (int d : dims) {
      if (d != BATCH) {
        size = d != 0 && size > Long.MAX_VALUE / d ? Long.MAX_VALUE : size * d;
      }
    }
    return size;
  }

  /** The concrete dimensions for a batch size. */
  public int[] concrete(int batch) {
    int[] out = dims.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] == BATCH) {
        out[i] = batch;
      }
    }
    return out;
  }

  /** The number of elements for a batch size. */
  public long size(int batch) {
    return staticSize() * (hasBatch() ? batch : 1);
  }

  /** This shape with one dimension replaced. */
  public Shape with(int axis, int value) {
    int[] out = dims.clone();
    out[axis] = value;
    return of(out);
  }

  /** This shape with more dimensions at the end. */
  public Shape append(int... more) {
    int[] out = Arrays.copyOf(dims, dims.length + more.length);
    System.arraycopy(more, 0, out, dims.length, more.length);
    return of(out);
  }

  /** Dimensions {@code [from, to)}. */
  public Shape slice(int from, int to) {
    return of(Arrays.copyOfRange(dims, from, to));
  }

  /** Negative axes count from the end, as in numpy: -1 is the last. Returns -1 when out of range. */
  public int normalizeAxis(int axis) {
    int a = axis < 0 ? axis + dims.length : axis;
    return a >= 0 && a < dims.length ? a : -1;
  }

  public List<Integer> allAxes() {
    return IntStream.range(0, dims.length).boxed().toList();
  }

  public static String dimText(int d) {
    return d == BATCH ? "B" : Integer.toString(d);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape other && Arrays.equals(dims, other.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  /** {@code [B,784]}. */
  @Override
  public String toString() {
    return Arrays.stream(dims).mapToObj(Shape::dimText).collect(Collectors.joining(",", "[", "]"));
  }
}
