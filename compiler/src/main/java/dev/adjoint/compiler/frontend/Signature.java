package dev.adjoint.compiler.frontend;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The parameters a built-in function, option call or setting accepts, in positional order. */
public record Signature(String name, List<Parameter> params) {
  public Signature {
    params = List.copyOf(params);
  }

  public static Signature of(String name, Parameter... params) {
    return new Signature(name, Arrays.asList(params));
  }

  public Parameter param(String paramName) {
    for (Parameter p : params) {
      if (p.name().equals(paramName)) {
        return p;
      }
    }
    return null;
  }

  public List<String> names() {
    return params.stream().map(Parameter::name).toList();
  }

  /** {@code dense(x, units, act = none, bias = true)}. */
  public String usage() {
    return name + params.stream().map(Parameter::usage).collect(Collectors.joining(", ", "(", ")"));
  }
}
