package dev.adjoint.spark;

import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.runs.LossReduction;
import dev.adjoint.compiler.runs.PredictorMetadata;
import dev.adjoint.compiler.settings.DataSplit;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.predict.Predictor;
import dev.adjoint.runtime.predict.Standardizer;
import dev.adjoint.train.EarlyStopping;
import dev.adjoint.train.Metric;
import dev.adjoint.train.TrainingOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Synchronous data-parallel training of a .nn model on a Spark {@code Dataset<Row>}: with
 * k = 1, gradient averaging (synchronous SGD); with k > 1, parameter averaging with k local
 * steps (local SGD; Deeplearning4j's ParameterAveragingTrainingMaster).
 *
 * <p>Each partition of the rows is one worker's shard; at global step t a worker trains on the
 * train block's {@code batch} rows at positions t·batch ... of its shard's order (passes over
 * the shard, shuffled by seed, partition and pass unless {@code shuffle false}). A partition
 * without rows contributes nothing. The train block's {@code standardize} is fitted on the
 * training rows ({@link RowStandardization}) and applied to every row before the first round.
 *
 * <p>k = 1, round t, on the driver: the weights (parameters and running statistics) are
 * broadcast; every worker with rows loads them into its JVM's compiled model (compiled once per
 * JVM) and runs one forward and backward pass ({@code gradientStep}) on its batch;
 * {@code treeAggregate} sums the gradients and running statistics weighted by the samples, and
 * the driver's model, which alone holds the optimizer state, takes their mean (for a loss
 * summed over the batch, the gradients' sum) as its gradient and applies the optimizer's update
 * at step t's rate ({@code applyGradients}). With P workers this is one step of batch P·batch
 * on the union of the workers' batches, for every optimizer and clipping, up to rounding;
 * only dropout (each worker draws its own masks) and batch statistics (each worker normalizes
 * over its own batch) differ from the single-machine step.
 *
 * <p>k > 1, round r: the whole training state s_r (parameters, optimizer state such as Adam's
 * moments, running statistics) is broadcast; every worker with rows takes k training steps,
 * global steps r·k ... r·k + k − 1, at the schedule's rate for each; s_{r+1} is the mean of the
 * workers' states weighted by the samples they trained on. Workers drift apart between
 * averagings, trading some accuracy per sample for k times fewer synchronizations; Adam-like
 * optimizers average their moments.
 *
 * <p>An epoch is ⌈⌈largest shard / batch⌉ / k⌉ rounds; after each the driver measures the
 * validation rows (the train block's split of the data, or the rows given), applies early
 * stopping as {@code adjoint train} does, and writes the checkpoints. A retried task recomputes
 * its part from the same broadcast state and rows, so Spark's retries do not change the result.
 */
public final class AdjointSparkTrainer {
  private AdjointSparkTrainer() {}

  /** Trains on {@code data}, validating on the train block's split of it (if the block has one). */
  public static SparkTrainingResult fit(Dataset<Row> data, ModelSource model, SparkTrainingOptions options) {
    ModelUnit unit = JvmModels.unit(model);
    DataSplit split = unit.train().split();
    if (unit.train().given().given() || split.val() == 0) {
      return fit(data, null, model, options);
    }
    Dataset<Row>[] parts = data.randomSplit(new double[] {split.train(), split.val(), split.test()},
        unit.train().seed());
    return fit(parts[0], parts[1], model, options);
  }

  /** Trains on {@code train}, validating on {@code validation} (null: none). */
  public static SparkTrainingResult fit(Dataset<Row> train, Dataset<Row> validation, ModelSource model,
      SparkTrainingOptions options) {
    return unwrapBadRows(() -> new Run(train, validation, model, options).run());
  }

  /**
   * A bad row's own message, rather than Spark's report of the task it failed (a
   * {@code SparkException}, which Scala throws unchecked).
   */
  private static <T> T unwrapBadRows(Supplier<T> job) {
    try {
      return job.get();
    } catch (Exception e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof BadRowException bad) {
          throw new BadRowException(bad.getMessage());
        }
      }
      throw e;
    }
  }

  /** The rows as the model's columns: float arrays per column, checked, in memory. */
  static JavaRDD<float[][]> columns(Dataset<Row> data, RowLayout layout) {
    StructType schema = data.schema();
    layout.check(schema);
    int width = layout.columns().size();
    return data.toDF().javaRDD().mapPartitions(rows -> {
      int[] indices = layout.indices(schema);
      List<float[][]> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row row = rows.next();
        float[][] values = new float[width][];
        for (int c = 0; c < width; c++) {
          values[c] = layout.values(row, indices, c);
        }
        out.add(values);
      }
      return out.iterator();
    });
  }

  /** One run's state on the driver. */
  private static final class Run {
    private final ModelSource source;
    private final SparkTrainingOptions options;
    private final ModelUnit unit;
    private final TrainingOptions plan;
    private final ModelFactory factory;
    private final CompiledModel model;
    private final RowLayout layout;
    private final JavaSparkContext sc;
    /** The training rows as read, before standardization. */
    private final JavaRDD<float[][]> raw;
    private final JavaRDD<float[][]> train;
    private final JavaRDD<float[][]> validation;
    private final Metric.Reduction reduction;
    private final SparkCheckpoints checkpoints;
    private final Map<String, String> metadata;

    Run(Dataset<Row> trainRows, Dataset<Row> validationRows, ModelSource source, SparkTrainingOptions options) {
      this.source = source;
      this.options = options;
      this.unit = JvmModels.unit(source);
      if (unit.train() == null) {
        throw new IllegalArgumentException("model " + unit.name() + " has no train block to train by");
      }
      this.plan = JvmModels.options(source);
      this.factory = JvmModels.factory(source);
      this.model = factory.newModel(plan.batch());
      if (!model.hasLoss()) {
        throw new IllegalArgumentException("model " + unit.name() + " has no loss to train");
      }
      this.layout = RowLayout.of(unit, model, true);
      this.sc = JavaSparkContext.fromSparkContext(trainRows.sparkSession().sparkContext());
      this.raw = columns(trainRows, layout);
      Standardizer standardizer = Standardizer.none();
      if (!unit.train().standardize().isEmpty()) {
        raw.persist(StorageLevel.MEMORY_AND_DISK());
        standardizer = RowStandardization.fit(raw, layout, unit.train().standardize());
      }
      this.train = shards(RowStandardization.apply(raw, layout, standardizer));
      this.validation = validationRows == null ? null
          : shards(RowStandardization.apply(columns(validationRows, layout), layout, standardizer));
      this.reduction = LossReduction.of(unit.graph());
      this.metadata = new LinkedHashMap<>(PredictorMetadata.of(unit));
      metadata.remove(Predictor.INPUT_SCALE_KEY); // rows come as given, unless the caller says otherwise
      metadata.putAll(standardizer.toMap());
      metadata.putAll(options.metadata());
      this.checkpoints = options.checkpoints() == null ? null
          : new SparkCheckpoints(options.checkpoints(), sc.hadoopConfiguration(), metadata, factory.key());
    }

    /**
     * The rows kept in the executors' memory with their lineage cut (Spark's local
     * checkpoint), so that a round's tasks carry a partition's index, not its source: a
     * partition of an in-memory collection holds its rows, and would travel with every task of
     * every round. A task that throws is retried from these blocks; an executor lost with them
     * fails the run, which then resumes from its last checkpoint.
     */
    private static JavaRDD<float[][]> shards(JavaRDD<float[][]> rows) {
      JavaRDD<float[][]> kept = rows.persist(StorageLevel.MEMORY_AND_DISK());
      kept.rdd().localCheckpoint();
      return kept;
    }

    SparkTrainingResult run() {
      try {
        return loop();
      } finally {
        raw.unpersist(false);
        train.unpersist(false);
        if (validation != null) {
          validation.unpersist(false);
        }
      }
    }

    private SparkTrainingResult loop() {
      int epochs = options.epochs() > 0 ? options.epochs() : plan.epochs();
      int k = options.localSteps();
      EarlyStopping stopping = plan.earlyStopping();
      List<Integer> sizes = train.mapPartitions(rows -> {
        int n = 0;
        for (; rows.hasNext(); rows.next()) {
          n++;
        }
        return List.of(n).iterator();
      }).collect();
      int largest = sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
      if (largest == 0) {
        throw new IllegalArgumentException("there are no rows to train on");
      }
      int roundsPerEpoch = (int) Math.ceil(Math.ceil((double) largest / plan.batch()) / k);
      model.initialize(plan.seed());
      int firstEpoch = 0;
      double best = Double.NaN;
      int waited = 0;
      double[] bestState = null;
      if (checkpoints != null && options.resume() && checkpoints.exists("last")) {
        Map<String, String> saved = checkpoints.load("last", model);
        firstEpoch = Integer.parseInt(saved.get(SparkCheckpoints.EPOCH_KEY));
        best = Double.parseDouble(saved.get(SparkCheckpoints.BEST_KEY));
        waited = Integer.parseInt(saved.get(SparkCheckpoints.WAITED_KEY));
        if (stopping != null && stopping.restoreBest() && checkpoints.exists("best")) {
          CompiledModel other = factory.newModel(plan.batch());
          checkpoints.load("best", other);
          bestState = ModelVector.of(other, ModelVector.Part.TRAINING);
        }
      }
      long step = model.step();
      boolean exact = k == 1;
      List<Map<String, Double>> history = new ArrayList<>();
      boolean stopped = false;
      for (int epoch = firstEpoch; epoch < epochs && !stopped; epoch++) {
        double lossSum = 0;
        long samples = 0;
        for (int r = 0; r < roundsPerEpoch; r++) {
          long started = System.nanoTime();
          Broadcast<byte[]> shipped = sc.broadcast(StateBytes.encode(model,
              exact ? ModelVector.Part.WEIGHTS : ModelVector.Part.TRAINING));
          RoundResult result = train.mapPartitionsWithIndex(
              new RoundWorker(source, layout, shipped, step, k, epoch, reduction, exact), false)
              .treeAggregate(RoundResult.EMPTY, RoundResult::merge, RoundResult::merge);
          shipped.destroy();
          if (exact) {
            applyMeanGradient(result, step, epoch);
          } else {
            ModelVector.into(result.average(), model, ModelVector.Part.TRAINING);
          }
          step += k;
          lossSum += result.lossSum();
          samples += result.samples();
          options.listener().round(epoch, epoch * roundsPerEpoch + r, step, result.meanLoss(), result.samples(),
              (System.nanoTime() - started) / 1_000_000);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss", lossSum / samples);
        if (validation != null) {
          metrics.putAll(validate());
        }
        history.add(metrics);
        options.listener().epoch(epoch, metrics);
        model.setStep(step);
        model.setLearningRate(plan.schedule().rate(plan.baseLearningRate(), step, epoch + 1));
        if (stopping != null) {
          Double value = metrics.get(stopping.monitor());
          if (value == null) {
            throw new IllegalArgumentException("early stopping monitors " + stopping.monitor() + ", which this run "
                + "does not measure; it measures: " + String.join(", ", metrics.keySet()));
          }
          if (stopping.improves(value, best)) {
            best = value;
            waited = 0;
            bestState = ModelVector.of(model, ModelVector.Part.TRAINING);
            if (checkpoints != null) {
              checkpoints.save("best", model, epoch + 1, best, waited, k);
            }
          } else {
            waited++;
            stopped = waited >= stopping.patience();
          }
        }
        if (checkpoints != null) {
          checkpoints.save("last", model, epoch + 1, best, waited, k);
        }
      }
      if (stopping != null && stopping.restoreBest() && bestState != null) {
        ModelVector.into(bestState, model, ModelVector.Part.TRAINING);
      }
      return new SparkTrainingResult(model, history, stopped);
    }

    /**
     * Synchronous SGD's update on the driver: the workers' gradients averaged by samples (for
     * a loss summed over the batch, summed: the gradient of the union batch's sum), their
     * running statistics averaged, then the optimizer's update at step {@code step}'s rate.
     */
    private void applyMeanGradient(RoundResult result, long step, int epoch) {
      double[] mean = result.average();
      if (reduction == Metric.Reduction.SUM) {
        double workers = result.weight() / plan.batch();
        int n = ModelVector.gradientValues(model);
        for (int i = 0; i < n; i++) {
          mean[i] *= workers;
        }
      }
      ModelVector.into(mean, model, ModelVector.Part.GRADIENTS);
      model.setStep(step);
      model.setLearningRate(plan.schedule().rate(plan.baseLearningRate(), step, epoch));
      model.applyGradients();
    }

    private Map<String, Double> validate() {
      Broadcast<byte[]> shipped = sc.broadcast(StateBytes.encode(model, ModelVector.Part.WEIGHTS));
      String classOutput = metadata.get(Predictor.CLASS_OUTPUT_KEY);
      double[] sums = validation.mapPartitions(new Evaluator(source, layout, shipped, reduction, classOutput))
          .treeAggregate(new double[3], AdjointSparkTrainer::add, AdjointSparkTrainer::add);
      shipped.destroy();
      Map<String, Double> out = new LinkedHashMap<>();
      if (sums[2] > 0) {
        out.put("val_loss", sums[0] / sums[2]);
        if (classOutput != null) {
          out.put("val_accuracy", sums[1] / sums[2]);
        }
      }
      return out;
    }
  }

  private static double[] add(double[] a, double[] b) {
    return new double[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
  }
}
