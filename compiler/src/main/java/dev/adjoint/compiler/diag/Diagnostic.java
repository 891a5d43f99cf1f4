package dev.adjoint.compiler.diag;

import dev.adjoint.compiler.source.SourceSpan;
import java.util.List;
import java.util.Objects;

/**
 * One problem found in a .nn file: where, what, and optionally how to fix it.
 *
 * @param hint a suggestion such as {@code did you mean 'hidden'?}, or null
 */
public record Diagnostic(Severity severity, SourceSpan span, String message, String hint) {

  public Diagnostic {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(span, "span");
    Objects.requireNonNull(message, "message");
  }

  public static Diagnostic error(SourceSpan span, String message) {
    return new Diagnostic(Severity.ERROR, span, message, null);
  }

  public Diagnostic withHint(String newHint) {
    return new Diagnostic(severity, span, message, newHint);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** The diagnostic in the format users see; see {@link DiagnosticFormatter}. */
  public String format() {
    return DiagnosticFormatter.format(this);
  }

  static List<Diagnostic> sorted(List<Diagnostic> diagnostics) {
    return diagnostics.stream()
        .sorted((a, b) -> {
          int byFile = a.span.file().name().compareTo(b.span.file().name());
          if (byFile != 0) {
            return byFile;
          }
          int byLine = Integer.compare(a.span.line(), b.span.line());
          return byLine != 0 ? byLine : Integer.compare(a.span.column(), b.span.column());
        })
        .toList();
  }
}
