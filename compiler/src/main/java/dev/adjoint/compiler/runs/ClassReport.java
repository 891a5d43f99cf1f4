package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.frontend.lib.UnitInterval;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.settings.TrainMetric;
import dev.adjoint.train.ConfusionMetric;
import java.util.List;
import java.util.Locale;

/**
 * A classifier's figures per class on one split, as {@code adjoint eval} prints them:
 * precision, recall, F1 and support of each class, their macro and support-weighted
 * averages and the micro average (the accuracy, for one label per sample), then the
 * confusion matrix (rows the targets, columns the predictions). Counted by three
 * {@link ConfusionMetric}s over the same rows.
 */
public final class ClassReport {
  /** Its metrics' names begin with this, which no metric of a train block can (they are identifiers). */
  private static final String NAME = "class report ";
  private final List<String> classNames;
  private final ConfusionMetric precision;
  private final ConfusionMetric recall;
  private final ConfusionMetric f1;

  private ClassReport(List<String> classNames, ConfusionMetric precision, ConfusionMetric recall, ConfusionMetric f1) {
    this.classNames = classNames;
    this.precision = precision;
    this.recall = recall;
    this.f1 = f1;
  }

  /**
   * The report for a model of one class target whose first output scores its classes (one
   * score per class, or one score per sample for two), or null for another model; its
   * classes named {@code classNames}, as {@link TargetClasses} decides them.
   */
  static ClassReport of(ModelUnit unit, List<String> classNames) {
    List<Node> classTargets = unit.graph().inputs().stream()
        .filter(n -> n.attrs(Attrs.Input.class).target() && n.attrs(Attrs.Input.class).classes() >= 2).toList();
    if (classTargets.size() != 1 || unit.graph().outputs().isEmpty()) {
      return null;
    }
    Attrs.Input target = classTargets.get(0).attrs(Attrs.Input.class);
    int classes = target.classes();
    String output = unit.graph().outputs().keySet().iterator().next();
    Node out = unit.graph().outputs().get(output);
    boolean oneScore = classes == 2 && (out.shape().rank() == 1 || out.shape().last() == 1);
    boolean perClass = out.shape().rank() == 2 && out.shape().last() == classes;
    if (!oneScore && !perClass || !out.dtype().isFloat()) {
      return null;
    }
    double threshold = oneScore ? oneScoreThreshold(unit, output) : Double.NaN;
    List<String> names = List.copyOf(classNames);
    String t = target.name();
    return new ClassReport(names,
        new ConfusionMetric(NAME + "precision", output, t, classes, threshold, ConfusionMetric.Score.PRECISION),
        new ConfusionMetric(NAME + "recall", output, t, classes, threshold, ConfusionMetric.Score.RECALL),
        new ConfusionMetric(NAME + "f1", output, t, classes, threshold, ConfusionMetric.Score.F1));
  }

  /**
   * Where a binary classifier's one score per sample turns to the second class: the threshold
   * of the train block's binary accuracy on that output when it has one, else 0.5 for an
   * output known to be a probability (a sigmoid), else 0 (a logit, whose sigmoid is 0.5 there).
   * {@code predict} and {@code eval} read the score alike.
   */
  static double oneScoreThreshold(ModelUnit unit, String output) {
    for (TrainMetric m : unit.train().metrics()) {
      if (m.kind() == TrainMetric.Kind.BINARY_ACCURACY && output.equals(m.output())) {
        return m.threshold();
      }
    }
    Node node = unit.graph().outputs().get(output);
    return node != null && UnitInterval.holds(node) ? 0.5 : 0.0;
  }

  /** The class names, in the target's order (the indices for classes without names). */
  List<String> classNames() {
    return classNames;
  }

  /** The counts of the last evaluation: [target][predicted]. */
  long[][] matrix() {
    return f1.matrix();
  }

  /** The three counting metrics, to evaluate beside the train block's. */
  List<ConfusionMetric> metrics() {
    return List.of(precision, recall, f1);
  }

  /** The table and the matrix, for the split named {@code split}. */
  public String text(String split) {
    int width = Math.max(9, classNames.stream().mapToInt(String::length).max().orElse(0) + 2);
    StringBuilder s = new StringBuilder("per class, " + split + " split:\n");
    s.append(String.format(Locale.ROOT, "%-" + width + "s%11s%11s%11s%9s%n", "class", "precision", "recall", "f1",
        "support"));
    long total = 0;
    double[] macro = new double[3];
    double[] weighted = new double[3];
    long[][] matrix = f1.matrix();
    long correct = 0;
    int present = 0;
    for (int c = 0; c < classNames.size(); c++) {
      long support = f1.support(c);
      long predicted = 0;
      for (long[] row : matrix) {
        predicted += row[c];
      }
      double[] scores = {precision.scoreOf(c), recall.scoreOf(c), f1.scoreOf(c)};
      s.append(String.format(Locale.ROOT, "%-" + width + "s%11.4f%11.4f%11.4f%9d%n", classNames.get(c), scores[0],
          scores[1], scores[2], support));
      // as the macro F1 metric: the classes that occur as a target or a prediction
      present += support + predicted > 0 ? 1 : 0;
      for (int i = 0; i < 3; i++) {
        macro[i] += support + predicted > 0 ? scores[i] : 0;
        weighted[i] += scores[i] * support;
      }
      total += support;
      correct += matrix[c][c];
    }
    for (int i = 0; i < 3; i++) {
      macro[i] = present == 0 ? 0 : macro[i] / present;
      weighted[i] = total == 0 ? 0 : weighted[i] / total;
    }
    double micro = total == 0 ? 0 : (double) correct / total;
    s.append(String.format(Locale.ROOT, "%-" + width + "s%11.4f%11.4f%11.4f%9d%n", "macro", macro[0], macro[1],
        macro[2], total));
    s.append(String.format(Locale.ROOT, "%-" + width + "s%11.4f%11.4f%11.4f%9d%n", "weighted", weighted[0],
        weighted[1], weighted[2], total));
    s.append(String.format(Locale.ROOT, "%-" + width + "s%11.4f%11.4f%11.4f%9d%n", "micro", micro, micro, micro,
        total));
    s.append("confusion matrix, " + split + " split (rows: target, columns: predicted):\n");
    int cell = Math.max(width, 8);
    s.append(String.format(Locale.ROOT, "%-" + width + "s", ""));
    classNames.forEach(n -> s.append(String.format(Locale.ROOT, "%" + cell + "s", n)));
    s.append('\n');
    for (int a = 0; a < classNames.size(); a++) {
      s.append(String.format(Locale.ROOT, "%-" + width + "s", classNames.get(a)));
      for (int p = 0; p < classNames.size(); p++) {
        s.append(String.format(Locale.ROOT, "%" + cell + "d", matrix[a][p]));
      }
      s.append('\n');
    }
    return s.toString();
  }
}
