package dev.adjoint.compiler.ir;

/**
 * A node whose inputs do not fit its op. The front end checks user programs before it
 * builds nodes and turns what remains into diagnostics; inside the compiler this is a bug.
 */
public final class ShapeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ShapeException(String message) {
    super(message);
  }
}
