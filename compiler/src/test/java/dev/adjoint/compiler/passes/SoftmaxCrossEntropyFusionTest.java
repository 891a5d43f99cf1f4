package dev.adjoint.compiler.passes;

import static dev.adjoint.compiler.passes.PassTesting.allFinite;
import static dev.adjoint.compiler.passes.PassTesting.assertClose;
import static dev.adjoint.compiler.passes.PassTesting.assertFinite;
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
import static dev.adjoint.compiler.passes.PassTesting.run;
import static dev.adjoint.compiler.passes.PassTesting.runAll;
import static dev.adjoint.compiler.passes.PassTesting.training;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code cross_entropy(softmax(z), y)} and its relatives become one SOFTMAX_CROSS_ENTROPY
 * node after the log-softmax rewrite. The point is stability: with logits of ±1000 the
 * softmax probability of an unlikely class underflows to 0 in f64 and log 0 = -∞, so the
 * graph as written gives an infinite loss and NaN gradients, while the fused node gives
 * the exact loss (2000 for class 2 of (1000, 0, -1000)) and the gradient
 * {@code softmax(z)·Σt - t}, which these tests compute on their own.
 */
class SoftmaxCrossEntropyFusionTest {

  /**
   * Logits z = x + e @ d with e rows of the identity and d zeros: z equals x exactly, and
   * the gradient of d holds, row by row, the gradient of the loss with respect to each
   * sample's logits.
   */
  private static final String PROGRAM = """
      model t {
        input  x: f64[B, 3]
        input  e: f64[B, 4]
        target y: class[B] of 3
        target t: f64[B, 3]
        param  d: f64[4, 3] = zeros
        z = x + e @ d
        output per = PER
        loss = LOSS
      }
      """;

  /** Logits with classes of tiny probability, and ordinary ones. */
  private static final double[][] Z = {{1000, 0, -1000}, {-1000, 1000, 0}, {0.5, -0.25, 2}, {1000, -1000, 0}};
  private static final double[] Y = {2, 0, 1, 1};
  private static final double[][] T = {{0.2, 0.3, 0.5}, {0.5, 0.5, 1}, {0.1, 0.6, 0.3}, {0, 0, 0}};

  private static Graph program(String perSample, String loss) {
    return compile(PROGRAM.replace("PER", perSample).replace("LOSS", loss));
  }

  // ---- the math, written out independently ----------------------------------------------

