package dev.adjoint.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.model.CompiledModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The loop's bookkeeping on {@link TrainerTest.Line}: which rows evaluation reads in which
 * batches, the order without shuffling, what the listener is told, and the step a diverged
 * run names.
 */
class TrainerLoopTest {

  /** Rows of y = 3x - 1 with x = row / n, remembering every fill as (from, count) and the orders. */
  static final class Recording implements BatchSource {
    final int n;
    final List<List<Integer>> fills = new ArrayList<>();
    final List<int[]> orders = new ArrayList<>();

    Recording(int n) {
      this.n = n;
    }

    @Override
    public int size() {
      return n;
    }

    @Override
    public void fill(int[] order, int from, int count, CompiledModel model) {
      fills.add(List.of(from, count));
      orders.add(order.clone());
      TrainerTest.rows(n).fill(order, from, count, model);
    }
  }

  /** The line without a loss: evaluation must predict. */
  static final class Lossless extends TrainerTest.Line {
    Lossless() {
      super(2);
    }

    @Override
    public boolean hasLoss() {
      return false;
    }
  }

  @Test
  void evaluationReadsEveryRowOnceInBatches() {
    TrainerTest.Line model = new TrainerTest.Line(4);
    model.w[0] = 1;
    Recording rows = new Recording(4);
    Map<String, Double> values = Trainer.evaluate(model, rows,
        Trainer.withLoss(List.of(Metric.mean("mean_p", "p"))), 2);
    assertEquals(List.of(List.of(0, 2), List.of(2, 2)), rows.fills);
    assertEquals(List.of("loss", "mean_p"), List.copyOf(values.keySet()));
    assertEquals(0.375, values.get("mean_p"), 1e-7, "p = x = 0, .25, .5, .75");
    assertEquals(0.375, values.get("loss"), 1e-7, "(1 - 2x)² = 1, .25, 0, .25");
  }

  @Test
  void aModelWithoutALossIsEvaluatedByPredicting() {
    Lossless model = new Lossless();
    model.w[0] = 2;
    model.p[0] = 99;
    model.p[1] = 99;
    Recording rows = new Recording(3);
    Map<String, Double> values = Trainer.evaluate(model, rows, List.of(Metric.mean("mean_p", "p")), 5);
    assertEquals(List.of(List.of(0, 2), List.of(2, 1)), rows.fills, "batches of at most the model's 2 rows");
    assertEquals((0 + 2.0 / 3 + 4.0 / 3) / 3, values.get("mean_p"), 1e-6, "p = 2x for x = 0, 1/3 and then 2/3");
  }

  @Test
  void withoutShufflingEveryEpochReadsTheRowsInOrder() {
    TrainerTest.Line model = new TrainerTest.Line(4);
    Recording rows = new Recording(6);
    Trainer.train(model, rows, null, new TrainingOptions(4, 2, 7, false, 0.1, Schedule.constant(), List::of, null),
        TrainingListener.NONE);
    assertEquals(List.of(List.of(0, 4), List.of(4, 2), List.of(0, 4), List.of(4, 2)), rows.fills);
    for (int[] order : rows.orders) {
      assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, order);
    }
  }

  @Test
  void aLossMetricOfTheCallersIsNotAddedTwice() {
    Metric own = Metric.loss(Metric.Reduction.SUM);
    List<Metric> metrics = Trainer.withLoss(List.of(own));
    assertEquals(1, metrics.size());
    assertSame(own, metrics.get(0));
    List<Metric> added = Trainer.withLoss(List.of(Metric.mean("m", "p")));
    assertEquals(List.of("loss", "m"), added.stream().map(Metric::name).toList());
  }

  @Test
  void theListenerHearsTheStartTheEpochsAndTheEnd() {
    TrainerTest.Line model = new TrainerTest.Line(4);
    List<String> heard = new ArrayList<>();
    TrainingResult[] finished = new TrainingResult[1];
    List<Double> seconds = new ArrayList<>();
    TrainingResult r = Trainer.train(model, TrainerTest.rows(10), null,
        new TrainingOptions(4, 2, 7, true, 0.1, Schedule.constant(), List::of, null), new TrainingListener() {
          @Override
          public void started(int firstEpoch, int epochs, int batchesPerEpoch) {
            heard.add("started " + firstEpoch + " " + epochs + " " + batchesPerEpoch);
          }

          @Override
          public void epoch(EpochRecord record, TrainerState state, CompiledModel m) {
            heard.add("epoch " + record.epoch() + " next " + state.nextEpoch());
            seconds.add(record.seconds());
          }

          @Override
          public void finished(TrainingResult result) {
            heard.add("finished");
            finished[0] = result;
          }
        });
    assertEquals(List.of("started 1 2 3", "epoch 1 next 1", "epoch 2 next 2", "finished"), heard);
    assertSame(r, finished[0]);
    for (double s : seconds) {
      assertTrue(s >= 0 && s < 60, "an epoch's time in seconds: " + s);
    }
  }

  @Test
  void aDivergedRunNamesTheStepThatDiverged() {
    TrainerTest.Line model = new TrainerTest.Line(4);
    TrainingOptions exploding = new TrainingOptions(4, 500, 7, true, 50, Schedule.constant(), List::of, null);
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> Trainer.train(model, TrainerTest.rows(10), null, exploding, TrainingListener.NONE));
    assertEquals(model.step() - 1, e.step(), "the step counter has moved past the step that diverged");
    assertEquals(e.step() / 3 + 1, e.epoch(), "three steps an epoch, numbered from 1");
  }
}
