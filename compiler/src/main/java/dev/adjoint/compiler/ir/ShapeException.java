package dev.adjoint.compiler.ir;

/**
 * A node whose inputs do not fit its op. The front end checks user programs before it
 * builds nodes and turns what remains into diagnostics; inside the compiler this is a bug.
 */
public final class ShapeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String hint;

  public ShapeException(String message) {
    this(message, null);
  }

  /** With a suggestion for the user, as a diagnostic's hint. */
  public ShapeException(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  /** How to fix it, or null. */
  public String hint() {
    return hint;
  }
}
