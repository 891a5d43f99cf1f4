package dev.adjoint.runtime.checkpoint;

import dev.adjoint.runtime.model.DType;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a safetensors file: dtype, shape (C order, outermost first) and values.
 *
 * <p>Holds the array it is given, not a copy, so that saving a model does not duplicate its
 * parameters. The array may be longer than the shape needs, as a model's buffer sized for a
 * maximum batch is: only the first {@link #size()} elements belong to the tensor. Arrays read
 * from a file have exactly {@link #size()} elements.
 */
public final class TensorData {
  private final DType dtype;
  private final int[] shape;
  private final int size;
  private final Object data;

  private TensorData(DType dtype, int[] shape, Object data) {
    this.dtype = Objects.requireNonNull(dtype, "dtype");
    this.shape = Objects.requireNonNull(shape, "shape").clone();
    this.data = Objects.requireNonNull(data, "data");
    this.size = sizeOf(this.shape);
    int length = java.lang.reflect.Array.getLength(data);
    if (length < size) {
      throw new IllegalArgumentException("a tensor of shape " + shapeText(this.shape) + " needs " + size
          + " elements, but its array has " + length);
    }
  }

  public static TensorData f32(int[] shape, float[] data) {
    return new TensorData(DType.F32, shape, data);
  }

  public static TensorData f64(int[] shape, double[] data) {
    return new TensorData(DType.F64, shape, data);
  }

  public static TensorData i32(int[] shape, int[] data) {
    return new TensorData(DType.I32, shape, data);
  }

  /** A tensor over an array of the dtype's type: float[], double[] or int[]. */
  public static TensorData of(DType dtype, int[] shape, Object data) {
    boolean fits = dtype == DType.F32 ? data instanceof float[]
        : dtype == DType.F64 ? data instanceof double[] : data instanceof int[];
    if (!fits) {
      throw new IllegalArgumentException("a " + dtype.text() + " tensor cannot be backed by "
          + (data == null ? "null" : data.getClass().getSimpleName()));
    }
    return new TensorData(dtype, shape, data);
  }

  public DType dtype() {
    return dtype;
  }

  public int[] shape() {
    return shape.clone();
  }

  /** The number of elements: the product of the shape, 1 for a scalar (shape []). */
  public int size() {
    return size;
  }

  /** The values of an f32 tensor (the array itself, see the class comment). */
  public float[] f32() {
    return (float[]) as(DType.F32);
  }

  /** The values of an f64 tensor. */
  public double[] f64() {
    return (double[]) as(DType.F64);
  }

  /** The values of an i32 tensor. */
  public int[] i32() {
    return (int[]) as(DType.I32);
  }

  /** The backing array: float[], double[] or int[] by dtype. */
  Object array() {
    return data;
  }

  /** Element i as a double, whatever the dtype. */
  public double get(int i) {
    Objects.checkIndex(i, size);
    switch (dtype) {
      case F32:
        return ((float[]) data)[i];
      case F64:
        return ((double[]) data)[i];
      default:
        return ((int[]) data)[i];
    }
  }

  private Object as(DType wanted) {
    if (dtype != wanted) {
      throw new IllegalStateException("the tensor is " + dtype.text() + ", not " + wanted.text());
    }
    return data;
  }

  /** {@code f32[2,3]}. */
  @Override
  public String toString() {
    return dtype.text() + shapeText(shape);
  }

  /** A shape as checkpoint messages write it: {@code [784,128]}, {@code []} for a scalar. */
  static String shapeText(int[] shape) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      out.append(i > 0 ? "," : "").append(shape[i]);
    }
    return out.append(']').toString();
  }

  private static int sizeOf(int[] shape) {
    long size = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
      }
      size *= d;
      if (size > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("shape " + shapeText(shape) + " has more elements than an array can hold");
      }
    }
    return (int) size;
  }
}
