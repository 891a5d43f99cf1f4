package dev.adjoint.compiler.ir;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How a parameter's initial values are drawn, e.g. {@code he_uniform} or
 * {@code normal(mean=0, std=0.01)}. Fan-in and fan-out come from the parameter's shape.
 */
public record Init(Kind kind, Map<String, Double> args) {

  /** The initializers of the language; {@link #options()} lists what each accepts. */
  public enum Kind {
    ZEROS("zeros"),
    ONES("ones"),
    CONSTANT("constant", "value"),
    UNIFORM("uniform", "low", "high"),
    NORMAL("normal", "mean", "std"),
    /** U(-1/sqrt(fan_in), 1/sqrt(fan_in)), what PyTorch's Linear uses by default. */
    UNIFORM_FAN_IN("uniform_fan_in"),
    GLOROT_UNIFORM("glorot_uniform", "gain"),
    GLOROT_NORMAL("glorot_normal", "gain"),
    HE_UNIFORM("he_uniform"),
    HE_NORMAL("he_normal");

    private final String text;
    private final java.util.List<String> options;

    Kind(String text, String... options) {
      this.text = text;
      this.options = java.util.List.of(options);
    }

    public String text() {
      return text;
    }

    public java.util.List<String> options() {
      return options;
    }

    public static Kind parse(String text) {
      for (Kind k : values()) {
        if (k.text.equals(text)) {
          return k;
        }
      }
      return null;
    }
  }

  public Init {
    args = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(args));
  }

  public static Init of(Kind kind) {
    return new Init(kind, Map.of());
  }

  public double arg(String name, double fallback) {
    return args.getOrDefault(name, fallback);
  }

  @Override
  public String toString() {
    if (args.isEmpty()) {
      return kind.text;
    }
    return kind.text + args.entrySet().stream()
        .map(e -> e.getKey() + "=" + Attrs.number(e.getValue()))
        .collect(Collectors.joining(", ", "(", ")"));
  }
}
