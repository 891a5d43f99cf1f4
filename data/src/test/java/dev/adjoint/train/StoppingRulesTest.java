package dev.adjoint.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Early stopping's boundaries on a model whose validation loss follows a script: when the
 * patience runs out exactly, the direction of {@code minDelta}, the maximizing branch, and
 * the best epoch's parameters and state coming back; and the seed and step a run starts from.
 */
class StoppingRulesTest {

  /** One row per epoch; the validation loss of epoch e is {@code script[e]}; w and s record the epoch. */
  static final class Scripted extends CompiledModel {
    final double[] script;
    final float[] x;
    final float[] w;
    final float[] s;
    final List<Long> stepsSeen = new ArrayList<>();
    final List<Long> seedsSeen = new ArrayList<>();

    Scripted(double... script) {
      super(1);
      this.script = script;
      x = registerInput(new TensorSpec("x", DType.F32, -1, 1), new float[1]);
      w = registerParam(new TensorSpec("w", DType.F32, 2), new float[2]);
      s = registerState(new TensorSpec("s", DType.F32, 1), new float[1]);
    }

    @Override
    public String modelName() {
      return "scripted";
    }

    @Override
    public boolean hasLoss() {
      return true;
    }

    @Override
    public double trainStep(int batch) {
      stepsSeen.add(step);
      seedsSeen.add(seed);
      step++;
      w[0] = step;
      w[1] = -step;
      s[0] = 100 + step;
      return 1;
    }

    @Override
    public double evaluate(int batch) {
      return script[(int) step - 1];
    }

    @Override
    public void predict(int batch) {}

    @Override
    public void initialize(long newSeed) {}
  }

  private static final BatchSource ONE_ROW = new BatchSource() {
    @Override
    public int size() {
      return 1;
    }

    @Override
    public void fill(int[] order, int from, int count, CompiledModel model) {}
  };

  private static TrainingResult run(Scripted model, int epochs, EarlyStopping stopping) {
    return Trainer.train(model, ONE_ROW, ONE_ROW,
        new TrainingOptions(1, epochs, 7, false, 0.1, Schedule.constant(), List::of, stopping),
        TrainingListener.NONE);
  }

  @Test
  void stopsAsSoonAsThePatienceIsUsedUp() {
    Scripted model = new Scripted(5, 4, 4.5, 4.6, 4.7, 4.8, 4.9, 5, 5.1, 5.2);
    TrainingResult r = run(model, 10, new EarlyStopping("val_loss", 2, 0, false, false));
    assertTrue(r.stoppedEarly());
    assertEquals(2, r.bestEpoch(), "epochs are numbered from 1");
    assertEquals(4, r.history().size(), "epochs 3 and 4 without improvement, then stop");
    assertFalse(r.restored());
    assertArrayEquals(new float[] {4, -4}, model.w, "the last epoch's weights stay");
  }

  @Test
  void theLastEpochIsNotAnEarlyStop() {
    Scripted model = new Scripted(5, 4, 4.5, 4.6);
    TrainingResult r = run(model, 4, new EarlyStopping("val_loss", 2, 0, false, false));
    assertEquals(4, r.history().size());
    assertFalse(r.stoppedEarly(), "the patience ran out on the last epoch, which ends the run anyway");
  }

  @Test
  void anImprovementResetsThePatience() {
    Scripted model = new Scripted(5, 6, 4, 7, 3, 8, 9, 10);
    TrainingResult r = run(model, 8, new EarlyStopping("val_loss", 2, 0, false, false));
    assertEquals(5, r.bestEpoch());
    assertEquals(7, r.history().size());
    assertTrue(r.stoppedEarly());
  }

  @Test
  void restoresTheBestEpochsParametersAndState() {
    Scripted model = new Scripted(5, 3, 4, 4.5, 6, 7);
    TrainingResult r = run(model, 6, new EarlyStopping("val_loss", 3, 0, false, true));
    assertTrue(r.stoppedEarly());
    assertTrue(r.restored());
    assertEquals(2, r.bestEpoch());
    assertArrayEquals(new float[] {2, -2}, model.w, "the parameters after epoch 2 (two steps)");
    assertArrayEquals(new float[] {102}, model.s, "and the state (running statistics) with them");
  }

  @Test
  void aSnapshotCopiesAndRestoresEveryParameterAndState() {
    Scripted model = new Scripted(1);
    model.w[0] = 1.5f;
    model.w[1] = -2.5f;
    model.s[0] = 7;
    Snapshot snapshot = Snapshot.take(model);
    model.w[0] = 0;
    model.w[1] = 0;
    model.s[0] = 0;
    snapshot.restore(model);
    assertArrayEquals(new float[] {1.5f, -2.5f}, model.w);
    assertArrayEquals(new float[] {7}, model.s);
  }

  @Test
  void maximizingKeepsTheHighestValue() {
    Scripted model = new Scripted(1, 2, 1.5, 1.9, 1.8, 3);
    TrainingResult r = run(model, 6, new EarlyStopping("val_loss", 3, 0, true, true));
    assertEquals(2, r.bestEpoch());
    assertTrue(r.stoppedEarly());
    assertEquals(5, r.history().size());
    assertArrayEquals(new float[] {2, -2}, model.w);
  }

  @Test
  void minDeltaIsAMarginInTheDirectionOfImprovement() {
    EarlyStopping down = new EarlyStopping("val_loss", 1, 0.25, false, false);
    assertTrue(down.improves(0.5, 1.0));
    assertFalse(down.improves(0.75, 1.0), "exactly minDelta lower is not more than minDelta");
    assertFalse(down.improves(0.9, 1.0));
    assertFalse(down.improves(1.1, 1.0));
    EarlyStopping up = new EarlyStopping("val_acc", 1, 0.25, true, false);
    assertTrue(up.improves(1.5, 1.0));
    assertFalse(up.improves(1.25, 1.0), "exactly minDelta higher is not more than minDelta");
    assertFalse(up.improves(1.1, 1.0));
    assertFalse(up.improves(0.5, 1.0));
    EarlyStopping exact = new EarlyStopping("val_loss", 1, 0, false, false);
    assertFalse(exact.improves(1.0, 1.0), "an equal value is no improvement");
  }

  @Test
  void minDeltaCountsEpochsThatImproveTooLittleAsWaiting() {
    Scripted model = new Scripted(10, 9.5, 9.2, 9.1, 9);
    TrainingResult r = run(model, 5, new EarlyStopping("val_loss", 2, 1, false, false));
    assertEquals(1, r.bestEpoch(), "no later epoch improves by more than 1 on the first");
    assertEquals(3, r.history().size());
    assertTrue(r.stoppedEarly());
  }

  @Test
  void aRunStartsFromTheSeedOfItsOptionsAtStepZero() {
    Scripted model = new Scripted(1, 1, 1);
    model.setSeed(99);
    model.setStep(5);
    run(model, 3, null);
    assertEquals(List.of(0L, 1L, 2L), model.stepsSeen);
    assertEquals(List.of(7L, 7L, 7L), model.seedsSeen);
    assertEquals(7, model.seed());
  }
}
