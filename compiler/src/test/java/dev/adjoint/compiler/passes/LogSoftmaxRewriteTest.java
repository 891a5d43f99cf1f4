package dev.adjoint.compiler.passes;

import static dev.adjoint.compiler.passes.PassTesting.allFinite;
import static dev.adjoint.compiler.passes.PassTesting.assertClose;
import static dev.adjoint.compiler.passes.PassTesting.assertLeftAlone;
import static dev.adjoint.compiler.passes.PassTesting.assertSameValues;
import static dev.adjoint.compiler.passes.PassTesting.compile;
import static dev.adjoint.compiler.passes.PassTesting.count;
import static dev.adjoint.compiler.passes.PassTesting.evaluate;
import static dev.adjoint.compiler.passes.PassTesting.feed;
import static dev.adjoint.compiler.passes.PassTesting.gradient;
import static dev.adjoint.compiler.passes.PassTesting.identityRows;
import static dev.adjoint.compiler.passes.PassTesting.logsOfProbabilities;
import static dev.adjoint.compiler.passes.PassTesting.only;
import static dev.adjoint.compiler.passes.PassTesting.randomFeed;
import static dev.adjoint.compiler.passes.PassTesting.row;
import static dev.adjoint.compiler.passes.PassTesting.rows;
import static dev.adjoint.compiler.passes.PassTesting.run;
import static dev.adjoint.compiler.passes.PassTesting.training;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.adjoint.compiler.composite.Activations;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code log(softmax(z))}, shifted or not, guarded or not, and the log-softmax composite
 * become one LOG_SOFTMAX node. With logits (1000, 0, -1000) the softmax of the last class
 * underflows to 0, so the log as written is -∞ (and the unshifted softmax is ∞/∞ = NaN);
 * LOG_SOFTMAX gives (0, -1000, -2000) exactly.
 */
class LogSoftmaxRewriteTest {

  /** z = x + e @ d with e identity rows and d zeros: z is x, and d's gradient is the gradient per sample. */
  private static final String PROGRAM = """
      model t {
        input  x: f64[B, 3]
        input  e: f64[B, 3]
        target y: class[B] of 3
        target t: f64[B, 3]
        param  d: f64[3, 3] = zeros
        z = x + e @ d
        u = exp(z)
        output o = OUT
        loss = LOSS
      }
      """;

  private static Graph program(String output, String loss) {
    return compile(PROGRAM.replace("OUT", output).replace("LOSS", loss));
  }

  private static Graph program(String output) {
    return program(output, "mean(o)");
  }

  private static final F64Tensor X = rows(row(1000, 0, -1000), row(0.5, -0.25, 2));
  private static final F64Tensor T = rows(row(0.2, 0.3, 0.5), row(0.1, 0.6, 0.3));

  private static Feed extremeFeed() {
    return feed(Map.of("x", X, "e", identityRows(2, 3), "y", F64Tensor.vector(2, 1), "t", T),
        Map.of("d", F64Tensor.zeros(3, 3)));
  }

  private static double[] logSoftmax(double... z) {
    double max = Math.max(z[0], Math.max(z[1], z[2]));
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    double[] out = new double[3];
    for (int i = 0; i < 3; i++) {
      out[i] = z[i] - max - Math.log(sum);
    }
    return out;
  }

  // ---- structure --------------------------------------------------------------------------

  @Test
  void logOfSoftmaxBecomesLogSoftmaxOfTheLogits() {
    Graph forward = program("log(softmax(z))");
    Pass.Result r = run(new LogSoftmaxRewrite(), forward);
    assertEquals(1, r.fired());
    Graph g = r.graph();
    Node ls = only(g, Op.LOG_SOFTMAX);
    assertSame(g.outputs().get("o"), ls);
    assertEquals(Op.ADD, ls.input(0).op(), "the logits x + e @ d, not the shifted ones");
    assertEquals(new Attrs.Axes(List.of(1), true), ls.attrs());
    for (Op gone : new Op[] {Op.LOG, Op.EXP, Op.REDUCE_MAX}) { // the mean of the loss still divides
      assertEquals(0, count(g, gone), gone.text());
    }
  }

