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
import static dev.adjoint.compiler.passes.PassTesting.randomFeed;
import static dev.adjoint.compiler.passes.PassTesting.row;
import static dev.adjoint.compiler.passes.PassTesting.rows;
import static dev.adjoint.compiler.passes.PassTesting.run;
import static dev.adjoint.compiler.passes.PassTesting.runAll;
import static dev.adjoint.compiler.passes.PassTesting.training;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Op;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@code log(σ(z))} and {@code log(1 - σ(z))} outside a binary cross-entropy become the
 * stable log σ(z) = min(z, 0) - log1p(e^-|z|) (and the same of -z). As written they are
 * -∞ where σ rounds to 0 or 1: in f64 σ(-1000) = 0 and σ(1000) = 1. The derivative is
 * 1 - σ(z) (and -σ(z)) everywhere, also at z = 0, where a kink-free function has no choice.
 */
class LogSigmoidRewriteTest {

  /** z = x + e @ d with e identity rows and d zeros: z is x, and d's gradient is the gradient per element. */
  private static final String PROGRAM = """
      model t {
        input  x: f64[B]
        input  e: f64[B, 6]
        input  w: f64[B, 3]
        target t: f64[B, 3]
        param  d: f64[6] = zeros
        z = x + e @ d
        output o = OUT
        loss = sum(o)
      }
      """;

  private static final double[] Z = {-1000, 1000, -100, 0, 0.5, -2};

  private static Graph program(String output) {
    return compile(PROGRAM.replace("OUT", output));
  }

