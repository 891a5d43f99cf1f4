package dev.adjoint.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.runs.History;
import dev.adjoint.compiler.runs.TrainingRun;
import dev.adjoint.runtime.checkpoint.Safetensors;
import dev.adjoint.runtime.checkpoint.TensorData;
import dev.adjoint.runtime.checkpoint.TensorFile;
import dev.adjoint.train.EpochRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run interrupted after 3 epochs and resumed from its checkpoint ends exactly where an
 * uninterrupted run of 6 epochs ends: the same losses and weights, bit for bit (dropout
 * masks, shuffles, schedule and optimizer state all follow the step and the seed).
 */
class ResumeTest {
  @TempDir
  Path runs;

  @Test
  void batchNormWithAdamResumesBitForBit() throws Exception {
    // running statistics in the checkpoint's state, Adam's moments in its optimizer state
    check("iris/batchnorm.nn", 6, 3);
  }

  @Test
  void dropoutAdamWScheduleAndEarlyStoppingResumeBitForBit() throws Exception {
    // dropout masks keyed by the step, an exponential schedule, AdamW, early stopping's memory
    check("mnist/mnist.nn", 4, 2);
  }

  private void check(String example, int epochs, int interruptAfter) throws Exception {
    ModelUnit unit = Adjoint.check(Path.of(System.getProperty("adjoint.examples", ".")).resolve(example), null,
        List.of());
    Path straight = runs.resolve("straight");
    Path resumed = runs.resolve("resumed");
    run(unit, straight, epochs, false);
    run(unit, resumed, interruptAfter, false);
    run(unit, resumed, epochs, true);

    List<EpochRecord> a = History.read(straight.resolve("history.csv"));
    List<EpochRecord> b = History.read(resumed.resolve("history.csv"));
    assertEquals(epochs, a.size());
    assertEquals(epochs, b.size());
    for (int i = 0; i < epochs; i++) {
      assertEquals(a.get(i).train(), b.get(i).train(), "epoch " + (i + 1));
      assertEquals(a.get(i).validation(), b.get(i).validation(), "epoch " + (i + 1));
    }
    TensorFile x = Safetensors.read(straight.resolve("last.safetensors"));
    TensorFile y = Safetensors.read(resumed.resolve("last.safetensors"));
    assertEquals(x.tensors().keySet(), y.tensors().keySet());
    for (String name : x.tensors().keySet()) {
      TensorData p = x.tensor(name);
      TensorData q = y.tensor(name);
      assertArrayEquals(p.f32(), q.f32(), name);
    }
    assertEquals(x.metadata().get("adjoint.step"), y.metadata().get("adjoint.step"));
  }

  private static void run(ModelUnit unit, Path folder, int epochs, boolean resume) {
    new TrainingRun(unit, folder, new PrintWriter(new StringWriter())).run(epochs, resume);
  }
}
