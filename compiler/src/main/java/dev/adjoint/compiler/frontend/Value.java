package dev.adjoint.compiler.frontend;

import dev.adjoint.compiler.ir.Node;
import java.util.List;

/**
 * What an expression evaluates to at compile time: a tensor in the graph being built, or
 * a compile-time constant (hyperparameters, sizes, options), or {@link Poison} after an
 * error, which silences follow-on errors about the same value.
 */
public sealed interface Value {

  /** How the value is described in messages: "a tensor f32[B,10]", "the integer 3". */
  String describe();

  record Tensor(Node node) implements Value {
    @Override
    public String describe() {
      return "a tensor " + node.type();
    }
  }

  record Int(long value) implements Value {
    @Override
    public String describe() {
      return "the integer " + value;
    }
  }

  record Real(double value) implements Value {
    @Override
    public String describe() {
      return "the number " + value;
    }
  }

  record Bool(boolean value) implements Value {
    @Override
    public String describe() {
      return "the boolean " + value;
    }
  }

  record Text(String value) implements Value {
    @Override
    public String describe() {
      return "the string \"" + value + "\"";
    }
  }

  /** A bare name not bound to anything: an option such as {@code relu}, {@code mean}, {@code val_loss}. */
  record Symbol(String name) implements Value {
    @Override
    public String describe() {
      return "the name '" + name + "'";
    }
  }

  record Tuple(List<Value> items) implements Value {
    public Tuple {
      items = List.copyOf(items);
    }

    @Override
    public String describe() {
      return "the tuple " + Checks.show(this); // (0.9, 0.999), as it is written
    }
  }

  /** A resolved initializer, the value of an {@code init =} option. */
  record Initializer(dev.adjoint.compiler.ir.Init init) implements Value {
    @Override
    public String describe() {
      return "the initializer " + init;
    }
  }

  /** A value whose error has been reported. */
  record Poison() implements Value {
    @Override
    public String describe() {
      return "an erroneous value";
    }
  }

  Poison POISON = new Poison();

  /** The value as a Java object for dumps and configs: Long, Double, Boolean, String or a List. */
  static Object plain(Value v) {
    if (v instanceof Int i) {
      return i.value();
    }
    if (v instanceof Real r) {
      return r.value();
    }
    if (v instanceof Bool b) {
      return b.value();
    }
    if (v instanceof Text t) {
      return t.value();
    }
    if (v instanceof Symbol s) {
      return s.name();
    }
    if (v instanceof Tuple t) {
      return t.items().stream().map(Value::plain).toList();
    }
    return null;
  }

  /** True for Int, and for a Real with an integral value. */
  static boolean isNumber(Value v) {
    return v instanceof Int || v instanceof Real;
  }

  static double number(Value v) {
    return v instanceof Int i ? i.value() : ((Real) v).value();
  }
}
