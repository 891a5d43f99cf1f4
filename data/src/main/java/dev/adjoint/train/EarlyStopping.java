package dev.adjoint.train;

/**
 * Stops training once a monitored value has gone {@code patience} epochs without improving
 * by more than {@code minDelta} (as Keras counts patience), and optionally restores the
 * weights of the best epoch.
 *
 * @param monitor {@code loss}, {@code val_loss}, or a metric name, with {@code val_} for validation
 * @param maximize true for accuracies, false for losses and errors
 */
public record EarlyStopping(String monitor, int patience, double minDelta, boolean maximize, boolean restoreBest) {

  /**
   * Whether {@code value} improves on {@code best} by more than minDelta. A value that is not
   * finite (NaN or infinite) never improves: an overflowing validation loss is no best epoch.
   */
  public boolean improves(double value, double best) {
    if (!Double.isFinite(value)) {
      return false;
    }
    if (Double.isNaN(best)) {
      return true;
    }
    return maximize ? value > best + minDelta : value < best - minDelta;
  }
}
