package dev.adjoint.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loop's mechanics on a hand-written model: y = w·x + b with mean squared error and SGD. */
class TrainerTest {

  /** A linear model written by hand the way generated classes are shaped. */
  static class Line extends CompiledModel {
    final float[] x;
    final float[] y;
    final float[] w;
    final float[] b;
    final float[] p;
    final List<Double> rates = new ArrayList<>();
    final List<Integer> batches = new ArrayList<>();

    Line(int maxBatch) {
      super(maxBatch);
      x = registerInput(new TensorSpec("x", DType.F32, -1, 1), new float[maxBatch]);
      y = registerInput(new TensorSpec("y", DType.F32, -1, 1), new float[maxBatch]);
      w = registerParam(new TensorSpec("w", DType.F32, 1), new float[1]);
      b = registerParam(new TensorSpec("b", DType.F32, 1), new float[1]);
      p = registerOutput(new TensorSpec("p", DType.F32, -1, 1), new float[maxBatch]);
    }

    @Override
    public String modelName() {
      return "line";
    }

    @Override
    public boolean hasLoss() {
      return true;
    }

    @Override
    public double trainStep(int batch) {
      rates.add(learningRate);
      batches.add(batch);
      double loss = evaluate(batch);
      double gw = 0;
      double gb = 0;
      for (int i = 0; i < batch; i++) {
        double d = p[i] - y[i];
        gw += 2 * d * x[i] / batch;
        gb += 2 * d / batch;
      }
      w[0] -= (float) (learningRate * gw);
      b[0] -= (float) (learningRate * gb);
      step++;
      return loss;
    }

    @Override
    public double evaluate(int batch) {
      predict(batch);
      double sum = 0;
      for (int i = 0; i < batch; i++) {
        sum += (p[i] - y[i]) * (p[i] - y[i]);
      }
      return batch == 0 ? 0 : sum / batch;
    }

    @Override
    public void predict(int batch) {
      for (int i = 0; i < batch; i++) {
        p[i] = w[0] * x[i] + b[0];
      }
    }

    @Override
    public void initialize(long newSeed) {
      w[0] = 0;
      b[0] = 0;
      step = 0;
    }
  }

  /** Rows of y = 3x - 1. */
  static BatchSource rows(int n) {
    return new BatchSource() {
      @Override
      public int size() {
        return n;
      }

      @Override
      public void fill(int[] order, int from, int count, CompiledModel model) {
        float[] x = model.input("x").f32();
        float[] y = model.input("y").f32();
        for (int i = 0; i < count; i++) {
          float v = order[from + i] / (float) n;
          x[i] = v;
          y[i] = 3 * v - 1;
        }
      }
    };
  }

  private static TrainingOptions options(int epochs, Schedule schedule, EarlyStopping stopping) {
    return new TrainingOptions(4, epochs, 7, true, 0.5, schedule,
        () -> List.of(Metric.error("mse", "p", "y", true)), stopping);
  }

  @Test
  void trainsInShuffledBatchesWithAPartialLastOneAndLearns() {
    Line model = new Line(4);
    TrainingResult r = Trainer.train(model, rows(10), rows(6), options(60, Schedule.constant(), null),
        TrainingListener.NONE);
    assertEquals(60, r.history().size());
    assertEquals(List.of(4, 4, 2), model.batches.subList(0, 3), "10 rows in batches of 4");
    assertEquals(180, model.step());
    EpochRecord last = r.history().get(59);
    assertTrue(last.value("loss") < 1e-3, "train loss " + last.value("loss"));
    assertTrue(last.value("val_mse") < 1e-3, "validation mse " + last.value("val_mse"));
    assertEquals(last.value("val_loss"), last.value("val_mse"), 1e-9, "the loss is the mse here");
    assertEquals(3, model.w[0], 0.05);
  }