  private static Feed extremeFeed() {
    F64Tensor w = rows(row(0, 0, 0), row(1, 2, 3), row(-1, 0, 1), row(4, 0, 0), row(0, 0, 0), row(1, 1, 1));
    return feed(Map.of("x", F64Tensor.vector(Z), "e", identityRows(6, 6), "w", w, "t", w), Map.of("d", F64Tensor.zeros(6)));
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  /** log σ(z), accurately: -log(1 + e^-z) for z ≥ 0, z - log(1 + e^z) otherwise. */
  private static double logSigmoid(double z) {
    return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
  }

  // ---- structure --------------------------------------------------------------------------

  @Test
  void theLogOfASigmoidOrOfItsComplementBecomesAStableForm() {
    for (String output : new String[] {"log(sigmoid(z))", "log(1 - sigmoid(z))"}) {
      Graph forward = program(output);
      assertEquals(1, logsOfProbabilities(forward).size(), output);
      Pass.Result r = run(new LogSigmoidRewrite(), forward);
      assertEquals(1, r.fired(), output);
      Graph g = r.graph();
      assertEquals(0, count(g, Op.LOG), output);
      assertEquals(0, count(g, Op.SIGMOID), output);
      assertEquals(1, count(g, Op.LOG1P), output);
    }
  }

  @Test
  void theGuardedLogOfALossBecomesAGuardedStableForm() {
    // cross_entropy of sigmoids (multi-label probabilities) takes log(where(t == 0, 1, σ(w)))
    Graph forward = program("cross_entropy(sigmoid(w), t, reduction = none) + x");
    assertEquals(1, logsOfProbabilities(forward).size());
    Pass.Result r = run(new LogSigmoidRewrite(), forward);
    assertEquals(1, r.fired());
    assertEquals(List.of(), logsOfProbabilities(r.graph()));
    assertEquals(0, count(r.graph(), Op.LOG));
    assertEquals(0, count(r.graph(), Op.SIGMOID));
  }

  @Test
  void nearMissesAreLeftAlone() {
    String[] near = {"log(sigmoid(z) + 1)", "log(2 - sigmoid(z))", "log(tanh(z) + 2)", "log(1 - sigmoid(z) * 0.5)",
        "log(sigmoid(z) * sigmoid(x))"};
    for (String output : near) {
      assertLeftAlone(new LogSigmoidRewrite(), program(output));
    }
  }

  @Test
  void aBinaryCrossEntropyFusedFirstLeavesNothingToRewrite() {
    Graph fused = runAll(program("bce(sigmoid(z), x, reduction = none)"), new SigmoidBceFusion());
    assertLeftAlone(new LogSigmoidRewrite(), fused);
  }

  // ---- values -----------------------------------------------------------------------------

  private static void checkExtremes(String output, DoubleUnaryOperator value, DoubleUnaryOperator derivative) {
    Graph forward = program(output);
    Graph naive = training(forward);
    Graph rewritten = training(run(new LogSigmoidRewrite(), forward).graph());
    Evaluation before = evaluate(naive, extremeFeed());
    // σ(-1000) = 0 and 1 - σ(1000) = 0 in f64: log 0 = -∞
    assertFalse(allFinite(before.output("o")), output + " as written: " + before.output("o"));
    Evaluation after = evaluate(rewritten, extremeFeed());
    F64Tensor o = after.output("o");
    F64Tensor g = gradient(rewritten, after, "d");
    for (int i = 0; i < Z.length; i++) {
      assertClose(value.applyAsDouble(Z[i]), o.flat(i), output + " at " + Z[i]);
      assertClose(derivative.applyAsDouble(Z[i]), g.flat(i), "derivative of " + output + " at " + Z[i]);
    }
  }

  @Test
  void logSigmoidIsExactForExtremeLogitsWithDerivativeOneMinusSigmoid() {
    checkExtremes("log(sigmoid(z))", LogSigmoidRewriteTest::logSigmoid, z -> 1 - sigmoid(z));
    F64Tensor o = evaluate(run(new LogSigmoidRewrite(), program("log(sigmoid(z))")).graph(), extremeFeed()).output("o");
    assertEquals(-1000.0, o.flat(0), "log σ(-1000)");
    assertEquals(-Math.log(2), o.flat(3), "log σ(0)");
  }

  @Test
  void logOfTheComplementIsExactForExtremeLogitsWithDerivativeMinusSigmoid() {
    checkExtremes("log(1 - sigmoid(z))", z -> logSigmoid(-z), z -> -sigmoid(z));
    F64Tensor o = evaluate(run(new LogSigmoidRewrite(), program("log(1 - sigmoid(z))")).graph(), extremeFeed())
        .output("o");
    assertEquals(-1000.0, o.flat(1), "log(1 - σ(1000))");
  }

  @Test
  void theGuardedFormIsFiniteWhereTheGraphAsWrittenIsNot() {
    Graph forward = program("cross_entropy(sigmoid(w), t, reduction = none)");
    Graph rewritten = run(new LogSigmoidRewrite(), forward).graph();
    double[][] w = {{-1000, 0, 1000}, {2, -1, 0.5}, {0, 0, 0}, {1000, -1000, 3}, {-2, 5, 1}, {0.1, 0.2, 0.3}};
    double[][] t = {{1, 0, 0.5}, {0.2, 0.3, 0.5}, {0, 0, 0}, {0.5, 0, 1}, {1, 1, 1}, {0, 1, 0}};
    Feed feed = feed(Map.of("x", F64Tensor.vector(Z), "e", identityRows(6, 6), "w", F64Tensor.matrix(w),
        "t", F64Tensor.matrix(t)), Map.of("d", F64Tensor.zeros(6)));
    // σ(-1000) = 0 in row 0, where the target is 1: log 0 = -∞
    F64Tensor naive = evaluate(training(forward), feed).output("o");
    assertFalse(allFinite(naive), "as written: " + naive);
    F64Tensor o = evaluate(training(rewritten), feed).output("o");
    assertEquals(1000.0, o.flat(0), "-(1 · log σ(-1000) + 0.5 · log σ(1000))");
    for (int i = 0; i < w.length; i++) {
      double ce = 0;
      for (int c = 0; c < 3; c++) {
        ce -= t[i][c] > 0 ? t[i][c] * logSigmoid(w[i][c]) : 0; // 0 · log 0 counts as 0
      }
      assertClose(ce, o.flat(i), "row " + i);
    }
  }

  @Test
  void ordinaryLogitsGiveTheSameValuesAsWritten() {
    for (String output : new String[] {"log(sigmoid(z))", "log(1 - sigmoid(z)) * x", "log(sigmoid(z)) + log(1 - "
        + "sigmoid(z))", "cross_entropy(sigmoid(w), t, reduction = none) + x"}) {
      Graph forward = program(output);
      Graph rewritten = run(new LogSigmoidRewrite(), forward).graph();
      for (int batch : new int[] {4, 1}) {
        Feed feed = randomFeed(forward, batch, 11 + batch);
        assertSameValues(training(forward), training(rewritten), feed);
      }
    }
  }
}
