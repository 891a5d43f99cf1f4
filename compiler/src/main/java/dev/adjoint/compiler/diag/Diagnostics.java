package dev.adjoint.compiler.diag;

import dev.adjoint.compiler.source.SourceSpan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Collects the diagnostics of one compilation so that several errors are reported in one run. */
public final class Diagnostics {
  private final List<Diagnostic> items = new ArrayList<>();

  public Diagnostic error(SourceSpan span, String message) {
    return add(Diagnostic.error(span, message));
  }

  public Diagnostic error(SourceSpan span, String message, String hint) {
    return add(new Diagnostic(Severity.ERROR, span, message, hint));
  }

  public Diagnostic warning(SourceSpan span, String message, String hint) {
    return add(new Diagnostic(Severity.WARNING, span, message, hint));
  }

  /** Adds a diagnostic unless the same one is already there (a def inlined twice reports its error once). */
  public Diagnostic add(Diagnostic diagnostic) {
    if (!items.contains(diagnostic)) {
      items.add(diagnostic);
    }
    return diagnostic;
  }

  public void addAll(Diagnostics other) {
    items.addAll(other.items);
  }

  public boolean hasErrors() {
    return items.stream().anyMatch(Diagnostic::isError);
  }

  public int errorCount() {
    return (int) items.stream().filter(Diagnostic::isError).count();
  }

  /** In the order they were found. */
  public List<Diagnostic> all() {
    return Collections.unmodifiableList(items);
  }

  /** By file, line and column, as they are printed. */
  public List<Diagnostic> sorted() {
    return Diagnostic.sorted(items);
  }

  /** Every diagnostic formatted, sorted, followed by a one-line count of errors and warnings. */
  public String format() {
    StringBuilder out = new StringBuilder();
    for (Diagnostic d : sorted()) {
      out.append(d.format());
    }
    int errors = errorCount();
    int warnings = items.size() - errors;
    String counted = (errors > 0 ? errors + (errors == 1 ? " error" : " errors") : "")
        + (errors > 0 && warnings > 0 ? ", " : "")
        + (warnings > 0 ? warnings + (warnings == 1 ? " warning" : " warnings") : "");
    if (!counted.isEmpty()) {
      out.append(counted).append('\n');
    }
    return out.toString();
  }
}
