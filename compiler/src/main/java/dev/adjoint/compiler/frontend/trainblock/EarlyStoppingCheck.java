package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.runtime.text.Suggestions;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.settings.EarlyStoppingRule;
import dev.adjoint.compiler.settings.TrainMetric;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code early_stopping(monitor, patience, min_delta, mode, restore_best)}: the monitor is
 * the loss or a metric of the block (on the validation split only when there is one), and
 * {@code mode = auto} becomes max for accuracies, precision, recall and F1, min otherwise.
 */
final class EarlyStoppingCheck {
  private EarlyStoppingCheck() {}

  /** The block's rule, null when it asks for none or after reporting errors. */
  static EarlyStoppingRule check(TrainBlock block, List<TrainMetric> metrics, boolean noValidation) {
    Declaration.Setting s = block.setting("early_stopping");
    if (s == null) {
      return null;
    }
    Optional<BoundArgs> bound = block.calls().bind(TrainOptions.EARLY_STOPPING, s.args(), s.span());
    if (bound.isEmpty()) {
      return null;
    }
    String monitor = bound.get().symbol("monitor");
    Set<String> monitors = new LinkedHashSet<>(List.of("loss", "val_loss"));
    for (TrainMetric m : metrics) {
      monitors.add(m.name());
      monitors.add("val_" + m.name());
    }
    if (!monitors.contains(monitor)) {
      String hint = Suggestions.didYouMean(monitor, monitors);
      block.diagnostics().error(bound.get().span("monitor"), "early_stopping(): cannot monitor '" + monitor + "'",
          hint != null ? hint : "it can monitor: " + String.join(", ", monitors));
      return null;
    }
    if (monitor.startsWith("val_") && noValidation) {
      block.diagnostics().error(bound.get().span("monitor"), "early_stopping(): '" + monitor
          + "' needs a validation split", "add one: data ..., split(train = 0.8, val = 0.2), or data train = ..., val = ...");
      return null;
    }
    String mode = bound.get().symbol("mode");
    String measured = monitor.startsWith("val_") ? monitor.substring(4) : monitor;
    boolean maximize = mode.equals("auto") ? measured.endsWith("accuracy") || List.of("precision", "recall", "f1")
        .contains(measured) : mode.equals("max");
    return new EarlyStoppingRule(monitor, bound.get().integer("patience"), bound.get().number("min_delta"), maximize,
        bound.get().bool("restore_best"));
  }
}
