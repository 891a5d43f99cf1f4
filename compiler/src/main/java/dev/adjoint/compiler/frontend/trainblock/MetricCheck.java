package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.runtime.text.Suggestions;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.settings.TrainMetric;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code metrics}: each resolved against the model, the output (the first by default) and
 * target (the first) it compares, their shapes compatible, and {@code accuracy} made
 * multiclass, binary or multilabel by the target's classes and the output's shape.
 */
final class MetricCheck {
  private MetricCheck() {}

  /** The block's metrics that resolve; the others reported. */
  static List<TrainMetric> check(TrainBlock block) {
    List<TrainMetric> out = new ArrayList<>();
    for (OptionLists.Bound m : OptionLists.bind(block, "metrics", TrainOptions.METRICS, "metric")) {
      resolve(block, m).ifPresent(out::add);
    }
    return out;
  }

  private static Optional<TrainMetric> resolve(TrainBlock block, OptionLists.Bound m) {
    Graph graph = block.graph();
    BoundArgs b = m.args();
    String name = m.call().callee();
    boolean outputWritten = b.has("output");
    boolean targetWritten = b.has("target");
    String output = outputWritten ? b.symbol("output") : null;
    String target = targetWritten ? b.symbol("target") : null;
    double threshold = b.number("threshold");
    if (name.equals("loss")) {
      return Optional.of(new TrainMetric(name, TrainMetric.Kind.LOSS, output, target, threshold, outputWritten,
          targetWritten));
    }
    List<String> outputs = new ArrayList<>(graph.outputs().keySet());
    output = outputWritten ? output : outputs.isEmpty() ? null : outputs.get(0);
    if (output == null || !graph.outputs().containsKey(output)) {
      block.diagnostics().error(m.call().span(), "metric '" + name + "' needs an output of the model"
          + (output == null ? "; the model declares none" : ", and it has no output '" + output + "'"),
          outputs.isEmpty() ? "declare one: output p = ..." : Suggestions.didYouMean(String.valueOf(output), outputs));
      return Optional.empty();
    }
    if (name.equals("mean")) {
      return Optional.of(new TrainMetric(name, TrainMetric.Kind.MEAN, output, target, threshold, outputWritten,
          targetWritten));
    }
    List<String> targets = graph.inputs().stream().filter(n -> n.attrs(Attrs.Input.class).target())
        .map(Node::sourceName).toList();
    target = targetWritten ? target : targets.isEmpty() ? null : targets.get(0);
    if (target == null || !targets.contains(target)) {
      block.diagnostics().error(m.call().span(), "metric '" + name + "' needs a target of the model"
          + (target == null ? "; the model declares none" : ", and it has no target '" + target + "'"));
      return Optional.empty();
    }
    Node out = graph.outputs().get(output);
    Attrs.Input t = graph.source(target).attrs(Attrs.Input.class);
    if (CONFUSION.contains(name)) {
      return confusion(block, m, name, output, out, target, t, threshold);
    }
    TrainMetric.Kind kind = kind(name, out.shape(), t.classes());
    if (kind == TrainMetric.Kind.MULTICLASS_ACCURACY
        && (out.shape().rank() < 2 || out.shape().last() != t.classes())) {
      block.diagnostics().error(m.call().span(), "accuracy compares '" + output + "' " + out.type() + " with the "
          + t.classes() + " classes of '" + target + "': the output's last dimension must be " + t.classes());
      return Optional.empty();
    }
    if (kind != TrainMetric.Kind.MULTICLASS_ACCURACY && !sameElements(out.shape(), t.shape())) {
      block.diagnostics().error(m.call().span(), "metric '" + name + "' compares '" + output + "' " + out.type()
          + " with '" + target + "' " + graph.source(target).type() + ": their shapes differ");
      return Optional.empty();
    }
    return Optional.of(new TrainMetric(name, kind, output, target, threshold, outputWritten, targetWritten));
  }

  /** The metrics read from a confusion matrix. */
  private static final List<String> CONFUSION = List.of("precision", "recall", "f1");

  /**
   * Precision, recall or F1: the target a class target, the output one score per class of it
   * (or one score per sample for two classes, then read with the threshold).
   */
  private static Optional<TrainMetric> confusion(TrainBlock block, OptionLists.Bound m, String name, String output,
      Node out, String target, Attrs.Input t, double threshold) {
    BoundArgs b = m.args();
    if (t.classes() < 2) {
      block.diagnostics().error(m.call().span(), "metric '" + name + "' scores classes, but '" + target + "' is "
          + block.graph().source(target).type() + ", not a class target", "declare the target as class[B] of "
          + "(\"a\", \"b\") or class[B] of N; for numbers, use mse or mae");
      return Optional.empty();
    }
    boolean oneScore = t.classes() == 2 && (out.shape().rank() == 1 || out.shape().last() == 1);
    if (!oneScore && (out.shape().rank() != 2 || out.shape().last() != t.classes())) {
      block.diagnostics().error(m.call().span(), "metric '" + name + "' compares '" + output + "' "
          + out.type() + " with the " + t.classes() + " classes of '" + target + "': the output must be one score "
          + "per class, [B, " + t.classes() + "]" + (t.classes() == 2 ? ", or one score per sample, [B, 1]" : ""));
      return Optional.empty();
    }
    TrainMetric.Kind kind = switch (name) {
      case "precision" -> TrainMetric.Kind.PRECISION;
      case "recall" -> TrainMetric.Kind.RECALL;
      default -> TrainMetric.Kind.F1;
    };
    return Optional.of(new TrainMetric(name, kind, output, target, threshold, b.has("output"), b.has("target"),
        t.classes(), oneScore));
  }

  /** What a metric named {@code name} computes for this output shape and number of target classes. */
  private static TrainMetric.Kind kind(String name, Shape output, int classes) {
    boolean oneScore = output.rank() == 1 || output.last() == 1;
    return switch (name) {
      case "accuracy" -> classes > 0
          ? classes == 2 && oneScore ? TrainMetric.Kind.BINARY_ACCURACY : TrainMetric.Kind.MULTICLASS_ACCURACY
          : oneScore ? TrainMetric.Kind.BINARY_ACCURACY : TrainMetric.Kind.MULTILABEL_ACCURACY;
      case "binary_accuracy" -> TrainMetric.Kind.BINARY_ACCURACY;
      case "multilabel_accuracy" -> TrainMetric.Kind.MULTILABEL_ACCURACY;
      case "mse" -> TrainMetric.Kind.MSE;
      case "mae" -> TrainMetric.Kind.MAE;
      default -> throw new IllegalArgumentException("no metric " + name);
    };
  }

  private static boolean sameElements(Shape a, Shape b) {
    return a.equals(b) || a.equals(b.append(1)) || b.equals(a.append(1));
  }
}
