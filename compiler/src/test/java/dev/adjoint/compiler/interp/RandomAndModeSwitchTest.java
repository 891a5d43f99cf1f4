package dev.adjoint.compiler.interp;

import static dev.adjoint.compiler.interp.Fixtures.dims;
import static dev.adjoint.compiler.interp.Fixtures.input;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.runtime.random.CounterRng;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RANDOM_UNIFORM keyed by (seed, step, stream, element), and a dropout built on MODE_SWITCH. */
class RandomAndModeSwitchTest {
  private static final double P = 0.5;

  private final NodeBuilder gb = Fixtures.builder();
  private final Node x = input("x", ScalarType.F64, Shape.BATCH, 16);
  private final Node noise = gb.randomUniform(Shape.of(Shape.BATCH, 16), ScalarType.F64);
  private final Node keep = gb.greaterEqual(noise, gb.constant(P, ScalarType.F64));
  private final Node dropped = gb.where(keep, gb.scale(x, 1 / (1 - P)), gb.constant(0, ScalarType.F64));
  private final Node y = gb.modeSwitch(dropped, x);
  private final Graph graph = Fixtures.graphOf(y, x);
  private final F64Tensor xValue = ramp(4, 16);

  private static F64Tensor ramp(int rows, int cols) {
    double[] v = new double[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = i + 1;
    }
    return F64Tensor.of(dims(rows, cols), v);
  }

  private Evaluation run(Mode mode, long seed, long step) {
    return new Interpreter(graph).evaluate(Map.of("x", xValue), Map.of(), Map.of(), mode, seed, step);
  }

  @Test
  void uniformDrawsAreTheCounterGeneratorsByElement() {
    Evaluation e = run(Mode.TRAINING, 7, 3);
    F64Tensor u = e.value(noise);
    int stream = noise.attrs(Attrs.Random.class).stream();
    assertEquals(64, u.size());
    for (int i = 0; i < u.size(); i++) {
      assertEquals(CounterRng.uniform(7, 3, stream, i), u.flat(i), 0.0);
    }
  }

  @Test
  void trainingDropsOrScalesEachElement() {
    F64Tensor out = run(Mode.TRAINING, 7, 3).output("y");
    int kept = 0;
    for (int i = 0; i < out.size(); i++) {
      double v = out.flat(i);
      assertTrue(v == 0 || v == 2 * xValue.flat(i), "element " + i + " is " + v);
      kept += v == 0 ? 0 : 1;
    }
    assertTrue(kept > 0 && kept < 64, "kept " + kept + " of 64");
  }

  @Test
  void sameSeedAndStepReproduceTheMask() {
    assertEquals(run(Mode.TRAINING, 7, 3).output("y"), run(Mode.TRAINING, 7, 3).output("y"));
  }

  @Test
  void anotherStepOrSeedGivesAnotherMask() {
    F64Tensor first = run(Mode.TRAINING, 7, 3).output("y");
    assertNotEquals(first, run(Mode.TRAINING, 7, 4).output("y"));
    assertNotEquals(first, run(Mode.TRAINING, 8, 3).output("y"));
  }

  @Test
  void inferenceReturnsTheSecondInputAndDrawsNothing() {
    Evaluation e = run(Mode.INFERENCE, 7, 3);
    assertEquals(xValue, e.output("y"));
    assertSame(e.value(x), e.output("y"));
    assertFalse(e.evaluated(noise));
    assertFalse(e.evaluated(dropped));
  }

  @Test
  void trainingDoesNotEvaluateTheInferenceOnlyBranch() {
    Node inferenceOnly = gb.neg(x);
    Node choice = gb.modeSwitch(x, inferenceOnly);
    Graph g = Fixtures.graphOf(choice, x);
    Evaluation e = new Interpreter(g).evaluate(Feed.of(Map.of("x", xValue), Map.of()));
    assertEquals(xValue, e.output("y"));
    assertFalse(e.evaluated(inferenceOnly));
  }
}
