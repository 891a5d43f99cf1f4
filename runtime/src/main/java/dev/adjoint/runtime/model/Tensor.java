package dev.adjoint.runtime.model;

import java.util.Objects;

/**
 * A view of one of a compiled model's buffers: no copy, so writing into {@link #f32()}
 * writes the model's input or parameter. Buffers hold the maximum batch; a step reads
 * the first {@code batch} samples.
 *
 * <p>A layer of a {@code repeat} compiled as a loop is a view of part of its parameters'
 * stacked buffer: its elements start at {@link #offset()} of the backing array (0 for every
 * other tensor); {@link #get} and {@link #set} count from there.
 */
public final class Tensor {
  private final TensorSpec spec;
  private final Object data;
  private final int offset;
  /** Whether the tensor is part of a larger buffer (a layer of a looped repeat) rather than all of it. */
  private final boolean view;

  public Tensor(TensorSpec spec, Object data) {
    this(spec, data, 0, false);
  }

  /** A view of the elements of {@code data} from {@code offset} on; a view has no batch axis. */
  public Tensor(TensorSpec spec, Object data, int offset) {
    this(spec, data, offset, true);
  }

  private Tensor(TensorSpec spec, Object data, int offset, boolean view) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.data = Objects.requireNonNull(data, "data");
    this.offset = offset;
    this.view = view;
    if (offset < 0 || view && (spec.batched()
        || (long) offset + spec.size(1) > java.lang.reflect.Array.getLength(data))) {
      throw new IllegalArgumentException(spec + " cannot start at element " + offset + " of its buffer");
    }
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

  /** Where the tensor's first element is in its backing array: 0 but for a layer of a looped repeat. */
  public int offset() {
    return offset;
  }

  /** Whether the tensor is a part of its backing array (a layer of a looped repeat), not all of it. */
  public boolean isView() {
    return view;
  }

  /** The backing array of an f32 tensor (its elements from {@link #offset()} on). */
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

  /** The number of elements the buffer holds (a view: the tensor's own). */
  public int capacity() {
    return view ? spec.size(1) : java.lang.reflect.Array.getLength(data);
  }

  /** Element i as a double, whatever the dtype. */
  public double get(int i) {
    return switch (spec.dtype()) {
      case F32 -> ((float[]) data)[offset + i];
      case F64 -> ((double[]) data)[offset + i];
      case I32 -> ((int[]) data)[offset + i];
    };
  }

  /** Sets element i from a double, rounding as the dtype requires. */
  public void set(int i, double value) {
    switch (spec.dtype()) {
      case F32 -> ((float[]) data)[offset + i] = (float) value;
      case F64 -> ((double[]) data)[offset + i] = value;
      case I32 -> ((int[]) data)[offset + i] = (int) value;
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
