package dev.adjoint.compiler.passes;

import static dev.adjoint.compiler.passes.PassTesting.assertLeftAlone;
import static dev.adjoint.compiler.passes.PassTesting.compile;
import static dev.adjoint.compiler.passes.PassTesting.count;
import static dev.adjoint.compiler.passes.PassTesting.evaluate;
import static dev.adjoint.compiler.passes.PassTesting.nodes;
import static dev.adjoint.compiler.passes.PassTesting.randomFeed;
import static dev.adjoint.compiler.passes.PassTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Mode;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The inference graph: every mode switch takes its inference branch, so dropout vanishes
 * and batch norm reads its running statistics, and the loss, gradients and state updates
 * go. It computes what the forward graph computes in inference mode.
 */
class InferenceExtractionTest {

  private static final String PROGRAM = """
      model t {
        input  x: f64[B, 3]
        target y: class[B] of 2
        n = batch_norm(dense(x, 4), momentum = 0.1)
        h = dropout(relu(n), p = 0.5)
        output probs = softmax(dense(h, 2))
        loss = cross_entropy(probs, y)
      }
      """;

  @Test
  void dropoutVanishesAndBatchNormReadsItsRunningStatistics() {
    Graph forward = compile(PROGRAM);
    assertEquals(2, count(forward, Op.MODE_SWITCH));
    assertEquals(2, forward.stateUpdates().size());
    Pass.Result r = run(new InferenceExtraction(false), forward);
    assertEquals(2 + 1 + 2, r.fired(), "two mode switches, the loss and two state updates");
    Graph g = r.graph();
    assertTrue(InferenceExtraction.isInferenceOnly(g));
    assertNull(g.loss());
    assertTrue(g.gradients().isEmpty());
    assertTrue(g.stateUpdates().isEmpty());
    for (Op gone : new Op[] {Op.MODE_SWITCH, Op.RANDOM_UNIFORM, Op.GREATER_EQUAL, Op.COUNT}) {
      assertEquals(0, count(g, gone), gone.text());
    }
    for (Node n : nodes(g, Op.REDUCE_SUM)) {
      assertFalse(n.attrs(Attrs.Axes.class).axes().contains(0), "a statistic over the batch is left: " + n);
    }
    for (Node state : g.states()) {
      assertTrue(g.nodes().stream().anyMatch(n -> n.inputs().contains(state)), state + " is not read");
    }
    assertEquals(List.of("probs"), List.copyOf(g.outputs().keySet()));
  }

  @Test
  void withDeadCodeTheTargetsLeaveTheInputs() {
    Graph g = run(new InferenceExtraction(false), compile(PROGRAM)).graph();
    assertEquals(List.of("x", "y"), g.inputs().stream().map(Node::sourceName).toList());
    Pass.Result dce = run(new DeadCode(), g);
    assertEquals(1, dce.fired());
    assertEquals(List.of("x"), dce.graph().inputs().stream().map(Node::sourceName).toList());
    assertEquals(g.params(), dce.graph().params());
    assertEquals(g.states(), dce.graph().states());
  }

  @Test
  void anEvaluationGraphKeepsTheLossAsInferenceComputesIt() {
    Graph forward = compile(PROGRAM);
    Pass.Result r = run(new InferenceExtraction(true), forward);
    assertEquals(2 + 2, r.fired(), "two mode switches and two state updates; the loss stays");
    Graph g = r.graph();
    assertEquals(0, count(g, Op.MODE_SWITCH));
    assertEquals(0, count(g, Op.RANDOM_UNIFORM));
    assertTrue(g.gradients().isEmpty());
    assertTrue(g.stateUpdates().isEmpty());
    Feed feed = randomFeed(forward, 4, 8);
    F64Tensor expected = evaluate(forward, feed.withMode(Mode.INFERENCE)).loss();
    PassTesting.assertSameTensor(expected, evaluate(g, feed).loss(), "loss");
    assertLeftAlone(new InferenceExtraction(true), g);
  }

  @Test
  void anInferenceGraphHasNothingLeftToExtract() {
    Graph g = run(new InferenceExtraction(false), compile(PROGRAM)).graph();
    assertLeftAlone(new InferenceExtraction(false), g);
  }

  @Test
  void theInferenceGraphEqualsTheForwardGraphInInferenceMode() {
    Graph forward = compile(PROGRAM);
    Graph inference = run(new InferenceExtraction(false), forward).graph();
    for (int batch : new int[] {5, 1, 0}) {
      Feed random = randomFeed(forward, batch, 31 + batch);
      Random r = new Random(batch);
      Map<String, F64Tensor> states = new LinkedHashMap<>();
      for (Node s : forward.states()) {
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
          v[i] = s.sourceName().endsWith("var") ? 0.5 + r.nextDouble() : r.nextGaussian();
        }
        states.put(s.sourceName(), F64Tensor.vector(v));
      }
      Feed feed = random.withStates(states);
      F64Tensor expected = evaluate(forward, feed.withMode(Mode.INFERENCE)).output("probs");
      // the mode no longer matters: there is no switch and no draw left
      for (Mode mode : Mode.values()) {
        PassTesting.assertSameTensor(expected, evaluate(inference, feed.withMode(mode)).output("probs"),
            "probs in " + mode + " with B = " + batch);
      }
      if (batch > 1) {
        F64Tensor training = evaluate(forward, feed.withMode(Mode.TRAINING)).output("probs");
        assertFalse(training.allClose(expected, 1e-6, 0), "training mode uses the batch's statistics");
      }
    }
  }

  /**
   * On extreme inputs and weights (±1000, ±1e30, tiny, signed zeros; B = 5, 1, 0), with
   * running statistics of any scale, the inference graph's outputs and the evaluation
   * graph's loss are bit for bit the forward graph's in inference mode: choosing a branch
   * computes nothing new, and the batch statistics it drops never reach an output.
   */
  @Test
  void extremeInputsGiveIdenticalValuesInInferenceMode() {
    Graph forward = compile(PROGRAM);
    Graph inference = run(new InferenceExtraction(false), forward).graph();
    Graph evaluation = run(new InferenceExtraction(true), forward).graph();
    for (int batch : PassTesting.EXTREME_BATCHES) {
      Random r = new Random(100 + batch);
      Map<String, F64Tensor> states = new LinkedHashMap<>();
      for (Node s : forward.states()) {
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
          double scale = new double[] {1e-300, 1, 1000, 1e30}[r.nextInt(4)];
          v[i] = s.sourceName().endsWith("var") ? scale * (0.5 + r.nextDouble()) : scale * r.nextGaussian();
        }
        states.put(s.sourceName(), F64Tensor.vector(v));
      }
      Feed feed = PassTesting.extremeFeed(forward, batch, 41 + batch).withStates(states).withMode(Mode.INFERENCE);
      Evaluation expected = evaluate(forward, feed);
      String at = " with B = " + batch;
      assertEquals(expected.output("probs"), evaluate(inference, feed).output("probs"), "probs" + at);
      Evaluation evaluated = evaluate(evaluation, feed);
      assertEquals(expected.output("probs"), evaluated.output("probs"), "probs of the evaluation graph" + at);
      assertEquals(expected.loss(), evaluated.loss(), "loss" + at);
      if (batch > 0) {
        PassTesting.assertSomeFinite(Map.of("probs", expected.output("probs")), at);
      }
    }
  }
}
