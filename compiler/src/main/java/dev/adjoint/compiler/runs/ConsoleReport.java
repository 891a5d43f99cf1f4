package dev.adjoint.compiler.runs;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.train.EpochRecord;
import dev.adjoint.train.TrainerState;
import dev.adjoint.train.TrainingListener;
import dev.adjoint.train.TrainingResult;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/**
 * Reports training on the console: one plain line per epoch, improvements of the monitored
 * value marked with {@code *}, and how the run ended. (The command line adds a progress bar
 * per epoch on a terminal, as a listener of its own.)
 */
public final class ConsoleReport implements TrainingListener {
  private final PrintWriter out;
  private int epochs;
  private boolean improved;

  public ConsoleReport(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void started(int firstEpoch, int totalEpochs, int batches) {
    epochs = totalEpochs;
    if (firstEpoch > 1) {
      out.println("resuming at epoch " + firstEpoch + " of " + totalEpochs);
    }
  }

  @Override
  public void improved(EpochRecord record, CompiledModel model) {
    improved = true;
  }

  @Override
  public void epoch(EpochRecord record, TrainerState state, CompiledModel model) {
    out.println(line(record, epochs) + (improved ? "  *" : ""));
    out.flush();
    improved = false;
  }

  @Override
  public void finished(TrainingResult result) {
    if (result.stoppedEarly()) {
      out.println("stopped early after epoch " + result.history().size() + ": no improvement since epoch "
          + result.bestEpoch());
    }
    if (result.restored()) {
      out.println("restored the weights of epoch " + result.bestEpoch());
    }
  }

  /** {@code epoch 3/20  loss 0.1234  accuracy 0.9500  val_loss 0.1400  lr 0.00095  2.1s}. */
  public static String line(EpochRecord r, int epochs) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d", r.epoch(), epochs));
    r.train().forEach((k, v) -> s.append(String.format(Locale.ROOT, "  %s %.4f", k, v)));
    r.validation().forEach((k, v) -> s.append(String.format(Locale.ROOT, "  val_%s %.4f", k, v)));
    s.append(String.format(Locale.ROOT, "  lr %.3g  %.1fs", r.learningRate(), r.seconds()));
    return s.toString();
  }

  /** The end-of-run table: one row per metric, one column per split that has values. */
  public static String table(Map<String, Map<String, Double>> bySplit) {
    java.util.Set<String> metrics = new java.util.LinkedHashSet<>();
    bySplit.values().forEach(m -> metrics.addAll(m.keySet()));
    int width = Math.max(8, metrics.stream().mapToInt(String::length).max().orElse(0) + 2);
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", ""));
    bySplit.keySet().forEach(split -> s.append(String.format(Locale.ROOT, "%12s", split)));
    s.append('\n');
    for (String metric : metrics) {
      s.append(String.format(Locale.ROOT, "%-" + width + "s", metric));
      for (Map<String, Double> values : bySplit.values()) {
        Double v = values.get(metric);
        s.append(v == null || v.isNaN() ? String.format(Locale.ROOT, "%12s", "-")
            : String.format(Locale.ROOT, "%12.4f", v));
      }
      s.append('\n');
    }
    return s.toString();
  }
}
