package dev.adjoint.compiler.frontend;

import java.util.List;
import java.util.function.Function;

/**
 * One parameter of a built-in function or option call.
 *
 * @param defaultValue the value when not given; null when required or when {@code optional}
 * @param optional when not given and without a default, the parameter is simply absent
 * @param choices for {@link Kind#SYMBOL}, the names it accepts
 * @param noun how the choices are called in messages ("activation", "reduction")
 * @param check a further constraint: gives an error message for a bad value, or null
 */
public record Parameter(String name, Kind kind, Value defaultValue, boolean optional, List<String> choices,
    String noun, Function<Value, String> check) {

  public Parameter {
    choices = List.copyOf(choices);
  }

  public static Parameter required(String name, Kind kind) {
    return new Parameter(name, kind, null, false, List.of(), null, null);
  }

  public static Parameter optional(String name, Kind kind) {
    return new Parameter(name, kind, null, true, List.of(), null, null);
  }

  public static Parameter of(String name, Kind kind, Value defaultValue) {
    return new Parameter(name, kind, defaultValue, false, List.of(), null, null);
  }

  /** A bare-name option with its accepted names and a default among them. */
  public static Parameter choice(String name, String noun, String defaultName, List<String> choices) {
    return new Parameter(name, Kind.SYMBOL, defaultName == null ? null : new Value.Symbol(defaultName),
        false, choices, noun, null);
  }

  public Parameter withCheck(Function<Value, String> newCheck) {
    return new Parameter(name, kind, defaultValue, optional, choices, noun, newCheck);
  }

  public boolean isRequired() {
    return defaultValue == null && !optional;
  }

  /** As the usage line shows it: {@code units} or {@code act = none}. */
  public String usage() {
    if (defaultValue == null) {
      return optional ? name + " = none" : name;
    }
    return name + " = " + Checks.show(defaultValue);
  }
}
