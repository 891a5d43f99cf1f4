package dev.adjoint.compiler.codegen;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts in generated source that see through shared kernel methods ({@link KernelMethods}):
 * code that one method holds and several nodes call counts once per call.
 */
final class GeneratedCalls {
  private static final Pattern METHOD = Pattern.compile(
      "\\n  (?:[a-z]+ )*[\\w\\[\\]]+ (\\w+)\\([^)]*\\) \\{\\n(.*?)\\n  \\}\\n", Pattern.DOTALL);

  private GeneratedCalls() {}

  /**
   * How many times {@code part} appears in the code the entry points run: its occurrences in
   * each method, times the calls of that method (once for a method nothing in the class calls).
   */
  static int runs(String source, String part) {
    int total = 0;
    Matcher m = METHOD.matcher(source);
    while (m.find()) {
      int own = count(m.group(2), part);
      if (own > 0) {
        int calls = count(source, m.group(1) + "(") - 1;
        total += own * Math.max(1, calls);
      }
    }
    return total;
  }

  /** Occurrences of {@code part} in {@code text}. */
  static int count(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }
}