  @Test
  void anUnshiftedSoftmaxWrittenByHandIsRecognized() {
    Graph g = run(new LogSoftmaxRewrite(), program("log(u / sum(u, axis = -1, keepdims = true))")).graph();
    Node ls = only(g, Op.LOG_SOFTMAX);
    assertEquals(Op.ADD, ls.input(0).op());
    assertEquals(0, count(g, Op.LOG));
  }

  @Test
  void theLogSoftmaxCompositeBecomesOneNode() {
    Graph g = run(new LogSoftmaxRewrite(), program("log_softmax(z) + log_softmax(z, axis = 0)")).graph();
    assertEquals(2, count(g, Op.LOG_SOFTMAX));
    assertEquals(0, count(g, Op.LOG));
    assertEquals(0, count(g, Op.REDUCE_MAX));
    List<List<Integer>> axes = PassTesting.nodes(g, Op.LOG_SOFTMAX).stream()
        .map(n -> n.attrs(Attrs.Axes.class).axes()).toList();
    assertEquals(List.of(List.of(1), List.of(0)), axes);
  }

  @Test
  void theGuardedLogOfTheLossesBecomesAGuardedLogSoftmax() {
    Graph forward = program("z", "cross_entropy(softmax(z), y)");
    assertEquals(1, logsOfProbabilities(forward).size());
    Pass.Result r = run(new LogSoftmaxRewrite(), forward);
    assertEquals(1, r.fired());
    Graph g = r.graph();
    assertEquals(List.of(), logsOfProbabilities(g));
    Node ls = only(g, Op.LOG_SOFTMAX);
    Node where = only(g, Op.WHERE);
    assertEquals(List.of(Op.EQUAL, Op.CONST), List.of(where.input(0).op(), Patterns.unbroadcast(where.input(1)).op()));
    assertSame(ls, where.input(2), "where(t == 0, 0, log_softmax(z))");
    assertEquals(0.0, (double) Patterns.constant(where.input(1)));
    assertEquals(0, count(g, Op.LOG));
  }

  @Test
  void aGuardWithTheBranchesTheOtherWayRoundIsRewrittenToo() {
    SourceSpan span = SourceSpan.synthetic("t");
    NodeBuilder b = NodeBuilder.start(span, 0);
    Node x = b.node(Op.INPUT, List.of(), new Attrs.Input("x", ScalarType.F64, Shape.of(Shape.BATCH, 3), false, 0,
        List.of()));
    Node keep = b.greater(x, b.constant(-1500, x));
    Node guarded = b.log(b.where(keep, Activations.softmax(b, x, 1), b.constant(1, x)));
    Graph forward = Graph.builder("t", span).input(x).output("o", guarded).build();
    Pass.Result r = run(new LogSoftmaxRewrite(), forward);
    assertEquals(1, r.fired());
    Node where = r.graph().outputs().get("o");
    assertEquals(Op.WHERE, where.op());
    assertSame(keep, where.input(0));
    assertEquals(Op.LOG_SOFTMAX, where.input(1).op(), "where(x > -1500, log_softmax(x), 0)");
    assertEquals(0.0, (double) Patterns.constant(where.input(2)));
    Feed feed = feed(Map.of("x", rows(row(1000, 0, -1000), row(-2000, 2, 0.5))), Map.of());
    F64Tensor o = evaluate(r.graph(), feed).output("o");
    assertFalse(allFinite(evaluate(forward, feed).output("o")), "log 0 where the softmax underflows");
    double[] second = logSoftmax(-2000, 2, 0.5);
    PassTesting.assertValues(o, 0, -1000, -2000, 0, second[1], second[2]);
  }

  @Test
  void nearMissesAreLeftAlone() {
    String[] outputs = {
        "log(sigmoid(z))",
        "log(z * z + 1)",
        "log(softmax(z) + 1)",
        // normalized by the sum of everything: not a softmax along one axis
        "log(u / sum(u))",
        // the denominator sums other exponentials
        "log(u / sum(exp(x), axis = -1, keepdims = true))",
    };
    for (String output : outputs) {
      assertLeftAlone(new LogSoftmaxRewrite(), run(new CommonSubexpressions(), program(output)).graph());
    }
  }

  // ---- values -----------------------------------------------------------------------------

