package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.data.Dataset;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.train.Metric;
import dev.adjoint.train.Trainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loss and metrics of a model on one split, in one pass over its rows, and for a
 * classifier ({@link ClassReport#of}) its per-class figures and confusion matrix, counted in
 * the same pass, its classes named as {@link TargetClasses} decided. {@code train}'s final table and {@code eval} both measure a split this way.
 *
 * @param values the loss and the train block's metrics, by name
 * @param report the class report, or null for a model that is not a classifier
 */
record SplitEvaluation(Map<String, Double> values, ClassReport report) {

  static SplitEvaluation of(ModelUnit unit, CompiledModel model, Dataset rows, List<Metric> blockMetrics,
      Metric.Reduction reduction, int batch, List<String> classNames) {
    List<Metric> metrics = new ArrayList<>(blockMetrics);
    ClassReport report = ClassReport.of(unit, classNames);
    if (report != null) {
      metrics.addAll(report.metrics());
    }
    Map<String, Double> values = new LinkedHashMap<>(Trainer.evaluate(model, new DatasetRows(rows),
        Trainer.withLoss(metrics, reduction), batch));
    if (report != null) {
      // the report's counting metrics are not the block's: only their table is shown
      report.metrics().forEach(m -> values.remove(m.name()));
    }
    return new SplitEvaluation(values, report);
  }
}
