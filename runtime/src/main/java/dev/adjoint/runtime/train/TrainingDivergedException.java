package dev.adjoint.runtime.train;

/** The loss stopped being a finite number: training diverged. */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int epoch;
  private final long step;

  public TrainingDivergedException(String model, int epoch, long step, double loss) {
    super("the loss of " + model + " became " + loss + " at step " + step + " (epoch " + (epoch + 1)
        + "): training diverged; try a lower learning rate, gradient clipping (clip global_norm(1.0)) or "
        + "standardized inputs");
    this.epoch = epoch;
    this.step = step;
  }

  public int epoch() {
    return epoch;
  }

  public long step() {
    return step;
  }
}
