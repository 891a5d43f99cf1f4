package dev.adjoint.compiler.settings;

import java.util.function.Function;

/** A {@code clip} of a train block: gradients clamped element by element, or scaled by their global norm. */
public sealed interface Clipping {

  /** The result of {@code byValue} or {@code globalNorm}, by this clipping's kind. */
  <R> R match(Function<ByValue, R> byValue, Function<GlobalNorm, R> globalNorm);

  /** {@code value(limit)}: every gradient element clamped to [-limit, limit]. */
  record ByValue(double limit) implements Clipping {
    @Override
    public <R> R match(Function<ByValue, R> byValue, Function<GlobalNorm, R> globalNorm) {
      return byValue.apply(this);
    }

    @Override
    public String toString() {
      return OptionText.call("value").number("limit", limit).toString();
    }
  }

  /** {@code global_norm(max_norm)}: all gradients scaled by min(1, max_norm / ‖g‖). */
  record GlobalNorm(double maxNorm) implements Clipping {
    @Override
    public <R> R match(Function<ByValue, R> byValue, Function<GlobalNorm, R> globalNorm) {
      return globalNorm.apply(this);
    }

    @Override
    public String toString() {
      return OptionText.call("global_norm").number("max_norm", maxNorm).toString();
    }
  }
}
