package dev.adjoint.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.compiler.autodiff.TrainingGraph;
import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.Mode;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.TextDump;
import dev.adjoint.compiler.ir.Verifier;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.testing.RandomFeeds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the pass tests share: compile a program from text, run a pass and verify what it
 * made, count ops, evaluate graphs through the reference interpreter and compare every
 * value two graphs compute (outputs, loss, state updates and gradients, by name).
 */
final class PassTesting {
  /** Relative tolerance of value comparisons for ordinary inputs. */
  static final double RTOL = 1e-12;
  /** Absolute tolerance, for values at or near zero (a sum that cancels to 1e-17 in one graph, 0 in the other). */
  static final double ATOL = 1e-14;
  /** The random keys of every evaluation, so that dropout draws the same masks in both graphs. */
  static final long SEED = 7;
  static final long STEP = 3;

  private PassTesting() {}

  /** The verified forward graph of the only (or first) model of a program that must compile. */
  static Graph compile(String text) {
    Compilation c = Frontend.compile(SourceFile.of("t.nn", text));
    assertTrue(c.ok(), () -> "expected the program to compile:\n" + c.diagnostics().format() + "\n" + text);
    assertFalse(c.models().isEmpty(), "no model in:\n" + text);
    Graph graph = c.models().get(0).graph();
    Verifier.check(graph, "from the front end");
    return graph;
  }

  /** Runs a pass and checks the graph it made. */
  static Pass.Result run(Pass pass, Graph graph) {
    Pass.Result r = pass.run(graph);
    Verifier.check(r.graph(), "after " + pass.name());
    return r;
  }

  /** Runs passes one after the other, each result verified; the last graph. */
  static Graph runAll(Graph graph, Pass... passes) {
    Graph current = graph;
    for (Pass pass : passes) {
      current = run(pass, current).graph();
    }
    return current;
  }

  /** The pass must not fire on the graph, and must leave it as it was. */
  static void assertLeftAlone(Pass pass, Graph graph) {
    Pass.Result r = run(pass, graph);
    assertEquals(0, r.fired(), () -> pass.name() + " fired on a graph it should not match:\n" + TextDump.dump(graph));
    assertEquals(TextDump.dump(graph), TextDump.dump(r.graph()), pass.name() + " changed a graph it did not fire on");
  }

  /** The training graph of a forward graph, verified. */
  static Graph training(Graph forward) {
    Graph training = TrainingGraph.of(forward);
    Verifier.check(training, "after differentiation");
    return training;
  }

  static int count(Graph graph, Op op) {
    int n = 0;
    for (Node node : graph.nodes()) {
      if (node.op() == op) {
        n++;
      }
    }
    return n;
  }

  static List<Node> nodes(Graph graph, Op op) {
    List<Node> found = new ArrayList<>();
    for (Node node : graph.nodes()) {
      if (node.op() == op) {
        found.add(node);
      }
    }
    return found;
  }

  /** The only node of an op in the graph. */
  static Node only(Graph graph, Op op) {
    List<Node> found = nodes(graph, op);
    assertEquals(1, found.size(), () -> "expected one " + op.text() + " node in:\n" + TextDump.dump(graph));
    return found.get(0);
  }

  /**
   * LOG nodes whose input is a probability: a softmax quotient, a sigmoid, 1 - sigmoid, or
   * one of those in a branch of a guard such as the losses' {@code where(t == 0, 1, p)}.
   * None may survive the stabilize phase.
   */
  static List<Node> logsOfProbabilities(Graph graph) {
    List<Node> found = new ArrayList<>();
    for (Node n : graph.nodes()) {
      if (n.op() != Op.LOG) {
        continue;
      }
      List<Node> candidates = new ArrayList<>(List.of(n.input(0)));
      for (int i = 0; i < candidates.size(); i++) { // through guards, nested as bce's clamped logs are
        Node c = candidates.get(i);
        if (c.op() == Op.WHERE) {
          candidates.add(c.input(1));
          candidates.add(c.input(2));
        }
      }
      for (Node c : candidates) {
        if (Patterns.softmax(c) != null || c.op() == Op.SIGMOID || LogSigmoidRewrite.complementOfSigmoid(c) != null) {
          found.add(n);
          break;
        }
      }
    }
    return found;
  }

  // ---- feeds and evaluation --------------------------------------------------------------

  /** Random inputs for a batch and random parameters, training mode, the fixed random keys. */
  static Feed randomFeed(Graph graph, int batch, long seed) {
    Random random = new Random(seed);
    Map<String, F64Tensor> inputs = RandomFeeds.inputs(graph, batch, random);
    Map<String, F64Tensor> params = RandomFeeds.params(graph, random, 0.5);
    return new Feed(inputs, params, Map.of(), Mode.TRAINING, SEED, STEP);
  }

