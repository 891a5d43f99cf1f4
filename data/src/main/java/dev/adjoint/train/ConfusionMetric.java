package dev.adjoint.train;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;

/**
 * Precision, recall or F1 of a classifier, from the confusion matrix of an epoch's samples
 * (counted over all batches, since these scores are not means of per-sample values). The
 * predicted class is the largest of one score per class, or, for a binary classifier's
 * single score, the second class from {@code threshold} up. A binary classifier scores its
 * second (positive) class, as scikit-learn's default; more classes score the unweighted mean
 * over the classes that occur as a target or a prediction (macro average). A ratio whose
 * denominator is zero counts as 0, as scikit-learn's {@code zero_division=0}.
 */
public final class ConfusionMetric extends Metric {
  /** Which score of the matrix. */
  public enum Score {
    PRECISION,
    RECALL,
    F1
  }

  private final String output;
  private final String target;
  private final int classes;
  private final double threshold;
  private final Score score;
  /** counts[actual · classes + predicted]. */
  private final long[] counts;

  /**
   * @param threshold where a single score turns to the second class; NaN for one score per class
   */
  public ConfusionMetric(String name, String output, String target, int classes, double threshold, Score score) {
    super(name);
    if (classes < 2) {
      throw new IllegalArgumentException("a confusion matrix needs two classes or more, got " + classes);
    }
    this.output = output;
    this.target = target;
    this.classes = classes;
    this.threshold = threshold;
    this.score = score;
    this.counts = new long[classes * classes];
  }

  @Override
  public void reset() {
    super.reset();
    java.util.Arrays.fill(counts, 0);
  }

  @Override
  public void add(CompiledModel model, int batch, double loss) {
    Tensor out = model.output(output);
    Tensor actual = model.input(target);
    int width = out.spec().sampleSize();
    for (int r = 0; r < batch; r++) {
      int truth = (int) actual.get(r);
      if (truth < 0 || truth >= classes) {
        throw new IllegalArgumentException("class " + truth + " of row " + r + " is not one of the " + classes);
      }
      counts[truth * classes + predicted(out, r, width)]++;
    }
  }

  private int predicted(Tensor out, int row, int width) {
    if (!Double.isNaN(threshold)) {
      return out.get(row) >= threshold ? 1 : 0;
    }
    int best = 0;
    for (int c = 1; c < width; c++) {
      if (out.get(row * width + c) > out.get(row * width + best)) {
        best = c;
      }
    }
    return best;
  }

  /** The counts so far, [actual][predicted]. */
  public long[][] matrix() {
    long[][] m = new long[classes][classes];
    for (int a = 0; a < classes; a++) {
      System.arraycopy(counts, a * classes, m[a], 0, classes);
    }
    return m;
  }

  /** The score of one class: its precision, recall or F1 against all the others. */
  public double scoreOf(int c) {
    long tp = counts[c * classes + c];
    long predicted = 0;
    long actual = 0;
    for (int k = 0; k < classes; k++) {
      predicted += counts[k * classes + c];
      actual += counts[c * classes + k];
    }
    double precision = predicted == 0 ? 0 : (double) tp / predicted;
    double recall = actual == 0 ? 0 : (double) tp / actual;
    return switch (score) {
      case PRECISION -> precision;
      case RECALL -> recall;
      case F1 -> predicted + actual == 0 ? 0 : 2.0 * tp / (predicted + actual);
    };
  }

  /** The samples of class c among the targets. */
  public long support(int c) {
    long n = 0;
    for (int k = 0; k < classes; k++) {
      n += counts[c * classes + k];
    }
    return n;
  }

  /** NaN before any sample; the positive class's score for a binary classifier, else the macro average. */
  @Override
  public double value() {
    long total = 0;
    for (long n : counts) {
      total += n;
    }
    if (total == 0) {
      return Double.NaN;
    }
    if (!Double.isNaN(threshold) || classes == 2) {
      return scoreOf(1);
    }
    double sum = 0;
    int present = 0;
    for (int c = 0; c < classes; c++) {
      long predicted = 0;
      for (int k = 0; k < classes; k++) {
        predicted += counts[k * classes + c];
      }
      if (support(c) + predicted > 0) {
        sum += scoreOf(c);
        present++;
      }
    }
    return sum / present;
  }

  @Override
  public boolean higherIsBetter() {
    return true;
  }
}