  @Test
  void theScheduleSetsTheRateOfEveryStep() {
    Line model = new Line(4);
    Trainer.train(model, rows(8), null, options(3, Schedule.exponential(0.5, Schedule.Unit.EPOCH), null),
        TrainingListener.NONE);
    assertEquals(List.of(0.5, 0.5, 0.25, 0.25, 0.125, 0.125), model.rates);
    Line warm = new Line(4);
    Trainer.train(warm, rows(8), null, options(2, Schedule.warmup(2, 0, Schedule.constant()), null),
        TrainingListener.NONE);
    assertEquals(List.of(0.0, 0.25, 0.5, 0.5), warm.rates);
  }

  @Test
  void earlyStoppingStopsAndRestoresTheBestWeights() {
    Line model = new Line(4);
    // a rate that makes the loss grow after a while: the best epoch comes early
    TrainingOptions diverging = new TrainingOptions(4, 50, 7, false, 1.3, Schedule.constant(),
        List::of, new EarlyStopping("val_loss", 2, 0, false, true));
    List<float[]> weightsAtImprovement = new ArrayList<>();
    TrainingResult r = Trainer.train(model, rows(8), rows(8), diverging, new TrainingListener() {
      @Override
      public void improved(EpochRecord record, CompiledModel m) {
        weightsAtImprovement.add(new float[] {model.w[0], model.b[0]});
      }
    });
    assertTrue(r.stoppedEarly(), "stopped after " + r.history().size() + " epochs");
    assertEquals(r.bestEpoch() + 2, r.history().size(), "patience 2: two epochs without improvement, then stop");
    assertTrue(r.restored());
    float[] best = weightsAtImprovement.get(weightsAtImprovement.size() - 1);
    assertArrayEquals(best, new float[] {model.w[0], model.b[0]});
  }

  /** A line that records, before each step, its weights, learning rate and first input. */
  static final class RecordingLine extends Line {
    final List<float[]> before = new ArrayList<>();

    RecordingLine(int maxBatch) {
      super(maxBatch);
    }

    @Override
    public double trainStep(int batch) {
      before.add(new float[] {w[0], b[0], (float) learningRate, x[0]});
      return super.trainStep(batch);
    }
  }

  private static float[] snapshot(Line m) {
    return new float[] {m.w[0], m.b[0], (float) m.learningRate(), m.x[0]};
  }

  @Test
  void replayPutsTheModelJustBeforeTheAskedStepWithItsBatchAndRate() {
    // 10 rows in batches of 4: steps 0-2 in epoch 1 (4, 4, 2 rows), 3-5 in epoch 2; warm-up makes every rate differ
    TrainingOptions options = new TrainingOptions(4, 2, 7, true, 0.4, Schedule.warmup(8, 0.05, Schedule.constant()),
        List::of, null);
    RecordingLine trained = new RecordingLine(4);
    Trainer.train(trained, rows(10), null, options, TrainingListener.NONE);
    assertEquals(6, trained.before.size());

    Line replay = new Line(4);
    replay.initialize(0);
    assertEquals(4, Trainer.replayUntil(replay, rows(10), options, 1, 1));
    assertArrayEquals(trained.before.get(1), snapshot(replay), "weights, rate and batch before step 1");
    assertEquals(1, replay.step(), "step 1 itself is not taken");

    Line last = new Line(4);
    last.initialize(0);
    assertEquals(2, Trainer.replayUntil(last, rows(10), options, 1, 2), "the last batch is partial");
    assertArrayEquals(trained.before.get(2), snapshot(last));
    last.trainStep(2);
    // from the state at the start of epoch 2, which visits the rows in another order
    assertEquals(4, Trainer.replayUntil(last, rows(10), options, 2, 4));
    assertArrayEquals(trained.before.get(4), snapshot(last), "epoch 2's own shuffle and rates");

    Line beyond = new Line(4);
    beyond.initialize(0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.replayUntil(beyond, rows(10), options, 1, 3));
    assertEquals("step 3 is not a step of epoch 1 from the model's state (step 3)", e.getMessage());
  }

