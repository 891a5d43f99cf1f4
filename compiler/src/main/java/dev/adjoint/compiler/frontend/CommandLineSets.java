package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads {@code --set name=value} options. Each is reported against its own one-line source
 * named {@code --set}, so a diagnostic shows the option with a caret under the bad part.
 */
final class CommandLineSets {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*");
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
  private static final Pattern REAL = Pattern.compile("-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  private CommandLineSets() {}

  static List<HyperOverride> parse(List<String> sets, Diagnostics diagnostics) {
    List<HyperOverride> out = new ArrayList<>();
    for (String text : sets) {
      SourceFile source = SourceFile.of("--set", text);
      int eq = text.indexOf('=');
      String name = eq < 0 ? text.strip() : text.substring(0, eq).strip();
      if (eq < 0 || !NAME.matcher(name).matches()) {
        diagnostics.error(span(source, 0, Math.max(1, text.length())), "--set takes name=value, got '" + text + "'",
            "e.g. --set hidden=128");
        continue;
      }
      String valueText = text.substring(eq + 1).strip();
      int valueStart = text.indexOf(valueText, eq + 1);
      Value value = value(valueText);
      if (value == null) {
        diagnostics.error(span(source, Math.max(eq + 1, valueStart), Math.max(1, valueText.length())),
            "cannot read '" + valueText + "' as a value",
            "use a number, true or false, a name, or a \"quoted string\"");
        continue;
      }
      out.add(new HyperOverride(name, span(source, 0, eq), value, span(source, Math.max(eq + 1, valueStart),
          Math.max(1, valueText.length()))));
    }
    return out;
  }

  private static Value value(String text) {
    if (text.equals("true") || text.equals("false")) {
      return new Value.Bool(text.equals("true"));
    }
    if (INTEGER.matcher(text).matches()) {
      try {
        return new Value.Int(Long.parseLong(text));
      } catch (NumberFormatException tooLarge) {
        return null;
      }
    }
    if (REAL.matcher(text).matches()) {
      double d = Double.parseDouble(text);
      return Double.isFinite(d) ? new Value.Real(d) : null;
    }
    if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
      return new Value.Text(text.substring(1, text.length() - 1));
    }
    if (NAME.matcher(text).matches()) {
      return new Value.Symbol(text);
    }
    return null;
  }

  private static SourceSpan span(SourceFile source, int offset, int length) {
    return new SourceSpan(source, 1, offset + 1, 1, offset + 1 + Math.max(1, length));
  }
}
