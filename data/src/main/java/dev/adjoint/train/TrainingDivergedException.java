package dev.adjoint.train;

/** The loss stopped being a finite number: training diverged. */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int epoch;
  private final long step;

  public TrainingDivergedException(String model, int epoch, long step, double loss) {
    super("the loss of " + model + " became " + loss + " at step " + step + " (epoch " + epoch
        + "): training diverged; try a lower learning rate, gradient clipping (clip global_norm(1.0)) or "
        + "standardized inputs");
    this.epoch = epoch;
    this.step = step;
  }

  /** The same divergence, explained: what produced the first NaN or infinity, and what may help. */
  public TrainingDivergedException(String message, int epoch, long step) {
    super(message);
    this.epoch = epoch;
    this.step = step;
  }

  /** The number (from 1) of the epoch of the step whose loss was not finite. */
  public int epoch() {
    return epoch;
  }

  /** The step counter of the model at the step whose loss was not finite. */
  public long step() {
    return step;
  }
}
