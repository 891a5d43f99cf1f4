package dev.adjoint.compiler.ast;

import dev.adjoint.compiler.source.SourceSpan;

/** A call argument: positional when {@code name} is null, else {@code name = value}. */
public record Argument(String name, SourceSpan nameSpan, Expr value) {

  public boolean isNamed() {
    return name != null;
  }

  /** The whole argument, name included. */
  public SourceSpan span() {
    return nameSpan == null ? value.span() : nameSpan.to(value.span());
  }
}
