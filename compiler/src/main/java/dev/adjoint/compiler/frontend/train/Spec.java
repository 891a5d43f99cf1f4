package dev.adjoint.compiler.frontend.train;

import dev.adjoint.compiler.source.SourceSpan;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A checked option call from a train block, such as {@code adam(lr = 0.001, betas = (0.9, 0.999))}:
 * its name and every option with its value (given or default) as a plain Java value —
 * Long, Double, Boolean, String, or a List of those.
 */
public record Spec(String name, Map<String, Object> options, SourceSpan span) {
  public Spec {
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  public boolean has(String option) {
    return options.containsKey(option) && options.get(option) != null;
  }

  public double number(String option) {
    return ((Number) require(option)).doubleValue();
  }

  public long integer(String option) {
    return ((Number) require(option)).longValue();
  }

  public boolean bool(String option) {
    return (Boolean) require(option);
  }

  public String string(String option) {
    return (String) require(option);
  }

  /** A list option, or a single value as a list of one. */
  @SuppressWarnings("unchecked")
  public List<Object> list(String option) {
    Object v = require(option);
    return v instanceof List<?> l ? (List<Object>) l : List.of(v);
  }

  private Object require(String option) {
    Object v = options.get(option);
    if (v == null) {
      throw new IllegalArgumentException(name + " has no option '" + option + "'");
    }
    return v;
  }

  /** {@code adam(lr=0.001, betas=(0.9, 0.999))}. */
  @Override
  public String toString() {
    return name + options.entrySet().stream()
        .filter(e -> e.getValue() != null)
        .map(e -> e.getKey() + "=" + show(e.getValue()))
        .collect(Collectors.joining(", ", "(", ")"));
  }

  private static String show(Object v) {
    if (v instanceof List<?> l) {
      return l.stream().map(Spec::show).collect(Collectors.joining(", ", "(", ")"));
    }
    if (v instanceof String s) {
      return "\"" + s + "\"";
    }
    if (v instanceof Double d) {
      return dev.adjoint.compiler.frontend.Checks.show(d);
    }
    return String.valueOf(v);
  }
}
