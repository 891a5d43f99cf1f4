package dev.adjoint.compiler.runs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Round tick values for a plot's axis: steps of 1, 2 or 5 times a power of ten, covering the
 * data's range with about the asked number of ticks, as plotting libraries choose them.
 */
final class AxisTicks {
  private AxisTicks() {}

  /** Ticks from at most {@code min} to at least {@code max}, about {@code count} of them (two at least). */
  static List<Double> of(double min, double max, int count) {
    if (!(max > min)) {
      double half = min == 0 ? 1 : Math.abs(min) * 0.1;
      min -= half;
      max += half;
    }
    double rough = (max - min) / Math.max(1, count - 1);
    double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    double step = magnitude;
    for (double factor : new double[] {1, 2, 5, 10}) {
      step = factor * magnitude;
      if (step >= rough) {
        break;
      }
    }
    List<Double> ticks = new ArrayList<>();
    long from = (long) Math.floor(min / step);
    long to = (long) Math.ceil(max / step);
    for (long i = from; i <= to; i++) {
      ticks.add(i * step);
    }
    return ticks;
  }

  /** A tick's label with as many decimals as the step between ticks needs. */
  static String label(double tick, List<Double> ticks) {
    double step = ticks.size() > 1 ? ticks.get(1) - ticks.get(0) : 1;
    int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
    if (Math.abs(tick) >= 1e5 || Math.abs(tick) > 0 && Math.abs(tick) < 1e-4) {
      return String.format(Locale.ROOT, "%.1e", tick);
    }
    String text = String.format(Locale.ROOT, "%." + decimals + "f", tick);
    return text.equals("-0") || text.matches("-0\\.0+") ? text.substring(1) : text;
  }
}