  /** Validation rows of y = 3x - 1 whose targets are infinite in the first {@code infinite} passes. */
  private static BatchSource infiniteAtFirst(int n, int infinite) {
    BatchSource rows = rows(n);
    return new BatchSource() {
      private int fills;

      @Override
      public int size() {
        return n;
      }

      @Override
      public void fill(int[] order, int from, int count, CompiledModel model) {
        rows.fill(order, from, count, model);
        if (fills++ < infinite) {
          model.input("y").f32()[0] = Float.POSITIVE_INFINITY;
        }
      }
    };
  }

  @Test
  void anInfiniteValidationLossIsNeverTheBestEpoch() {
    // one validation batch per epoch: the first epoch's val_loss is infinite, the later ones learn
    Line model = new Line(8);
    TrainingOptions options = new TrainingOptions(8, 6, 7, false, 0.5, Schedule.constant(),
        List::of, new EarlyStopping("val_loss", 5, 0, false, true));
    TrainingResult r = Trainer.train(model, rows(8), infiniteAtFirst(8, 1), options, TrainingListener.NONE);
    assertEquals(Double.POSITIVE_INFINITY, r.history().get(0).value("val_loss"));
    assertFalse(r.stoppedEarly());
    assertEquals(6, r.bestEpoch(), "the loss falls every epoch after the infinite one: the last, the sixth");

    // all infinite: no epoch is best, nothing is restored, patience still stops the run
    Line never = new Line(8);
    TrainingOptions patient = new TrainingOptions(8, 10, 7, false, 0.5, Schedule.constant(),
        List::of, new EarlyStopping("val_loss", 3, 0, false, true));
    TrainingResult all = Trainer.train(never, rows(8), infiniteAtFirst(8, 100), patient, TrainingListener.NONE);
    assertTrue(all.stoppedEarly());
    assertEquals(3, all.history().size(), "three epochs without improvement");
    assertFalse(all.restored(), "no finite epoch to restore");
    assertEquals(0, all.bestEpoch(), "no best epoch");
  }

  @Test
  void aResumedRunTakesExactlyTheStepsOfAnUninterruptedOne() {
    TrainingOptions opts = options(6, Schedule.cosine(20, 0.01, Schedule.Unit.STEP), null);
    Line straight = new Line(4);
    List<Double> uninterrupted = new ArrayList<>();
    Trainer.train(straight, rows(10), null, opts, lossesInto(uninterrupted));

    Line first = new Line(4);
    TrainerState[] after3 = new TrainerState[1];
    float[][] weights = new float[1][];
    long[] step = new long[1];
    List<Double> losses = new ArrayList<>();
    Trainer.train(first, rows(10), null, new TrainingOptions(4, 3, 7, true, 0.5, opts.schedule(), opts.metrics(),
        null), new TrainingListener() {
          @Override
          public void batch(int epoch, int b, int n, double loss) {
            losses.add(loss);
          }

          @Override
          public void epoch(EpochRecord record, TrainerState state, CompiledModel m) {
            after3[0] = state;
            weights[0] = new float[] {first.w[0], first.b[0]};
            step[0] = first.step();
          }
        });
    Line resumed = new Line(4);
    resumed.w[0] = weights[0][0];
    resumed.b[0] = weights[0][1];
    resumed.setSeed(7);
    resumed.setStep(step[0]);
    Trainer.resume(resumed, rows(10), null, opts, lossesInto(losses), after3[0]);
    assertEquals(uninterrupted, losses);
    assertEquals(straight.w[0], resumed.w[0]);
  }

