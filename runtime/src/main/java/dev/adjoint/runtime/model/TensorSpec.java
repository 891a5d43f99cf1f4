package dev.adjoint.runtime.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor of a compiled model: its dtype and shape, in which {@value #BATCH} marks
 * the batch dimension. Immutable.
 */
public final class TensorSpec {
  /** The value of a dimension that is the batch size. */
  public static final int BATCH = -1;

  private final String name;
  private final DType dtype;
  private final int[] shape;

  public TensorSpec(String name, DType dtype, int... shape) {
    this.name = Objects.requireNonNull(name, "name");
    this.dtype = Objects.requireNonNull(dtype, "dtype");
    this.shape = shape.clone();
  }

  public String name() {
    return name;
  }

  public DType dtype() {
    return dtype;
  }

  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public boolean batched() {
    for (int d : shape) {
      if (d == BATCH) {
        return true;
      }
    }
    return false;
  }

  /** The number of elements for a batch size (the batch dimension times the rest). */
  public int size(int batch) {
    long size = 1;
    for (int d : shape) {
      size *= d == BATCH ? batch : d;
    }
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " would hold " + size + " elements, more than an array can");
    }
    return (int) size;
  }

  /** The elements per sample: the size with the batch dimension counted once. */
  public int sampleSize() {
    return size(1);
  }

  /** {@code x: f32[B,784]}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(name).append(": ").append(dtype.text()).append('[');
    for (int i = 0; i < shape.length; i++) {
      out.append(i > 0 ? "," : "").append(shape[i] == BATCH ? "B" : Integer.toString(shape[i]));
    }
    return out.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t && t.name.equals(name) && t.dtype == dtype && Arrays.equals(t.shape, shape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dtype, Arrays.hashCode(shape));
  }
}
