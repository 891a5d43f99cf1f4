package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.diag.Diagnostics;
import dev.adjoint.compiler.frontend.DataPresence;
import dev.adjoint.compiler.frontend.Kind;
import dev.adjoint.compiler.frontend.Value;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.settings.Clipping;
import dev.adjoint.compiler.settings.DataSplit;
import dev.adjoint.compiler.settings.EarlyStoppingRule;
import dev.adjoint.compiler.settings.LearningRateSchedule;
import dev.adjoint.compiler.settings.Optimizer;
import dev.adjoint.compiler.settings.Regularizer;
import dev.adjoint.compiler.settings.TrainConfig;
import dev.adjoint.compiler.settings.TrainMetric;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Checks a train block against its model and makes its typed {@link TrainConfig}: every
 * setting known and given once ({@link SettingKeys}), then each concern by its own check
 * (data, split, optimizer, schedules, regularizers, clips, loop, metrics, early stopping,
 * standardization), every error reported.
 */
public final class TrainChecker {
  private final Declaration.Train train;
  private final Graph graph;
  private final Path baseDirectory;
  private final DataPresence data;
  private final Diagnostics diagnostics;
  private final OptionCalls calls;

  /**
   * @param evaluate evaluates an option value for a parameter kind, with the model's
   *     hyperparameters in scope; bare names become symbols where the kind takes names
   */
  public TrainChecker(Declaration.Train train, Graph graph, Path baseDirectory, DataPresence data,
      Diagnostics diagnostics, BiFunction<Expr, Kind, Value> evaluate) {
    this.train = train;
    this.graph = graph;
    this.baseDirectory = baseDirectory;
    this.data = data;
    this.diagnostics = diagnostics;
    this.calls = new OptionCalls(diagnostics, evaluate);
  }

  /** The checked configuration, or empty after reporting errors. */
  public Optional<TrainConfig> check() {
    int errorsBefore = diagnostics.errorCount();
    TrainBlock block = new TrainBlock(train, graph, baseDirectory, data, diagnostics, calls,
        SettingKeys.collect(train, diagnostics));
    if (graph.loss() == null) {
      diagnostics.error(train.nameSpan(), "model '" + graph.name() + "' has no loss to train",
          "training minimizes the value the model binds to the name 'loss', e.g. loss = mse(p, y)");
    }
    DataCheck.Sources data = DataCheck.check(block);
    DataSplit split = SplitCheck.check(block);
    Optimizer optimizer = OptimizerCheck.check(block);
    List<LearningRateSchedule> schedules = ScheduleCheck.check(block);
    List<Regularizer> regularizers = OptionLists.typed(block, "regularize", TrainOptions.REGULARIZER_CHOICES,
        "regularizer");
    List<Clipping> clips = OptionLists.typed(block, "clip", TrainOptions.CLIP_CHOICES, "clipping");
    LoopSettings loop = LoopSettings.check(block);
    List<TrainMetric> metrics = MetricCheck.check(block);
    EarlyStoppingRule earlyStopping = EarlyStoppingCheck.check(block, metrics,
        split != null && split.val() <= 0 && (data == null || data.given().val() == null));
    List<String> standardize = StandardizeCheck.check(block);
    if (diagnostics.errorCount() > errorsBefore) {
      return Optional.empty();
    }
    return Optional.of(new TrainConfig(train.span(), baseDirectory, data.train(), split, data.given(), optimizer,
        schedules, regularizers, clips, loop.batch(), loop.epochs(), loop.seed(), loop.shuffle(), earlyStopping,
        metrics, standardize, loop.threads()));
  }
}
