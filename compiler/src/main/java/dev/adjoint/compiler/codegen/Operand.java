package dev.adjoint.compiler.codegen;

import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Shape;

/**
 * How generated code reads a node's value: an array (a field), a scalar expression
 * (a literal or a value computed from the batch size), or a broadcast view of an array
 * that a loop indexes without materializing it.
 */
sealed interface Operand {
  ScalarType dtype();

  Shape shape();

  /** Elements {@code field[0 .. size)} laid out row-major in {@code shape}. */
  record Array(String field, ScalarType dtype, Shape shape) implements Operand {
    /** The field as code reads it: {@code this.h_W}, so that no local can shadow it. */
    String ref() {
      return "this." + field;
    }
  }

  /** One value: a literal such as {@code 0.5f} or an expression such as {@code (float) B}. */
  record Scalar(String expression, ScalarType dtype, Shape shape) implements Operand {}

  /**
   * An array broadcast to {@code shape}: ROW repeats a [.., C] source over the leading axes
   * (read {@code source[j]}); COLUMN repeats a [R, 1] source along the last axis (read
   * {@code source[r]}).
   */
  record View(Array source, Shape shape, Pattern pattern) implements Operand {
    @Override
    public ScalarType dtype() {
      return source.dtype();
    }
  }

  /** How a view indexes its source. */
  enum Pattern {
    ROW, COLUMN
  }
}