  /** A feed of the given inputs and parameters, training mode, the fixed random keys. */
  static Feed feed(Map<String, F64Tensor> inputs, Map<String, F64Tensor> params) {
    return new Feed(inputs, params, Map.of(), Mode.TRAINING, SEED, STEP);
  }

  static Evaluation evaluate(Graph graph, Feed feed) {
    return new Interpreter(graph).evaluate(feed);
  }

  /** Every value a graph computes, by name: {@code output o}, {@code loss}, {@code state s}, {@code grad w}. */
  static Map<String, F64Tensor> values(Graph graph, Feed feed) {
    Evaluation e = evaluate(graph, feed);
    Map<String, F64Tensor> values = new LinkedHashMap<>();
    e.outputs().forEach((name, t) -> values.put("output " + name, t));
    if (graph.loss() != null) {
      values.put("loss", e.loss());
    }
    e.stateUpdates().forEach((name, t) -> values.put("state " + name, t));
    graph.gradients().forEach((name, node) -> values.put("grad " + name, e.value(node)));
    return values;
  }

  /** The gradient of the loss with respect to a parameter, in an evaluation of a training graph. */
  static F64Tensor gradient(Graph training, Evaluation e, String param) {
    Node g = training.gradients().get(param);
    assertNotNull(g, () -> "no gradient of " + param + "; gradients: " + training.gradients().keySet());
    return e.value(g);
  }

  /** Both graphs compute the same values, by name, within the default tolerances. */
  static void assertSameValues(Graph expected, Graph actual, Feed feed) {
    assertSameValues(expected, actual, feed, RTOL, ATOL);
  }

  static void assertSameValues(Graph expected, Graph actual, Feed feed, double rtol, double atol) {
    Map<String, F64Tensor> want = values(expected, feed);
    Map<String, F64Tensor> got = values(actual, feed);
    assertEquals(want.keySet(), got.keySet(), "the two graphs compute different things");
    for (Map.Entry<String, F64Tensor> e : want.entrySet()) {
      F64Tensor g = got.get(e.getKey());
      assertTrue(g.allClose(e.getValue(), rtol, atol),
          () -> e.getKey() + " differs: expected " + e.getValue() + ", got " + g);
    }
  }

  // ---- extreme inputs --------------------------------------------------------------------

  /**
   * The values an extreme-input check draws from: logits of ±1000 (e^1000 overflows, e^-1000
   * underflows), ±1e30 (its square is still finite, its fourth power not), tiny normal
   * (±1e-300) and subnormal (4.9e-324) magnitudes, zeros of both signs, and a few ordinary
   * values so that not everything saturates.
   */
  static final double[] EXTREMES = {1000, -1000, 1e30, -1e30, 1e-300, -1e-300, Double.MIN_VALUE, 0.0, -0.0, 1, -1,
      0.5, -2.5};
  /** The batch sizes of an extreme-input check: several, one, and an empty batch. */
  static final int[] EXTREME_BATCHES = {5, 1, 0};

  /**
   * A feed for a batch whose float inputs are drawn from {@link #EXTREMES} (class indices and
   * ids stay in range) and whose parameters are Gaussian with some elements of ±1000 and
   * ±1e30; training mode, the fixed random keys.
   */
  static Feed extremeFeed(Graph graph, int batch, long seed) {
    Random random = new Random(seed);
    Map<String, F64Tensor> inputs = new LinkedHashMap<>();
    RandomFeeds.inputs(graph, batch, random).forEach((name, t) -> {
      boolean indices = graph.source(name).dtype() == ScalarType.I32;
      inputs.put(name, indices ? t : extremeLike(t, random, EXTREMES));
    });
    Map<String, F64Tensor> params = new LinkedHashMap<>();
    RandomFeeds.params(graph, random, 0.5).forEach((name, t) -> {
      double[] v = t.data();
      for (int i = 0; i < v.length; i++) {
        if (random.nextInt(3) == 0) {
          v[i] = new double[] {1000, -1000, 1e30, -1e30}[random.nextInt(4)];
        }
      }
      params.put(name, F64Tensor.of(t.shape(), v));
    });
    return feed(inputs, params);
  }

  private static F64Tensor extremeLike(F64Tensor t, Random random, double[] pool) {
    double[] v = new double[t.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = pool[random.nextInt(pool.length)];
    }
    return F64Tensor.of(t.shape(), v);
  }