  private static double[] logSoftmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    double[] out = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      out[i] = z[i] - max - Math.log(sum);
    }
    return out;
  }

  private static double[] target(int classIndex, double smoothing) {
    double[] t = new double[3];
    for (int c = 0; c < 3; c++) {
      t[c] = (c == classIndex ? 1 - smoothing : 0) + smoothing / 3;
    }
    return t;
  }

  /** -Σ t · log_softmax(z). */
  private static double crossEntropy(double[] z, double[] t) {
    double[] ls = logSoftmax(z);
    double s = 0;
    for (int c = 0; c < z.length; c++) {
      s -= t[c] * ls[c];
    }
    return s;
  }

  /** (softmax(z)·Σt - t)·scale: the gradient with respect to the logits. */
  private static double[] slope(double[] z, double[] t, double scale) {
    double[] ls = logSoftmax(z);
    double sumT = 0;
    for (double v : t) {
      sumT += v;
    }
    double[] out = new double[z.length];
    for (int c = 0; c < z.length; c++) {
      out[c] = (Math.exp(ls[c]) * sumT - t[c]) * scale;
    }
    return out;
  }

  // ---- running the graph as written and fused --------------------------------------------

  /** The training graphs of a program as written and after the stabilize passes, evaluated on the same feed. */
  private record Both(Graph naive, Graph fused, Evaluation before, Evaluation after) {
    F64Tensor naiveLoss() {
      return before.loss();
    }

    double loss() {
      return after.loss().item();
    }

    F64Tensor naiveGradient() {
      return gradient(naive, before, "d");
    }

    /** Row i of d's gradient: the gradient with respect to sample i's logits. */
    double[] logitGradient(int i) {
      F64Tensor g = gradient(fused, after, "d");
      return new double[] {g.get(i, 0), g.get(i, 1), g.get(i, 2)};
    }

    F64Tensor perSample() {
      return after.output("per");
    }
  }

  private static Both evaluateBoth(Graph forward, int batch) {
    Graph stabilized = runAll(forward, new LogSoftmaxRewrite(), new SoftmaxCrossEntropyFusion());
    assertTrue(count(stabilized, Op.SOFTMAX_CROSS_ENTROPY) >= 1, "not fused");
    assertEquals(List.of(), logsOfProbabilities(stabilized), "a log of a probability is left");
    Graph naive = training(forward);
    Graph fused = training(stabilized);
    double[][] x = new double[batch][];
    double[] y = new double[batch];
    double[][] t = new double[batch][];
    for (int i = 0; i < batch; i++) {
      x[i] = Z[i];
      y[i] = Y[i];
      t[i] = T[i];
    }
    Map<String, F64Tensor> inputs = Map.of("x", matrix(batch, x), "e", identityRows(batch, 4),
        "y", F64Tensor.of(new int[] {batch}, y), "t", matrix(batch, t));
    Feed feed = feed(inputs, Map.of("d", F64Tensor.zeros(4, 3)));
    return new Both(naive, fused, evaluate(naive, feed), evaluate(fused, feed));
  }

  private static F64Tensor matrix(int batch, double[][] rows) {
    return batch == 0 ? F64Tensor.zeros(0, 3) : F64Tensor.matrix(rows);
  }

  private static void assertRow(double[] expected, double[] actual, String what) {
    for (int c = 0; c < expected.length; c++) {
      assertClose(expected[c], actual[c], what + "[" + c + "]");
    }
  }

  // ---- structure --------------------------------------------------------------------------

  @Test
  void crossEntropyOfASoftmaxBecomesOneNodeReadingTheClassIndices() {
    // CSE first, as the canonicalize phase does: the output and the loss then share one per-sample loss
    Graph forward = run(new CommonSubexpressions(), program("cross_entropy(softmax(z), y, reduction = none)",
        "cross_entropy(softmax(z), y)")).graph();
    assertEquals(1, logsOfProbabilities(forward).size(), "as written: log(where(t == 0, 1, softmax(z)))");
    Graph logSoftmax = run(new LogSoftmaxRewrite(), forward).graph();
    Pass.Result r = run(new SoftmaxCrossEntropyFusion(), logSoftmax);
    Graph g = r.graph();
    assertEquals(1, r.fired(), "the loss and the output share their per-sample node");
    Node fused = only(g, Op.SOFTMAX_CROSS_ENTROPY);
    assertSame(g.source("y"), fused.input(1), "the one-hot is read back as the class indices");
    assertEquals(Op.ADD, fused.input(0).op(), "the logits z = x + e @ d");
    assertEquals(0.0, fused.attrs(Attrs.CrossEntropy.class).smoothing());
    assertSame(fused, g.outputs().get("per"), "reduction = none is the per-sample node itself");
    for (Op gone : new Op[] {Op.LOG, Op.LOG_SOFTMAX, Op.ONE_HOT, Op.EXP, Op.WHERE, Op.REDUCE_MAX}) {
      assertEquals(0, count(g, gone), gone.text() + " is left");
    }
  }

  @Test
  void labelSmoothingIsReadBackFromTheSmoothedOneHot() {
    Graph g = runAll(program("cross_entropy(softmax(z), y, label_smoothing = 0.1, reduction = none)",
        "sum(per)"), new LogSoftmaxRewrite(), new SoftmaxCrossEntropyFusion());
    Node fused = only(g, Op.SOFTMAX_CROSS_ENTROPY);
    assertSame(g.source("y"), fused.input(1));
    assertClose(0.1, fused.attrs(Attrs.CrossEntropy.class).smoothing(), "smoothing");
    assertEquals(0, count(g, Op.ONE_HOT), "the smoothed one-hot is never built");
  }

  @Test
  void everyFormOfTheLossIsFused() {
    String[] losses = {
        "cross_entropy(softmax(z), y, ignore_index = 1)",
        "cross_entropy(softmax(z), t)",
        "cross_entropy(softmax(z), t, label_smoothing = 0.2, reduction = sum)",
        "nll(log_softmax(z), y)",
        "nll(log(softmax(z)), y, reduction = sum)",
        "-sum(t * log(softmax(z)))",
        "-sum(t * log_softmax(z))",
        "mean(-sum(log(softmax(z)) * t, axis = 1))",
    };
    for (String loss : losses) {
      Graph g = runAll(program("z", loss), new LogSoftmaxRewrite());
      Pass.Result r = run(new SoftmaxCrossEntropyFusion(), g);
      assertEquals(1, r.fired(), loss);
      assertEquals(1, count(r.graph(), Op.SOFTMAX_CROSS_ENTROPY), loss);
      assertEquals(0, count(r.graph(), Op.LOG_SOFTMAX), loss);
      assertEquals(0, count(r.graph(), Op.LOG), loss);
    }
  }

  @Test
  void aSumOverAllAxesKeepsTheSumOverTheBatch() {
    Graph g = runAll(program("z", "-sum(t * log(softmax(z)))"), new LogSoftmaxRewrite(),
        new SoftmaxCrossEntropyFusion());
    Node fused = only(g, Op.SOFTMAX_CROSS_ENTROPY);
    assertSame(g.source("t"), fused.input(1), "a distribution target is used as it is");
    Node sum = g.loss();
    assertEquals(Op.REDUCE_SUM, sum.op());
    assertEquals(List.of(0), sum.attrs(Attrs.Axes.class).axes());
    assertSame(fused, sum.input(0));
  }

  @Test
  void nearMissesAreLeftAlone() {
    String[] losses = {
        // the softmax normalizes over the batch, not over the classes
        "cross_entropy(softmax(z, axis = 0), y)",
        // summed over the batch only: not a cross-entropy per sample
        "sum(-sum(t * log_softmax(z), axis = 0))",
        // no negation
        "sum(t * log_softmax(z))",
        // a sum of the target and the log-probabilities, not a product
        "-sum(t + log_softmax(z))",
    };
    for (String loss : losses) {
      Graph g = runAll(program("z", loss), new LogSoftmaxRewrite());
      assertLeftAlone(new SoftmaxCrossEntropyFusion(), g);
    }
  }

  // ---- values on extreme logits -----------------------------------------------------------

  @Test
  void classIndicesWithMeanAreExactWhereTheGraphAsWrittenIsInfinite() {
    Both b = evaluateBoth(program("cross_entropy(softmax(z), y, reduction = none)", "cross_entropy(softmax(z), y)"),
        4);
    // softmax((1000, 0, -1000))[2] = e^-2000 underflows to 0 and log 0 = -∞: the loss as written is +∞,
    // and its gradient divides by that 0
    assertFalse(allFinite(b.naiveLoss()), "naive loss " + b.naiveLoss());
    assertFalse(allFinite(b.naiveGradient()), "naive gradient " + b.naiveGradient());
    // -log_softmax((1000, 0, -1000))[2] = 1000 + 1000 + log(1 + e^-1000 + e^-2000) = 2000 exactly
    assertEquals(2000.0, b.perSample().get(0));
    assertEquals(2000.0, b.perSample().get(1));
    double[] per = new double[4];
    double mean = 0;
    for (int i = 0; i < 4; i++) {
      per[i] = crossEntropy(Z[i], target((int) Y[i], 0));
      assertClose(per[i], b.perSample().get(i), "sample " + i);
      mean += per[i] / 4;
    }
    assertClose(mean, b.loss(), "mean loss");
    for (int i = 0; i < 4; i++) {
      assertRow(slope(Z[i], target((int) Y[i], 0), 0.25), b.logitGradient(i), "gradient of sample " + i);
    }
    assertRow(new double[] {0.25, 0, -0.25}, b.logitGradient(0), "softmax (1, 0, 0) minus class 2, over 4");
  }

  @Test
  void labelSmoothingWithSum() {
    Both b = evaluateBoth(program("cross_entropy(softmax(z), y, label_smoothing = 0.1, reduction = none)",
        "cross_entropy(softmax(z), y, label_smoothing = 0.1, reduction = sum)"), 4);
    // every class has weight ε/C > 0, so the underflowed probabilities are in the sum as written
    assertFalse(allFinite(b.naiveLoss()), "naive loss " + b.naiveLoss());
    // 0.1/3 · (0 + 1000 + 2000) + 0.9 · 2000
    assertClose(1900, b.perSample().get(0), "sample 0");
    double sum = 0;
    for (int i = 0; i < 4; i++) {
      double[] t = target((int) Y[i], 0.1);
      sum += crossEntropy(Z[i], t);
      assertRow(slope(Z[i], t, 1), b.logitGradient(i), "gradient of sample " + i);
    }
    assertClose(sum, b.loss(), "summed loss");
  }

  @Test
  void ignoredSamplesCountForNothingAndTheMeanDividesByTheKeptOnes() {
    String options = "ignore_index = 1";
    Both b = evaluateBoth(program("cross_entropy(softmax(z), y, " + options + ", reduction = none)",
        "cross_entropy(softmax(z), y, " + options + ")"), 4);
    // sample 3 is ignored, yet as written its -log 0 = ∞ times the mask's 0 is NaN
    assertFalse(allFinite(b.naiveLoss()), "naive loss " + b.naiveLoss());
    assertFalse(allFinite(b.naiveGradient()), "naive gradient " + b.naiveGradient());
    PassTesting.assertValues(b.perSample(), 2000, 2000, 0, 0);
    assertClose(2000, b.loss(), "(2000 + 2000) / 2 kept samples");
    for (int i = 0; i < 2; i++) {
      assertRow(slope(Z[i], target((int) Y[i], 0), 0.5), b.logitGradient(i), "gradient of kept sample " + i);
    }
    for (int i = 2; i < 4; i++) {
      assertRow(new double[3], b.logitGradient(i), "gradient of ignored sample " + i);
    }
    Both sum = evaluateBoth(program("cross_entropy(softmax(z), y, ignore_index = 1, label_smoothing = 0.1, "
        + "reduction = none)", "cross_entropy(softmax(z), y, ignore_index = 1, label_smoothing = 0.1, "
        + "reduction = sum)"), 4);
    double expected = crossEntropy(Z[0], target(2, 0.1)) + crossEntropy(Z[1], target(0, 0.1));
    assertClose(expected, sum.loss(), "summed over the kept samples");
    assertRow(slope(Z[1], target(0, 0.1), 1), sum.logitGradient(1), "gradient of kept sample 1");
    assertRow(new double[3], sum.logitGradient(3), "gradient of ignored sample 3");
  }

  @Test
  void aFullDistributionTargetGivesSoftmaxTimesItsSumMinusIt() {
    Both b = evaluateBoth(program("cross_entropy(softmax(z), t, reduction = none)", "cross_entropy(softmax(z), t)"),
        4);
    assertFalse(allFinite(b.naiveLoss()), "naive loss " + b.naiveLoss());
    // 0.2·0 + 0.3·1000 + 0.5·2000
    assertClose(1300, b.perSample().get(0), "sample 0");
    assertTrue(b.perSample().get(3) == 0, "an all-zero target costs nothing");
    double mean = 0;
    for (int i = 0; i < 4; i++) {
      mean += crossEntropy(Z[i], T[i]) / 4;
      // sample 1's target sums to 2: its gradient is 2·softmax(z) - t
      assertRow(slope(Z[i], T[i], 0.25), b.logitGradient(i), "gradient of sample " + i);
    }
    assertClose(mean, b.loss(), "mean loss");
  }

  @Test
  void nllOfLogSoftmaxWasStableAlreadyAndStaysEqual() {
    Graph forward = program("nll(log_softmax(z), y, reduction = none)", "nll(log_softmax(z), y)");
    Both b = evaluateBoth(forward, 4);
    // the log_softmax composite is stable: both graphs are finite and agree
    assertFinite(b.naiveLoss(), "naive loss");
    assertEquals(2000.0, b.perSample().get(0));
    assertClose(b.naiveLoss().item(), b.loss(), "loss");
    for (int i = 0; i < 4; i++) {
      assertRow(slope(Z[i], target((int) Y[i], 0), 0.25), b.logitGradient(i), "gradient of sample " + i);
    }
  }

  @Test
  void aHandWrittenCrossEntropyOverAllAxes() {
    Both b = evaluateBoth(program("z", "-sum(t * log(softmax(z)))"), 4);
    // as written, 0 · log 0 = 0 · -∞ = NaN in sample 3 and t · -∞ in sample 0
    assertFalse(allFinite(b.naiveLoss()), "naive loss " + b.naiveLoss());
    double sum = 0;
    for (int i = 0; i < 4; i++) {
      sum += crossEntropy(Z[i], T[i]);
      assertRow(slope(Z[i], T[i], 1), b.logitGradient(i), "gradient of sample " + i);
    }
    assertClose(sum, b.loss(), "summed loss");
  }

  @Test
  void aBatchOfOne() {
    Both b = evaluateBoth(program("cross_entropy(softmax(z), y, reduction = none)", "cross_entropy(softmax(z), y)"),
        1);
    assertFalse(allFinite(b.naiveLoss()), "naive loss " + b.naiveLoss());
    assertEquals(2000.0, b.loss());
    assertRow(new double[] {1, 0, -1}, b.logitGradient(0), "softmax (1, 0, 0) minus class 2");
  }

  @Test
  void anEmptyBatchAveragesToZeroWithoutNaN() {
    String[] options = {"", ", label_smoothing = 0.1", ", ignore_index = 1", ", reduction = sum"};
    for (String o : options) {
      Both b = evaluateBoth(program("cross_entropy(softmax(z), y, reduction = none)",
          "cross_entropy(softmax(z), y" + o + ") + cross_entropy(softmax(z), t" + (o.contains("ignore") ? "" : o)
              + ")"), 0);
      assertEquals(0.0, b.loss(), o);
      assertEquals(0, b.perSample().size());
      PassTesting.assertSameTensor(F64Tensor.zeros(4, 3), gradient(b.fused(), b.after(), "d"), "gradient" + o);
    }
  }

  @Test
  void ordinaryLogitsGiveTheSameValuesAsWritten() {
    String[] losses = {
        "cross_entropy(softmax(z), y)",
        "cross_entropy(softmax(z), y, label_smoothing = 0.1, ignore_index = 0, reduction = sum)",
        "cross_entropy(softmax(z), t, label_smoothing = 0.3)",
        "nll(log_softmax(z), y, ignore_index = 2)",
        "-sum(t * log(softmax(z)))",
    };
    for (String loss : losses) {
      Graph forward = program("cross_entropy(softmax(z), y, reduction = none)", loss);
      Graph fused = runAll(forward, new LogSoftmaxRewrite(), new SoftmaxCrossEntropyFusion());
      for (int batch : new int[] {4, 1}) {
        Feed feed = randomFeed(forward, batch, 17 + batch);
        Map<String, F64Tensor> inputs = new HashMap<>(feed.inputs());
        // a distribution target: positive, each row summing to 1
        double[] t = inputs.get("t").data();
        for (int i = 0; i < t.length; i += 3) {
          double s = 0;
          for (int c = 0; c < 3; c++) {
            t[i + c] = Math.abs(t[i + c]);
            s += t[i + c];
          }
          for (int c = 0; c < 3; c++) {
            t[i + c] /= s;
          }
        }
        inputs.put("t", F64Tensor.of(new int[] {batch, 3}, t));
        inputs.put("e", identityRows(batch, 4));
        assertSameValues(training(forward), training(fused), feed(inputs, feed.params()));
      }
    }
  }
}
