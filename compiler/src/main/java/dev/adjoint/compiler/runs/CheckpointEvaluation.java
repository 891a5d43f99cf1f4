package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.settings.TrainConfig;
import dev.adjoint.data.Dataset;
import dev.adjoint.data.Splits;
import dev.adjoint.data.Standardization;
import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.predict.Standardizer;
import dev.adjoint.train.Metric;
import dev.adjoint.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a checkpoint on the splits of its train block's data: the same split as
 * training (same seed), standardized with the statistics saved in the checkpoint, the labels
 * read by the class names it records ({@link TargetClasses}).
 */
public final class CheckpointEvaluation {
  private CheckpointEvaluation() {}

  /** The metrics of each asked split ({@code train}, {@code val}, {@code test}) that has rows. */
  public static Map<String, Map<String, Double>> evaluate(ModelUnit unit, Path checkpoint, List<String> splits) {
    return evaluate(unit, checkpoint, splits, false);
  }

  /** As {@link #evaluate(ModelUnit, Path, List)}, loading a checkpoint with non-finite weights only when allowed. */
  public static Map<String, Map<String, Double>> evaluate(ModelUnit unit, Path checkpoint, List<String> splits,
      boolean allowNonFiniteWeights) {
    return evaluateWithClasses(unit, checkpoint, splits, allowNonFiniteWeights).metrics();
  }

  /**
   * The metrics of each split with rows, and for a classifier ({@link ClassReport#of}) its
   * figures per class and confusion matrix on each.
   */
  public record Result(Map<String, Map<String, Double>> metrics, Map<String, ClassReport> classes) {}

  /** As {@link #evaluate(ModelUnit, Path, List, boolean)}, with the per-class report of a classifier. */
  public static Result evaluateWithClasses(ModelUnit unit, Path checkpoint, List<String> splits,
      boolean allowNonFiniteWeights) {
    TrainConfig config = unit.train();
    ModelFactory factory = ModelCompiler.compile(unit);
    Map<String, String> recorded = Checkpoint.metadata(checkpoint);
    TargetClasses named = TargetClasses.recorded(unit.graph(), recorded);
    Splits parts = DataSources.splits(config, unit.graph(), named, TrainedVocabulary.recorded(recorded));
    CompiledModel model = factory.newModel(TrainingRun.bufferBatch(config.batch(), parts));
    Map<String, String> metadata = Checkpoint.load(checkpoint, model, factory.key(), allowNonFiniteWeights);
    Standardizer standardizer = Standardization.fromMetadata(metadata);
    Map<String, Dataset> byName = Map.of("train", parts.train(), "val", parts.val(), "test", parts.test());
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    Map<String, ClassReport> classes = new LinkedHashMap<>();
    for (String name : splits) {
      Dataset rows = Standardization.apply(standardizer, byName.get(name));
      if (rows.size() > 0) {
        SplitEvaluation split = SplitEvaluation.of(unit, model, rows, TrainingPlan.metrics(config.metrics()).get(),
            LossReduction.of(unit.graph()), config.batch(), named.names());
        if (split.report() != null) {
          classes.put(name, split.report());
        }
        out.put(name, split.values());
      }
    }
    return new Result(out, classes);
  }
}
