package dev.adjoint.compiler.diag;

import dev.adjoint.compiler.source.SourceSpan;

/**
 * Renders a diagnostic the way compilers users know do:
 *
 * <pre>
 * mnist.nn:6:16: error: unknown name 'hiden'
 *     6 |   h = dense(x, hiden, act = relu)
 *       |                ^~~~~
 *   hint: did you mean 'hidden'?
 * </pre>
 */
public final class DiagnosticFormatter {
  private DiagnosticFormatter() {}

  public static String format(Diagnostic d) {
    SourceSpan span = d.span();
    StringBuilder out = new StringBuilder();
    out.append(span.location()).append(": ").append(d.severity().label()).append(": ").append(d.message()).append('\n');
    String line = span.file().line(span.line());
    if (!line.isEmpty()) {
      String number = Integer.toString(span.line());
      String gutter = " ".repeat(Math.max(0, 5 - number.length()));
      out.append(gutter).append(number).append(" | ").append(expandTabs(line)).append('\n');
      out.append("      | ").append(caret(line, span)).append('\n');
    }
    if (d.hint() != null) {
      out.append("  hint: ").append(d.hint()).append('\n');
    }
    return out.toString();
  }

  private static String caret(String line, SourceSpan span) {
    int start = Math.min(span.column() - 1, line.length());
    int end = span.endLine() == span.line() ? Math.min(span.endColumn() - 1, line.length()) : line.length();
    StringBuilder caret = new StringBuilder();
    for (int i = 0; i < start; i++) {
      caret.append(line.charAt(i) == '\t' ? "    " : " ");
    }
    caret.append('^');
    for (int i = start + 1; i < end; i++) {
      caret.append('~');
    }
    return caret.toString();
  }

  private static String expandTabs(String line) {
    return line.replace("\t", "    ");
  }
}
