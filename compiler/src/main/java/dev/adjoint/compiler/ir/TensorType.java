package dev.adjoint.compiler.ir;

import java.util.Objects;

/** A dtype and a shape: what every node produces. Prints as {@code f32[B,784]}. */
public record TensorType(ScalarType dtype, Shape shape) {
  public TensorType {
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(shape, "shape");
  }

  public static TensorType of(ScalarType dtype, int... dims) {
    return new TensorType(dtype, Shape.of(dims));
  }

  @Override
  public String toString() {
    return dtype.text() + shape;
  }
}