  @Test
  void extremeLogitsGiveExactLogProbabilitiesWhereTheGraphAsWrittenDoesNot() {
    for (String output : new String[] {"log(softmax(z))", "log(u / sum(u, axis = -1, keepdims = true))"}) {
      Graph forward = program(output);
      Graph rewritten = run(new LogSoftmaxRewrite(), forward).graph();
      F64Tensor naive = evaluate(forward, extremeFeed()).output("o");
      // shifted: softmax(z)[2] = e^-2000 underflows to 0 and log 0 = -∞;
      // unshifted: e^1000 overflows and ∞/∞ = NaN
      assertFalse(allFinite(naive), output + " as written: " + naive);
      F64Tensor o = evaluate(rewritten, extremeFeed()).output("o");
      assertEquals(0.0, o.get(0, 0), output);
      assertEquals(-1000.0, o.get(0, 1), output);
      assertEquals(-2000.0, o.get(0, 2), output);
      double[] second = logSoftmax(0.5, -0.25, 2);
      for (int c = 0; c < 3; c++) {
        assertClose(second[c], o.get(1, c), output + " [1, " + c + "]");
      }
    }
  }

  @Test
  void gradientsThroughLogSoftmaxAreFiniteAndExact() {
    Graph forward = program("z", "-sum(t * log(softmax(z)))");
    Graph naive = training(forward);
    Graph rewritten = training(run(new LogSoftmaxRewrite(), forward).graph());
    Evaluation before = evaluate(naive, extremeFeed());
    // d log p / dp = 1/p = ∞ where p underflowed
    assertFalse(allFinite(before.loss()), "naive loss " + before.loss());
    assertFalse(allFinite(gradient(naive, before, "d")), "naive gradient " + gradient(naive, before, "d"));
    Evaluation after = evaluate(rewritten, extremeFeed());
    // 0.2·0 + 0.3·1000 + 0.5·2000, plus the ordinary second sample
    double[] ls = logSoftmax(0.5, -0.25, 2);
    double second = -(0.1 * ls[0] + 0.6 * ls[1] + 0.3 * ls[2]);
    assertClose(1300 + second, after.loss().item(), "loss");
    F64Tensor g = gradient(rewritten, after, "d");
    double[][] t = {{0.2, 0.3, 0.5}, {0.1, 0.6, 0.3}};
    double[][] softmax = {{1, 0, 0}, {Math.exp(ls[0]), Math.exp(ls[1]), Math.exp(ls[2])}};
    for (int i = 0; i < 2; i++) {
      for (int c = 0; c < 3; c++) {
        // Σt = 1: the gradient is softmax(z) - t
        assertClose(softmax[i][c] - t[i][c], g.get(i, c), "gradient [" + i + ", " + c + "]");
      }
    }
  }

  @Test
  void theGuardedFormGivesTheExactLossAndGradient() {
    Graph forward = program("z", "cross_entropy(softmax(z), y, reduction = sum)");
    Graph rewritten = training(run(new LogSoftmaxRewrite(), forward).graph());
    Evaluation before = evaluate(training(forward), extremeFeed());
    assertFalse(allFinite(before.loss()), "naive loss " + before.loss());
    Evaluation after = evaluate(rewritten, extremeFeed());
    double[] ls = logSoftmax(0.5, -0.25, 2);
    assertClose(2000 - ls[1], after.loss().item(), "loss");
    F64Tensor g = gradient(rewritten, after, "d");
    PassTesting.assertValues(g, 1, 0, -1, Math.exp(ls[0]), Math.exp(ls[1]) - 1, Math.exp(ls[2]), 0, 0, 0);
  }

  @Test
  void ordinaryLogitsGiveTheSameValuesAsWritten() {
    String[] programs = {"log(softmax(z))", "log(u / sum(u, axis = 0, keepdims = true))", "log_softmax(z, axis = 0)"};
    for (String output : programs) {
      for (String loss : new String[] {"mean(o * t)", "cross_entropy(softmax(z), y, label_smoothing = 0.2)"}) {
        Graph forward = program(output, loss);
        Graph rewritten = run(new LogSoftmaxRewrite(), forward).graph();
        for (int batch : new int[] {3, 1}) {
          Feed feed = randomFeed(forward, batch, 5 + batch);
          assertSameValues(training(forward), training(rewritten), feed);
        }
      }
    }
  }
}
