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

  /** The same value as read from a method whose model is {@code receiver}. */
  Operand in(Receiver receiver);

  /**
   * Elements {@code field[0 .. size)} laid out row-major in {@code shape}, read through
   * {@code receiver} (see {@link Receiver}).
   */
  record Array(String field, ScalarType dtype, Shape shape, Receiver receiver) implements Operand {
    /** An array read from the model's own methods. */
    Array(String field, ScalarType dtype, Shape shape) {
      this(field, dtype, shape, Receiver.MODEL);
    }

    /** The field as code reads it: {@code this.h_W} (or {@code m.h_W}), so that no local can shadow it. */
    String ref() {
      return receiver.field(field);
    }

    @Override
    public Array in(Receiver other) {
      return other == receiver ? this : new Array(field, dtype, shape, other);
    }
  }

  /**
   * One value: a literal such as {@code 0.5f}, an expression such as {@code (float) B}, or
   * (with {@code element}) element 0 of an array, {@code this.t3[0]}.
   */
  record Scalar(String text, Array element, ScalarType dtype, Shape shape) implements Operand {
    /** A value that reads no field. */
    Scalar(String expression, ScalarType dtype, Shape shape) {
      this(expression, null, dtype, shape);
    }

    /** Element 0 of {@code array}, read as a scalar. */
    static Scalar element(Array array, ScalarType dtype, Shape shape) {
      return new Scalar(null, array, dtype, shape);
    }

    /** The value as a Java expression. */
    String expression() {
      return element == null ? text : element.ref() + "[0]";
    }

    @Override
    public Scalar in(Receiver receiver) {
      return element == null ? this : new Scalar(null, element.in(receiver), dtype, shape);
    }
  }

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

    @Override
    public View in(Receiver receiver) {
      return new View(source.in(receiver), shape, pattern);
    }
  }

  /** How a view indexes its source. */
  enum Pattern {
    ROW, COLUMN
  }
}
