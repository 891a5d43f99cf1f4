package dev.adjoint.compiler.settings;

/**
 * A metric of {@code metrics}, resolved against the model: the output and target it compares
 * and, for {@code accuracy}, which accuracy the output and target make it.
 *
 * @param name the metric as written, which names its column ({@code accuracy}, {@code mse})
 * @param output null for {@code loss} unless written
 * @param target null for {@code loss} and {@code mean} unless written
 * @param outputWritten whether the block named the output (dumps list named options first, as written)
 * @param targetWritten whether the block named the target
 * @param classes for precision, recall and F1: the target's number of classes (0 otherwise)
 * @param oneScore for precision, recall and F1: whether the output is one score per sample
 *     (a binary classifier, its class from the threshold) rather than one per class
 */
public record TrainMetric(String name, Kind kind, String output, String target, double threshold,
    boolean outputWritten, boolean targetWritten, int classes, boolean oneScore) {

  /** A metric that is not computed from a confusion matrix. */
  public TrainMetric(String name, Kind kind, String output, String target, double threshold, boolean outputWritten,
      boolean targetWritten) {
    this(name, kind, output, target, threshold, outputWritten, targetWritten, 0, false);
  }

  /** What the metric computes. */
  public enum Kind {
    LOSS("loss"),
    MEAN("mean"),
    MULTICLASS_ACCURACY("multiclass_accuracy"),
    BINARY_ACCURACY("binary_accuracy"),
    MULTILABEL_ACCURACY("multilabel_accuracy"),
    MSE("mse"),
    MAE("mae"),
    PRECISION("precision"),
    RECALL("recall"),
    F1("f1");

    private final String text;

    Kind(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** {@code accuracy(threshold=0.5, output="probs", target="y", kind="multiclass_accuracy")}. */
  @Override
  public String toString() {
    OptionText text = OptionText.call(name);
    if (outputWritten) {
      text.string("output", output);
    }
    if (targetWritten) {
      text.string("target", target);
    }
    text.number("threshold", threshold);
    if (!outputWritten && output != null) {
      text.string("output", output);
    }
    if (!targetWritten && target != null) {
      text.string("target", target);
    }
    if (kind != Kind.LOSS && kind != Kind.MEAN) {
      text.string("kind", kind.text());
    }
    return text.toString();
  }
}
