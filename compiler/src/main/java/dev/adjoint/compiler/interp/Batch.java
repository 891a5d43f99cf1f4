package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Shape;

/**
 * The batch size B of one evaluation, read from the inputs, or unknown when no input with a
 * batch dimension was fed. Turns declared shapes into concrete ones.
 */
record Batch(int size) {
  static final Batch UNKNOWN = new Batch(-1);

  boolean known() {
    return size >= 0;
  }

  /** The concrete dimensions of {@code shape}; an {@link IllegalArgumentException} if it has B and B is unknown. */
  int[] concrete(Shape shape) {
    if (shape.hasBatch() && !known()) {
      throw new IllegalArgumentException("the batch size B is unknown (no input with a batch dimension was fed)"
          + " but the shape " + shape + " needs it");
    }
    return shape.concrete(size);
  }
}
