package dev.adjoint.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** What the driver reports as data-parallel training goes: each round, and each epoch's metrics. */
public interface SparkTrainingListener {
  /** Round {@code round} (0-based, counted over the run) ended at global step {@code step}; its mean loss per sample. */
  default void round(int epoch, int round, long step, double loss, long samples, long millis) {}

  /** Epoch {@code epoch} (0-based) ended: {@code loss}, and {@code val_loss}, {@code val_accuracy} when measured. */
  default void epoch(int epoch, Map<String, Double> metrics) {}

  /** Reports nothing. */
  SparkTrainingListener NONE = new SparkTrainingListener() {};

  /** One line per round and per epoch on {@code out}. */
  static SparkTrainingListener printing(PrintStream out) {
    return new SparkTrainingListener() {
      @Override
      public void round(int epoch, int round, long step, double loss, long samples, long millis) {
        out.printf(Locale.ROOT, "epoch %d round %d: step %d, loss %.6f over %d samples, %d ms%n", epoch + 1, round + 1,
            step, loss, samples, millis);
      }

      @Override
      public void epoch(int epoch, Map<String, Double> metrics) {
        StringBuilder line = new StringBuilder("epoch ").append(epoch + 1).append(':');
        metrics.forEach((k, v) -> line.append(String.format(Locale.ROOT, " %s %.6f", k, v)));
        out.println(line);
      }
    };
  }
}
