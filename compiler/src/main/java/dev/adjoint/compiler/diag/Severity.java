package dev.adjoint.compiler.diag;

/** How bad a diagnostic is. Errors stop compilation; warnings and notes do not. */
public enum Severity {
  ERROR("error"),
  WARNING("warning");

  private final String label;

  Severity(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
