package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.settings.OptionText;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reusable value constraints for {@link Parameter#check()}: each gives a message or null. */
public final class Checks {
  private Checks() {}

  public static Function<Value, String> positive() {
    return v -> Value.isNumber(v) && Value.number(v) > 0 ? null : "must be positive, got " + show(v);
  }

  public static Function<Value, String> nonNegative() {
    return v -> Value.isNumber(v) && Value.number(v) >= 0 ? null : "must be zero or more, got " + show(v);
  }

  /** An integer or a tuple of integers, each positive. */
  public static Function<Value, String> positiveInts() {
    return v -> {
      java.util.List<Value> items = v instanceof Value.Tuple t ? t.items() : java.util.List.of(v);
      for (Value item : items) {
        if (!(Value.isNumber(item) && Value.number(item) > 0)) {
          return "must hold positive integers, got " + show(v);
        }
      }
      return null;
    };
  }

  /** {@code low <= v < high}, or {@code low <= v <= high} when {@code highIncluded}. */
  public static Function<Value, String> range(double low, double high, boolean highIncluded) {
    return v -> {
      double x = Value.number(v);
      boolean ok = x >= low && (highIncluded ? x <= high : x < high);
      return ok ? null : "must be in [" + show(low) + ", " + show(high) + (highIncluded ? "]" : ")") + ", got " + show(v);
    };
  }

  /** Each item of a tuple of numbers in [low, high). */
  public static Function<Value, String> eachInRange(int count, double low, double high) {
    return v -> {
      Value.Tuple t = (Value.Tuple) v;
      if (t.items().size() != count) {
        return "must have " + count + " numbers, got " + t.items().size();
      }
      for (Value item : t.items()) {
        double x = Value.number(item);
        if (!(x >= low && x < high)) {
          return "must hold numbers in [" + show(low) + ", " + show(high) + "), got " + show(v);
        }
      }
      return null;
    };
  }

  /**
   * A message about a call, named once: {@code transpose(): ...} for a message of the call's
   * own ({@code "the input needs ..."}) or of an op inside it ({@code "matmul: inner dimensions
   * differ"}, whose op name goes), and {@code swiglu() splits ...} for one whose subject is
   * the function called ({@code "swiglu splits ..."}).
   */
  public static String inCall(String callee, String message) {
    String own = withoutOpName(message);
    if (own.equals(message) && message.startsWith(callee + " ")) {
      return callee + "() " + message.substring(callee.length() + 1);
    }
    return callee + "(): " + own;
  }

  /** A shape message without the op name it starts with: {@code "transpose: [1,0] is ..."} to {@code "[1,0] is ..."}. */
  public static String withoutOpName(String message) {
    return message.replaceFirst("^[a-z_0-9]+(?: \\([^)]*\\))?: ", "");
  }

  /** A value as it would be written in a .nn file. */
  public static String show(Value v) {
    if (v instanceof Value.Int i) {
      return Long.toString(i.value());
    }
    if (v instanceof Value.Real r) {
      return show(r.value());
    }
    if (v instanceof Value.Bool b) {
      return Boolean.toString(b.value());
    }
    if (v instanceof Value.Text t) {
      return "\"" + t.value() + "\"";
    }
    if (v instanceof Value.Symbol s) {
      return s.name();
    }
    if (v instanceof Value.Tuple t) {
      return t.items().stream().map(Checks::show).collect(Collectors.joining(", ", "(", t.items().size() == 1 ? ",)" : ")"));
    }
    return v.describe();
  }

  /** {@code 256}, {@code 0.001}, {@code 1e-05} style: integers without a point, no "E". */
  public static String show(double x) {
    return OptionText.number(x);
  }
}
