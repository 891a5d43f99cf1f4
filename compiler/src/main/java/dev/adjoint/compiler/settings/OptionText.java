package dev.adjoint.compiler.settings;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A setting as graph dumps and generated comments print it, {@code adam(lr=0.001, betas=(0.9, 0.999))}:
 * numbers without a needless point or exponent sign, strings in quotes, tuples in parentheses.
 */
public final class OptionText {
  private final StringBuilder text;
  private boolean first = true;

  private OptionText(String name) {
    this.text = new StringBuilder(name).append('(');
  }

  /** A call named {@code name}, its options added in order. */
  public static OptionText call(String name) {
    return new OptionText(name);
  }

  public OptionText number(String option, double value) {
    return shown(option, number(value));
  }

  public OptionText integer(String option, long value) {
    return shown(option, Long.toString(value));
  }

  public OptionText bool(String option, boolean value) {
    return shown(option, Boolean.toString(value));
  }

  public OptionText string(String option, String value) {
    return shown(option, quoted(value));
  }

  public OptionText numbers(String option, List<Double> values) {
    return shown(option, values.stream().map(OptionText::number).collect(Collectors.joining(", ", "(", ")")));
  }

  /** An option whose value is already text, such as a {@link ParamSelection}. */
  public OptionText shown(String option, Object value) {
    text.append(first ? "" : ", ").append(option).append('=').append(value);
    first = false;
    return this;
  }

  @Override
  public String toString() {
    return text + ")";
  }

  /** {@code 256}, {@code 0.001}, {@code 1e-05} style: integers without a point, no "E". */
  public static String number(double x) {
    if (x == Math.rint(x) && Math.abs(x) < 1e15) {
      return Long.toString((long) x);
    }
    String text = Double.toString(x);
    int e = text.indexOf('E');
    if (e < 0) {
      return text;
    }
    String mantissa = text.substring(0, e);
    if (mantissa.endsWith(".0")) {
      mantissa = mantissa.substring(0, mantissa.length() - 2);
    }
    return mantissa + "e" + text.substring(e + 1);
  }

  /** A name or path in double quotes, as written in the .nn file. */
  public static String quoted(String value) {
    return "\"" + value + "\"";
  }

  /** One name as a quoted string, several as a tuple of them: as the .nn file wrote them. */
  public static String names(List<String> names, boolean tuple) {
    List<String> shown = names.stream().map(OptionText::quoted).toList();
    return tuple ? "(" + String.join(", ", shown) + ")" : shown.get(0);
  }
}
