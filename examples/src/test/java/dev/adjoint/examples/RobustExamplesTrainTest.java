package dev.adjoint.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.runs.TrainingRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples in examples/robust, whose losses hold grad(...) so each training step is
 * second order: they train as their train blocks say, and the derivative term does what it
 * is there for. Thresholds leave room for floating point to differ between machines; the
 * measured values are in examples/robust/README.md.
 */
class RobustExamplesTrainTest {
  private static final Path EXAMPLES = Path.of(System.getProperty("adjoint.examples", "."));

  @TempDir
  Path runs;

  private TrainingRun.Result train(String example, String folder, List<String> sets) {
    ModelUnit unit = Adjoint.check(EXAMPLES.resolve(example), null, sets);
    StringWriter console = new StringWriter();
    TrainingRun.Result r = new TrainingRun(unit, runs.resolve(folder), new PrintWriter(console))
        .run(0, false);
    System.out.println(example + " " + sets + ":\n" + console);
    return r;
  }

  @Test
  void aGradientPenaltyHoldsTheInputGradientNearOne() {
    // measured: test accuracy 0.909 and mean input-gradient norm 1.10 (5.11 with --set lam=0)
    TrainingRun.Result r = train("robust/gradient_penalty.nn", "gp", List.of());
    assertTrue(r.metric("test", "accuracy") >= 0.85, "test accuracy " + r.metric("test", "accuracy"));
    assertTrue(r.metric("test", "mean") < 1.5, "mean input-gradient norm " + r.metric("test", "mean"));
    TrainingRun.Result free = train("robust/gradient_penalty.nn", "free", List.of("lam=0"));
    assertTrue(free.metric("test", "mean") > 3, "without the penalty " + free.metric("test", "mean"));
  }

  @Test
  void fgsmTrainingMakesTheMnistPerceptronRobust() {
    // measured on held-out digits, clean / FGSM (eps 0.1) accuracy: 95.9% / 6.6% trained on
    // clean digits only, 95.6% / 84.1% trained adversarially
    TrainingRun.Result plain = train("robust/fgsm.nn", "plain", List.of("adv=0"));
    TrainingRun.Result robust = train("robust/fgsm.nn", "robust", List.of());
    assertTrue(plain.metric("test", "accuracy") >= 0.94, "plain clean accuracy " + plain.metric("test", "accuracy"));
    assertTrue(plain.metric("test", "mean") <= 0.2, "plain FGSM accuracy " + plain.metric("test", "mean"));
    assertTrue(robust.metric("test", "accuracy") >= 0.93, "robust clean accuracy " + robust.metric("test", "accuracy"));
    assertTrue(robust.metric("test", "mean") >= 0.75, "robust FGSM accuracy " + robust.metric("test", "mean"));
  }
}
