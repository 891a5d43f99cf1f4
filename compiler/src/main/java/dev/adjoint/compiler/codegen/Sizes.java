package dev.adjoint.compiler.codegen;

import dev.adjoint.compiler.ir.Shape;

/**
 * Element counts of shapes as Java int expressions in the batch variable {@code B}:
 * {@code B * 784}, {@code 10}. Products of static dimensions are folded.
 */
final class Sizes {
  /** The name of the batch-size parameter of every generated step method. */
  static final String BATCH = "B";

  private Sizes() {}

  /** The element count of a shape. */
  static String size(Shape shape) {
    return times(shape.hasBatch(), shape.staticSize());
  }

  /** The element count of dims {@code [from, to)} of a shape. */
  static String size(Shape shape, int from, int to) {
    return size(shape.slice(from, to));
  }

  /** {@code B * n}, {@code B}, or {@code n}. */
  static String times(boolean batch, long n) {
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a tensor of " + n + " elements per sample does not fit in a Java array");
    }
    if (!batch) {
      return Long.toString(n);
    }
    return n == 1 ? BATCH : BATCH + " * " + n;
  }

  /** The size of a dimension. */
  static String dim(int d) {
    return d == Shape.BATCH ? BATCH : Integer.toString(d);
  }

  /** Whether the expression is a literal number (no batch in it). */
  static boolean isStatic(String expression) {
    return expression.chars().allMatch(Character::isDigit);
  }
}
