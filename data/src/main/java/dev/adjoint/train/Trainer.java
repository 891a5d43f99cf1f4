package dev.adjoint.train;

import dev.adjoint.data.Permutations;
import dev.adjoint.runtime.model.CompiledModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loop: epochs of shuffled mini-batches through a compiled training step, the
 * learning rate set from the schedule before every step, validation after every epoch with
 * the model's evaluation (dropout off, running statistics on), metrics aggregated per
 * sample, and early stopping that can restore the best epoch's weights. The training loss
 * it reports is the plain loss, as the validation loss is: the step's L1/L2 penalties
 * ({@link TrainingOptions#penalty}) are subtracted from the objective it returns.
 *
 * <p>Everything a run depends on is a function of the seed, the epoch and the model's step
 * counter, so a run resumed from a {@link TrainerState} and a checkpoint of the model takes
 * exactly the steps the uninterrupted run would have (with the same thread count).
 */
public final class Trainer {
  private Trainer() {}

  /** Trains from the start; {@code validation} may be null. */
  public static TrainingResult train(CompiledModel model, BatchSource train, BatchSource validation,
      TrainingOptions options, TrainingListener listener) {
    model.setSeed(options.seed());
    model.setStep(0);
    return resume(model, train, validation, options, listener, TrainerState.fresh());
  }

  /** Continues a run from its state after an epoch; the model holds that epoch's checkpoint. */
  public static TrainingResult resume(CompiledModel model, BatchSource train, BatchSource validation,
      TrainingOptions options, TrainingListener listener, TrainerState state) {
    if (!model.hasLoss()) {
      throw new IllegalArgumentException("model " + model.modelName() + " has no loss to train");
    }
    if (train.size() == 0) {
      throw new IllegalArgumentException("there are no training rows: is the train split 0?");
    }
    int batch = Math.min(options.batch(), model.maxBatch());
    int batches = (train.size() + batch - 1) / batch;
    List<EpochRecord> history = new ArrayList<>(state.history());
    double best = state.bestValue();
    int bestEpoch = state.bestEpoch();
    int wait = state.epochsWithoutImprovement();
    Snapshot bestWeights = state.best();
    EarlyStopping stopping = options.earlyStopping();
    boolean stopped = false;
    listener.started(state.nextEpoch() + 1, options.epochs(), batches);
    for (int epoch = state.nextEpoch(); epoch < options.epochs(); epoch++) {
      long started = System.nanoTime();
      List<Metric> trainMetrics = withLoss(options.metrics().get(), options.lossReduction());
      int[] order = order(train, options, epoch);
      for (int b = 0; b < batches; b++) {
        int from = b * batch;
        int count = Math.min(batch, train.size() - from);
        train.fill(order, from, count, model);
        model.setLearningRate(options.schedule().rate(options.baseLearningRate(), model.step(), epoch));
        double penalty = options.penalty().value(model);
        double objective = model.trainStep(count);
        if (!Double.isFinite(objective)) {
          throw new TrainingDivergedException(model.modelName(), epoch + 1, model.step() - 1, objective);
        }
        double loss = objective - penalty;
        for (Metric m : trainMetrics) {
          m.add(model, count, loss);
        }
        listener.batch(epoch + 1, b, batches, loss);
      }
      Map<String, Double> validationValues = validation == null || validation.size() == 0 ? Map.of()
          : evaluate(model, validation, withLoss(options.metrics().get(), options.lossReduction()), batch);
      EpochRecord record = new EpochRecord(epoch + 1, model.learningRate(), values(trainMetrics), validationValues,
          (System.nanoTime() - started) / 1e9);
      history.add(record);
      if (stopping != null) {
        double value = record.value(stopping.monitor());
        if (stopping.improves(value, best)) {
          best = value;
          bestEpoch = epoch + 1;
          wait = 0;
          bestWeights = stopping.restoreBest() ? Snapshot.take(model) : null;
          listener.improved(record, model);
        } else {
          wait++;
          stopped = wait >= stopping.patience() && epoch + 1 < options.epochs();
        }
      }
      listener.epoch(record, new TrainerState(epoch + 1, history, best, bestEpoch, wait, bestWeights), model);
      if (stopped) {
        break;
      }
    }
    boolean restored = stopping != null && stopping.restoreBest() && bestWeights != null;
    if (restored) {
      bestWeights.restore(model);
    }
    TrainingResult result = new TrainingResult(history, stopped, bestEpoch, restored);
    listener.finished(result);
    return result;
  }

  /**
   * Puts the model where it was just before training step {@code step} of {@code epoch} (from 1), for
   * a look at that step (such as the one whose loss stopped being finite): the model holds
   * its state at the start of the epoch (its checkpoint, or its initialization for the first);
   * the epoch's earlier steps are taken again exactly, then the step's batch is filled and its
   * learning rate set, and it is not taken. Returns the number of samples in its batch.
   */
  public static int replayUntil(CompiledModel model, BatchSource train, TrainingOptions options, int epoch,
      long step) {
    int batch = Math.min(options.batch(), model.maxBatch());
    int batches = (train.size() + batch - 1) / batch;
    int index = epoch - 1;
    int[] order = order(train, options, index);
    for (int b = 0; b < batches && model.step() <= step; b++) {
      int from = b * batch;
      int count = Math.min(batch, train.size() - from);
      train.fill(order, from, count, model);
      model.setLearningRate(options.schedule().rate(options.baseLearningRate(), model.step(), index));
      if (model.step() == step) {
        return count;
      }
      model.trainStep(count);
    }
    throw new IllegalArgumentException("step " + step + " is not a step of epoch " + epoch
        + " from the model's state (step " + model.step() + ")");
  }

  /** The order an epoch visits the training rows in. */
  private static int[] order(BatchSource train, TrainingOptions options, int epoch) {
    return options.shuffle() ? Permutations.shuffled(train.size(), options.seed(), epoch) : identity(train.size());
  }

  /** The metrics (loss first) over all rows, in batches, as inference behaves. */
  public static Map<String, Double> evaluate(CompiledModel model, BatchSource rows, List<Metric> metrics, int batch) {
    int size = Math.min(batch, model.maxBatch());
    int[] order = identity(rows.size());
    for (int from = 0; from < rows.size(); from += size) {
      int count = Math.min(size, rows.size() - from);
      rows.fill(order, from, count, model);
      double loss = model.hasLoss() ? model.evaluate(count) : Double.NaN;
      if (!model.hasLoss()) {
        model.predict(count);
      }
      for (Metric m : metrics) {
        m.add(model, count, loss);
      }
    }
    return values(metrics);
  }

  /** The metrics with the loss (a mean over its batch) in front, unless the caller already has one. */
  public static List<Metric> withLoss(List<Metric> metrics) {
    return withLoss(metrics, Metric.Reduction.MEAN);
  }

  /** The metrics with the loss of a loss reducing its batch so in front, unless the caller already has one. */
  public static List<Metric> withLoss(List<Metric> metrics, Metric.Reduction reduction) {
    List<Metric> out = new ArrayList<>();
    if (metrics.stream().noneMatch(m -> m.name().equals("loss"))) {
      out.add(Metric.loss(reduction));
    }
    out.addAll(metrics);
    return out;
  }

  private static Map<String, Double> values(List<Metric> metrics) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Metric m : metrics) {
      out.put(m.name(), m.value());
    }
    return out;
  }

  private static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }
}
