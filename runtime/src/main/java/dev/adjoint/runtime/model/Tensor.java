package dev.adjoint.runtime.model;

import java.util.Objects;

/**
 * A view of one of a compiled model's buffers: no copy, so writing into {@link #f32()}
 * writes the model's input or parameter. Buffers hold the maximum batch; a step reads
 * the first {@code batch} samples.
 */
public final class Tensor {
  private final TensorSpec spec;
  private final Object data;

  public Tensor(TensorSpec spec, Object data) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.data = Objects.requireNonNull(data, "data");
    boolean fits = spec.dtype() == DType.F32 ? data instanceof float[]
        : spec.dtype() == DType.F64 ? data instanceof double[] : data instanceof int[];
    if (!fits) {
      throw new IllegalArgumentException(spec + " cannot be backed by " + data.getClass().getSimpleName());
    }
  }

  public TensorSpec spec() {
    return spec;
  }

  public String name() {
    return spec.name();
  }

  /** The backing array of an f32 tensor. */
  public float[] f32() {
    return (float[]) as(DType.F32);
  }

  /** The backing array of an f64 tensor. */
  public double[] f64() {
    return (double[]) as(DType.F64);
  }

  /** The backing array of an i32 tensor (class indices, ids). */
  public int[] i32() {
    return (int[]) as(DType.I32);
  }

  /** The backing array, whatever its type: what two tensors compare to tell whether they share it. */
  Object data() {
    return data;
  }

  /** The number of elements the buffer holds. */
  public int capacity() {
    return java.lang.reflect.Array.getLength(data);
  }

  /** Element i as a double, whatever the dtype. */
  public double get(int i) {
    return switch (spec.dtype()) {
      case F32 -> ((float[]) data)[i];
      case F64 -> ((double[]) data)[i];
      case I32 -> ((int[]) data)[i];
    };
  }

  /** Sets element i from a double, rounding as the dtype requires. */
  public void set(int i, double value) {
    switch (spec.dtype()) {
      case F32 -> ((float[]) data)[i] = (float) value;
      case F64 -> ((double[]) data)[i] = value;
      case I32 -> ((int[]) data)[i] = (int) value;
      default -> throw new IllegalStateException();
    }
  }

  private Object as(DType dtype) {
    if (spec.dtype() != dtype) {
      throw new IllegalStateException(spec + " is " + spec.dtype().text() + ", not " + dtype.text()
          + "; use " + spec.dtype().text() + "()");
    }
    return data;
  }

  @Override
  public String toString() {
    return spec.toString();
  }
}
