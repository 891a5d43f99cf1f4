package dev.adjoint.train;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;

/**
 * A metric aggregated over the batches of an epoch: each batch adds its sums, the value is
 * their ratio, so a last partial batch weighs what its samples weigh. Metrics that are not a
 * ratio of sums (F1 from a confusion matrix, {@link ConfusionMetric}) keep their own counts.
 */
public abstract class Metric {
  private final String name;
  private double sum;
  private double count;

  protected Metric(String name) {
    this.name = name;
  }

  public final String name() {
    return name;
  }

  public void reset() {
    sum = 0;
    count = 0;
  }

  /** Adds a batch: the model's outputs and the targets in its input buffers, and the batch's loss. */
  public abstract void add(CompiledModel model, int batch, double loss);

  protected final void accumulate(double value, double weight) {
    sum += value;
    count += weight;
  }

  /** The aggregate; NaN before any sample. */
  public double value() {
    return count == 0 ? Double.NaN : sum / count;
  }

  /** Whether larger is better: accuracies. */
  public boolean higherIsBetter() {
    return false;
  }

  /** How a model's loss combines its batch's samples, which decides how batches aggregate. */
  public enum Reduction {
    /** The loss is a mean over the batch: a batch's loss counts {@code batch} times. */
    MEAN,
    /** The loss is a sum over the batch ({@code reduction = sum}): it already holds all its samples. */
    SUM
  }

  /** The mean loss per sample of a loss that is a mean over its batch. */
  public static Metric loss() {
    return loss(Reduction.MEAN);
  }

  /**
   * The mean loss per sample: the batches' sums of per-sample losses over their samples. A
   * mean loss adds {@code loss·batch}, a summed one {@code loss}; either way a partial last
   * batch weighs what its samples weigh, and the value is the epoch's loss per sample.
   */
  public static Metric loss(Reduction reduction) {
    return new Metric("loss") {
      @Override
      public void add(CompiledModel model, int batch, double loss) {
        accumulate(reduction == Reduction.SUM ? loss : loss * batch, batch);
      }
    };
  }

  /** The fraction of rows whose largest output is the target class. */
  public static Metric multiclassAccuracy(String name, String output, String target) {
    return new Metric(name) {
      @Override
      public void add(CompiledModel model, int batch, double loss) {
        Tensor out = model.output(output);
        Tensor classes = model.input(target);
        int width = out.spec().sampleSize();
        int correct = 0;
        for (int r = 0; r < batch; r++) {
          int best = 0;
          for (int c = 1; c < width; c++) {
            if (out.get(r * width + c) > out.get(r * width + best)) {
              best = c;
            }
          }
          correct += best == (int) classes.get(r) ? 1 : 0;
        }
        accumulate(correct, batch);
      }

      @Override
      public boolean higherIsBetter() {
        return true;
      }
    };
  }

  /**
   * The fraction of outputs on the right side of the threshold: one score per sample
   * (binary) or per label (multilabel); targets count as positive from 0.5 up.
   */
  public static Metric thresholdAccuracy(String name, String output, String target, double threshold) {
    return new Metric(name) {
      @Override
      public void add(CompiledModel model, int batch, double loss) {
        Tensor out = model.output(output);
        Tensor expected = model.input(target);
        int n = batch * out.spec().sampleSize();
        int correct = 0;
        for (int i = 0; i < n; i++) {
          correct += (out.get(i) >= threshold) == (expected.get(i) >= 0.5) ? 1 : 0;
        }
        accumulate(correct, n);
      }

      @Override
      public boolean higherIsBetter() {
        return true;
      }
    };
  }

  /** Mean squared or absolute error between an output and a target of as many elements. */
  public static Metric error(String name, String output, String target, boolean squared) {
    return new Metric(name) {
      @Override
      public void add(CompiledModel model, int batch, double loss) {
        Tensor out = model.output(output);
        Tensor expected = model.input(target);
        int n = batch * out.spec().sampleSize();
        double total = 0;
        for (int i = 0; i < n; i++) {
          double d = out.get(i) - expected.get(i);
          total += squared ? d * d : Math.abs(d);
        }
        accumulate(total, n);
      }
    };
  }

  /** The mean of an output's elements. */
  public static Metric mean(String name, String output) {
    return new Metric(name) {
      @Override
      public void add(CompiledModel model, int batch, double loss) {
        Tensor out = model.output(output);
        int n = batch * out.spec().sampleSize();
        double total = 0;
        for (int i = 0; i < n; i++) {
          total += out.get(i);
        }
        accumulate(total, n);
      }
    };
  }
}
