package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.settings.DataSplit;
import dev.adjoint.compiler.settings.TrainConfig;
import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.data.Dataset;
import dev.adjoint.runtime.data.Splits;
import dev.adjoint.runtime.data.Standardizer;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.train.Trainer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a checkpoint on the splits of its train block's data: the same split as
 * training (same seed), standardized with the statistics saved in the checkpoint.
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
    TrainConfig config = unit.train();
    ModelFactory factory = ModelCompiler.compile(unit);
    Dataset all = DataSources.load(config, unit.graph());
    DataSplit split = config.split();
    Splits parts = Splits.split(all, split.train(), split.val(), split.test(), config.seed());
    CompiledModel model = factory.newModel(TrainingRun.bufferBatch(config.batch(), parts));
    Map<String, String> metadata = Checkpoint.load(checkpoint, model, factory.key(), allowNonFiniteWeights);
    Standardizer standardizer = Standardizer.fromMap(metadata);
    Map<String, Dataset> byName = Map.of("train", parts.train(), "val", parts.val(), "test", parts.test());
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (String name : splits) {
      Dataset rows = standardizer.apply(byName.get(name));
      if (rows.size() > 0) {
        out.put(name, Trainer.evaluate(model, new DatasetRows(rows),
            Trainer.withLoss(TrainingPlan.metrics(config.metrics()).get(), LossReduction.of(unit.graph())),
            config.batch()));
      }
    }
    return out;
  }
}
