package dev.adjoint.compiler.ast;

import dev.adjoint.compiler.source.SourceSpan;

/** One item between the brackets of {@code x[...]}: what it selects along an axis, or a new axis. */
public sealed interface Subscript {
  SourceSpan span();

  /** {@code 2}, {@code -1}: one element, and the axis is dropped. */
  record At(Expr index, SourceSpan span) implements Subscript {}

  /** {@code 2:5}, {@code ::2}, {@code :}: a slice; a missing part (null) takes its default. */
  record Range(Expr start, Expr end, Expr step, SourceSpan span) implements Subscript {
    /** {@code :} alone: the whole axis. */
    public boolean isWhole() {
      return start == null && end == null && step == null;
    }
  }

  /** {@code ...}: as many whole axes as the other items leave. */
  record Ellipsis(SourceSpan span) implements Subscript {}

  /** {@code None}: a new axis of size 1. */
  record NewAxis(SourceSpan span) implements Subscript {}
}