  /**
   * Both graphs compute bit for bit the same values, by name ({@link F64Tensor#equals}: NaN
   * equals NaN, 0.0 differs from -0.0, an infinity only itself): for a rewrite that is exact.
   */
  static void assertIdenticalValues(Graph expected, Graph actual, Feed feed, String what) {
    Map<String, F64Tensor> want = values(expected, feed);
    Map<String, F64Tensor> got = values(actual, feed);
    assertEquals(want.keySet(), got.keySet(), "the two graphs compute different things");
    want.forEach((name, t) -> assertEquals(t, got.get(name), () -> name + " differs bit for bit (" + what + ")"
        + firstDifference(t, got.get(name))));
  }

  /** Where two tensors first differ, each element printed in full (-0.0, 1.0E-300). */
  private static String firstDifference(F64Tensor expected, F64Tensor actual) {
    if (!expected.sameShape(actual)) {
      return ": shapes differ";
    }
    for (int i = 0; i < expected.size(); i++) {
      if (Double.doubleToLongBits(expected.flat(i)) != Double.doubleToLongBits(actual.flat(i))) {
        return ": element " + i + " is " + actual.flat(i) + ", expected " + expected.flat(i);
      }
    }
    return "";
  }

  /**
   * Bit for bit the same values on extreme inputs with B = 5, 1 and 0, one feed per batch
   * size; {@code expected} must compute some finite value, so that the check compares numbers
   * and not only NaN.
   */
  static void assertIdenticalOnExtremes(Graph expected, Graph actual, long seed) {
    Map<String, F64Tensor> seen = new LinkedHashMap<>();
    for (int batch : EXTREME_BATCHES) {
      Feed feed = extremeFeed(expected, batch, seed + batch);
      assertIdenticalValues(expected, actual, feed, "extreme inputs, B = " + batch);
      values(expected, feed).forEach((name, t) -> seen.put(name + " B = " + batch, t));
    }
    assertSomeFinite(seen, "extreme inputs");
  }

  /** As {@link #assertIdenticalOnExtremes}, within tolerances, for a rewrite that rounds differently. */
  static void assertCloseOnExtremes(Graph expected, Graph actual, long seed, double rtol, double atol) {
    Map<String, F64Tensor> seen = new LinkedHashMap<>();
    for (int batch : EXTREME_BATCHES) {
      Feed feed = extremeFeed(expected, batch, seed + batch);
      assertSameValues(expected, actual, feed, rtol, atol);
      values(expected, feed).forEach((name, t) -> seen.put(name + " B = " + batch, t));
    }
    assertSomeFinite(seen, "extreme inputs");
  }

  /** At least one finite element among the values: extreme inputs must not saturate everything to NaN. */
  static void assertSomeFinite(Map<String, F64Tensor> values, String what) {
    for (F64Tensor t : values.values()) {
      for (double v : t.data()) {
        if (Double.isFinite(v)) {
          return;
        }
      }
    }
    fail("every value is non-finite (" + what + "): the check compares nothing but NaN");
  }

  /** Shapes equal and every element equal as numbers (0.0 and -0.0 count as equal, NaN as NaN). */
  static void assertSameTensor(F64Tensor expected, F64Tensor actual, String what) {
    assertTrue(actual.allClose(expected, 0, 0), () -> what + ": expected " + expected + ", got " + actual);
  }

  static void assertClose(double expected, double actual, String what) {
    assertClose(expected, actual, RTOL, what);
  }

  static void assertClose(double expected, double actual, double rtol, String what) {
    if (!(Math.abs(expected - actual) <= ATOL + rtol * Math.abs(expected))) {
      fail(what + ": expected " + expected + ", got " + actual);
    }
  }

  static void assertValues(F64Tensor t, double... expected) {
    assertEquals(expected.length, t.size(), () -> "size of " + t);
    for (int i = 0; i < expected.length; i++) {
      assertClose(expected[i], t.flat(i), "element " + i + " of " + t);
    }
  }

  static boolean allFinite(F64Tensor t) {
    for (double v : t.data()) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  static void assertFinite(F64Tensor t, String what) {
    assertTrue(allFinite(t), () -> what + " has a non-finite value: " + t);
  }

  // ---- tensors ---------------------------------------------------------------------------

  static F64Tensor rows(double[]... rows) {
    return F64Tensor.matrix(rows);
  }

  static double[] row(double... values) {
    return values;
  }

  /** The first {@code batch} rows of the identity of size {@code width}: [batch, width]. */
  static F64Tensor identityRows(int batch, int width) {
    double[] data = new double[batch * width];
    for (int i = 0; i < batch; i++) {
      data[i * width + i] = 1;
    }
    return F64Tensor.of(new int[] {batch, width}, data);
  }
}
