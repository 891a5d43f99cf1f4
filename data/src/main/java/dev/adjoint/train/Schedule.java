package dev.adjoint.train;

import java.util.Locale;

/**
 * A learning-rate schedule: the rate for a training step from the optimizer's base rate,
 * the number of steps taken and the epoch. Pure functions of their arguments, so that a
 * resumed run follows the same rates.
 */
public interface Schedule {

  /** The learning rate of step {@code step} (0-based) in epoch {@code epoch} (0-based). */
  double rate(double base, long step, int epoch);

  /** Whether a schedule counts steps or epochs. */
  enum Unit {
    STEP, EPOCH;

    public static Unit parse(String text) {
      return valueOf(text.toUpperCase(Locale.ROOT));
    }
  }

  /** The base rate throughout. */
  static Schedule constant() {
    return (base, step, epoch) -> base;
  }

  /** From base·start to base·end linearly over {@code over} units, then base·end. */
  static Schedule linear(double start, double end, long over, Unit per) {
    return (base, step, epoch) -> {
      double t = Math.min(1, (double) (per == Unit.STEP ? step : epoch) / over);
      return base * (start + (end - start) * t);
    };
  }

  /** Power scheduling: base / (1 + t/scale)^power. */
  static Schedule power(double scale, double power, Unit per) {
    return (base, step, epoch) -> base / Math.pow(1 + (per == Unit.STEP ? step : epoch) / scale, power);
  }

  /** base · gamma^t. */
  static Schedule exponential(double gamma, Unit per) {
    return (base, step, epoch) -> base * Math.pow(gamma, per == Unit.STEP ? step : epoch);
  }

  /** Cosine annealing from base to minimum over {@code over} units, then the minimum. */
  static Schedule cosine(long over, double minimum, Unit per) {
    return (base, step, epoch) -> {
      double t = Math.min(1, (double) (per == Unit.STEP ? step : epoch) / over);
      return minimum + (base - minimum) * (1 + Math.cos(Math.PI * t)) / 2;
    };
  }

  /**
   * A linear warm-up over the first {@code steps} steps, from start·rate to the rate, in
   * front of another schedule (whose rate it multiplies).
   */
  static Schedule warmup(long steps, double start, Schedule then) {
    return (base, step, epoch) -> {
      double factor = step >= steps ? 1 : start + (1 - start) * step / steps;
      return factor * then.rate(base, step, epoch);
    };
  }
}