  @Test
  void aDivergingRunSaysSo() {
    Line model = new Line(4);
    TrainingOptions exploding = new TrainingOptions(4, 500, 7, true, 50, Schedule.constant(), List::of, null);
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> Trainer.train(model, rows(10), null, exploding, TrainingListener.NONE));
    assertTrue(e.getMessage().contains("training diverged; try a lower learning rate"), e.getMessage());
    assertTrue(e.getMessage().matches("the loss of line became (Infinity|NaN) at step " + e.step() + " \\(epoch "
        + e.epoch() + "\\): .*"), e.getMessage());
    assertEquals(model.step() - 1, e.step(), "the step that produced it, counted from 0");
  }

  @Test
  void theSmallestBatchAndNoEpochsAreValidOptions() {
    TrainingOptions one = new TrainingOptions(1, 0, 7, true, 0.1, Schedule.constant(), List::of, null);
    assertEquals(1, one.batch());
    assertEquals(0, Trainer.train(new Line(1), rows(3), null, one, TrainingListener.NONE).history().size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TrainingOptions(0, 1, 7, true, 0.1, Schedule.constant(), List::of, null));
    assertEquals("batch must be at least 1, got 0", e.getMessage());
  }

  private static TrainingListener lossesInto(List<Double> losses) {
    return new TrainingListener() {
      @Override
      public void batch(int epoch, int b, int n, double loss) {
        losses.add(loss);
      }
    };
  }

  /** Line whose step returns the objective with 10·w² + 2·|b| added, as a regularized step does. */
  static final class Penalized extends Line {
    Penalized(int maxBatch) {
      super(maxBatch);
    }

    @Override
    public double trainStep(int batch) {
      double penalty = 10.0 * w[0] * w[0] + 2.0 * Math.abs(b[0]);
      return super.trainStep(batch) + penalty;
    }
  }

  @Test
  void theReportedTrainingLossIsThePlainLossNotTheObjective() {
    Penalty penalty = Penalty.of(List.of(new Penalty.Term("w", false, 10), new Penalty.Term("b", true, 2)));
    TrainingOptions plainOptions = options(5, Schedule.constant(), null);
    TrainingOptions withPenalty = new TrainingOptions(4, 5, 7, true, 0.5, Schedule.constant(), plainOptions.metrics(),
        null, Metric.Reduction.MEAN, penalty);
    List<Double> batchLosses = new ArrayList<>();
    TrainingResult plain = Trainer.train(new Line(4), rows(10), rows(6), plainOptions, TrainingListener.NONE);
    TrainingResult penalized = Trainer.train(new Penalized(4), rows(10), rows(6), withPenalty, new TrainingListener() {
      @Override
      public void batch(int epoch, int batchIndex, int batches, double loss) {
        batchLosses.add(loss);
      }
    });
    TrainingResult unaware = Trainer.train(new Penalized(4), rows(10), rows(6), plainOptions, TrainingListener.NONE);
    for (int e = 0; e < 5; e++) {
      double loss = plain.history().get(e).value("loss");
      assertEquals(loss, penalized.history().get(e).value("loss"), 1e-6, "epoch " + e);
      assertEquals(plain.history().get(e).value("val_loss"), penalized.history().get(e).value("val_loss"), 1e-12);
      assertTrue(unaware.history().get(e).value("loss") > loss + 1e-3,
          "without the penalty the objective is reported: " + unaware.history().get(e).value("loss"));
    }
    assertEquals(15, batchLosses.size());
    assertTrue(batchLosses.stream().allMatch(l -> l >= 0 && l < 2), "plain losses per batch: " + batchLosses);
  }

  @Test
  void aPenaltyIsItsTermsAtTheCurrentWeights() {
    Line model = new Line(1);
    model.w[0] = -3;
    model.b[0] = 0.5f;
    assertEquals(0, Penalty.NONE.value(model));
    assertEquals(Penalty.NONE, Penalty.of(List.of()));
    assertEquals(0.1 * 9 + 0.01 * 3 + 2 * 0.5, Penalty.of(List.of(new Penalty.Term("w", false, 0.1),
        new Penalty.Term("w", true, 0.01), new Penalty.Term("b", true, 2))).value(model), 1e-12);
  }
}
