package dev.adjoint.compiler.frontend;

/**
 * A function of the language implemented in the compiler: its signature, the group it is
 * documented under, and how it builds graph nodes from its bound arguments.
 */
public record Builtin(Signature signature, String category, String summary, Implementation implementation) {

  /** Builds the function's nodes; may throw {@link dev.adjoint.compiler.ir.ShapeException}. */
  @FunctionalInterface
  public interface Implementation {
    Value apply(BoundArgs args, CallContext context);
  }

  public String name() {
    return signature.name();
  }
}
