package dev.adjoint.compiler;

import dev.adjoint.compiler.diag.Diagnostics;

/** A .nn model with errors: the message is every diagnostic, formatted as the command line prints them. */
public final class AdjointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Diagnostics diagnostics;

  public AdjointException(Diagnostics diagnostics) {
    super(diagnostics.format().stripTrailing());
    this.diagnostics = diagnostics;
  }

  public Diagnostics diagnostics() {
    return diagnostics;
  }
}
