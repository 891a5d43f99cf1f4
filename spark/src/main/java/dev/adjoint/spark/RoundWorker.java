package dev.adjoint.spark;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import dev.adjoint.train.Metric;
import dev.adjoint.train.TrainingOptions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * One partition's part of a round. Parameter averaging: the broadcast training state into this
 * JVM's model, then {@code k} training steps on batches of the shard's rows (positions
 * {@code t·batch} to {@code (t+1)·batch - 1} of its {@link ShardOrder} at global step
 * {@code t}), each at the schedule's learning rate; returns the resulting training state
 * ({@link StateBytes}) weighted by the samples trained on. Gradient averaging ({@code gradients}): the broadcast
 * weights, then one forward and backward pass on the step's batch ({@code gradientStep});
 * returns the gradients and the new running statistics, weighted likewise. Deterministic in its
 * inputs, so that Spark may run it again after a failure.
 */
final class RoundWorker implements Function2<Integer, Iterator<float[][]>, Iterator<RoundResult>> {
  private final ModelSource source;
  private final RowLayout layout;
  private final Broadcast<byte[]> state;
  private final long firstStep;
  private final int steps;
  private final int epoch;
  private final Metric.Reduction reduction;
  private final boolean gradients;

  RoundWorker(ModelSource source, RowLayout layout, Broadcast<byte[]> state, long firstStep, int steps, int epoch,
      Metric.Reduction reduction, boolean gradients) {
    this.source = source;
    this.layout = layout;
    this.state = state;
    this.firstStep = firstStep;
    this.steps = steps;
    this.epoch = epoch;
    this.reduction = reduction;
    this.gradients = gradients;
    if (gradients && steps != 1) {
      throw new IllegalArgumentException("gradient averaging takes one step per round, not " + steps);
    }
  }

  @Override
  public Iterator<RoundResult> call(Integer partition, Iterator<float[][]> rows) {
    return TaskCores.run(() -> round(partition, rows));
  }

  private Iterator<RoundResult> round(int partition, Iterator<float[][]> rows) {
    List<float[][]> shard = new ArrayList<>();
    rows.forEachRemaining(shard::add);
    if (shard.isEmpty()) {
      return List.of(RoundResult.EMPTY).iterator();
    }
    TrainingOptions options = JvmModels.options(source);
    int batch = options.batch();
    CompiledModel model = JvmModels.borrow(source, batch);
    try {
      ModelVector.Part part = gradients ? ModelVector.Part.GRADIENTS : ModelVector.Part.TRAINING;
      StateBytes.decode(state.value(), model, gradients ? ModelVector.Part.WEIGHTS : part);
      model.setSeed(options.seed() + 0x9E3779B97F4A7C15L * partition);
      ShardOrder order = new ShardOrder(shard.size(), options.seed(), partition, options.shuffle());
      double lossSum = 0;
      for (int s = 0; s < steps; s++) {
        long step = firstStep + s;
        model.setStep(step);
        model.setLearningRate(options.schedule().rate(options.baseLearningRate(), step, epoch));
        fill(model, shard, order, step * batch, batch);
        double penalty = options.penalty().value(model); // the objective adds it; the loss reported does not
        double loss = (gradients ? model.gradientStep(batch) : model.trainStep(batch)) - penalty;
        lossSum += reduction == Metric.Reduction.SUM ? loss : loss * batch;
      }
      double weight = (double) steps * batch;
      return List.of(RoundResult.of(StateBytes.encode(model, part), weight, lossSum, (long) steps * batch))
          .iterator();
    } finally {
      JvmModels.giveBack(source, model);
    }
  }

  /** Writes the rows at positions {@code from .. from + batch - 1} of the order into the model's inputs. */
  private void fill(CompiledModel model, List<float[][]> shard, ShardOrder order, long from, int batch) {
    List<ModelColumn> columns = layout.columns();
    for (int c = 0; c < columns.size(); c++) {
      Tensor t = model.input(columns.get(c).name());
      int width = columns.get(c).width();
      for (int r = 0; r < batch; r++) {
        float[] values = shard.get(order.row(from + r))[c];
        for (int e = 0; e < width; e++) {
          t.set(r * width + e, values[e]);
        }
      }
    }
  }
}
