package dev.adjoint.compiler.settings;

/**
 * {@code early_stopping}: stop when {@code monitor} has not improved by {@code minDelta} for
 * {@code patience} epochs, its mode resolved ({@code auto} is max for accuracies, else min).
 */
public record EarlyStoppingRule(String monitor, int patience, double minDelta, boolean maximize,
    boolean restoreBest) {

  @Override
  public String toString() {
    return OptionText.call("early_stopping").string("monitor", monitor).integer("patience", patience)
        .number("min_delta", minDelta).string("mode", maximize ? "max" : "min").bool("restore_best", restoreBest)
        .toString();
  }
}
