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
import static dev.adjoint.compiler.passes.PassTesting.run;
import static dev.adjoint.compiler.passes.PassTesting.training;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code bce(sigmoid(z), y)} becomes SIGMOID_BCE(z, y) = max(z, 0) - z·y + log1p(e^-|z|):
 * exact for any logit, with gradient σ(z) - y. As written it is not: in f64 σ(-1000) = 0
 * and σ(100) = 1, so log σ or log(1 - σ) is log 0 = -∞.
 */
class SigmoidBceFusionTest {

  /** z = x + e @ d with e identity rows and d zeros: z is x, and d's gradient is the gradient per sample. */
  private static final String PROGRAM = """
      model t {
        input  x: f64[B]
        input  e: f64[B, 8]
        target y: class[B] of 2
        target s: f64[B]
        param  d: f64[8] = zeros
        z = x + e @ d
        output per = PER
        loss = LOSS
      }
      """;

  private static final double[] Z = {100, -100, 1000, -1000, 1000, -1000, 0.5, -2};
  private static final double[] Y = {0, 1, 0, 1, 1, 0, 1, 0};

  private static Graph program(String perElement, String loss) {
    return compile(PROGRAM.replace("PER", perElement).replace("LOSS", loss));
  }

  private static Feed extremeFeed() {
    return feed(Map.of("x", F64Tensor.vector(Z), "e", identityRows(8, 8), "y", F64Tensor.vector(Y), "s", F64Tensor.vector(Y)),
        Map.of("d", F64Tensor.zeros(8)));
  }

  /** max(z, 0) - z·y + log(1 + e^-|z|). */
  private static double bce(double z, double y) {
    return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  // ---- structure --------------------------------------------------------------------------

  @Test
  void bceOfASigmoidBecomesOneNodeOfTheLogits() {
    Graph forward = program("bce(sigmoid(z), s, reduction = none)", "sum(per)");
    assertEquals(2, logsOfProbabilities(forward).size(), "log σ(z) and log(1 - σ(z)), each guarded");
    Pass.Result r = run(new SigmoidBceFusion(), forward);
    assertEquals(1, r.fired());
    Graph g = r.graph();
    Node fused = only(g, Op.SIGMOID_BCE);
    assertSame(fused, g.outputs().get("per"));
    assertEquals(Op.ADD, fused.input(0).op(), "the logits x + e @ d");
    assertSame(g.source("s"), fused.input(1));
    for (Op gone : new Op[] {Op.LOG, Op.SIGMOID, Op.WHERE, Op.NEG}) {
      assertEquals(0, count(g, gone), gone.text());
    }
  }

  @Test
  void aClassTargetIsCastAndFusedWithEveryReduction() {
    for (String reduction : new String[] {"mean", "sum", "none"}) {
      Graph g = run(new SigmoidBceFusion(), program("bce(sigmoid(z), y, reduction = " + reduction + ")",
          "sum(per)")).graph();
      Node fused = only(g, Op.SIGMOID_BCE);
      assertEquals(Op.CAST, fused.input(1).op(), reduction);
      assertSame(g.source("y"), fused.input(1).input(0), reduction);
      assertEquals(List.of(), logsOfProbabilities(g), reduction);
    }
  }

  @Test
  void theFormulaWrittenOutIsFusedInAnyOperandOrder() {
    String[] written = {
        "-(s * log(sigmoid(z)) + (1 - s) * log(1 - sigmoid(z)))",
        "-((1 - s) * log(1 - sigmoid(z)) + log(sigmoid(z)) * s)",
        "-(log(1 - sigmoid(z)) * (1 - s) + s * log(sigmoid(z)))",
    };
    for (String per : written) {
      Pass.Result r = run(new SigmoidBceFusion(), program(per, "mean(per)"));
      assertEquals(1, r.fired(), per);
      assertSame(r.graph().outputs().get("per"), only(r.graph(), Op.SIGMOID_BCE), per);
      assertEquals(0, count(r.graph(), Op.LOG), per);
    }
  }

  @Test
  void nearMissesAreLeftAlone() {
    String[] near = {
        // the complement is of another sigmoid
        "-(s * log(sigmoid(z)) + (1 - s) * log(1 - sigmoid(x)))",
        // the weights do not complement each other
        "-(s * log(sigmoid(z)) + (1 - x) * log(1 - sigmoid(z)))",
        // not negated
        "s * log(sigmoid(z)) + (1 - s) * log(1 - sigmoid(z))",
        // the probability is not a sigmoid
        "bce(sigmoid(z) * 0.5, s, reduction = none)",
        "bce(1 - sigmoid(z), s, reduction = none)",
    };
    for (String per : near) {
      assertLeftAlone(new SigmoidBceFusion(), program(per, "mean(per)"));
    }
  }

  // ---- values -----------------------------------------------------------------------------

  private void checkExtremeLogits(String perElement, String loss, double scale) {
    Graph forward = program(perElement, loss);
    Graph fused = run(new SigmoidBceFusion(), forward).graph();
    Graph naive = training(forward);
    Graph trained = training(fused);
    Evaluation before = evaluate(naive, extremeFeed());
    // in f64 σ(-1000) = 0 and σ(1000) = σ(100) = 1: log 0 = -∞ as written out; bce clamps each log at -100
    // (as PyTorch's BCELoss does), so a logit of 1000 on the wrong side costs 100 instead of 1000
    if (perElement.startsWith("bce(")) {
      assertEquals(100.0, before.output("per").flat(2), perElement + " as written: " + before.output("per"));
      assertEquals(100.0, before.output("per").flat(3), perElement + " as written: " + before.output("per"));
      assertTrue(allFinite(gradient(naive, before, "d")), "the clamped logs' gradient stays finite");
    } else {
      assertFalse(allFinite(before.loss()), loss + " as written: " + before.loss());
      assertFalse(allFinite(before.output("per")), perElement + " as written: " + before.output("per"));
    }
    Evaluation after = evaluate(trained, extremeFeed());
    F64Tensor per = after.output("per");
    assertEquals(100.0, per.flat(0), "z = 100, y = 0");
    assertEquals(100.0, per.flat(1), "z = -100, y = 1");
    assertEquals(1000.0, per.flat(2), "z = 1000, y = 0");
    assertEquals(1000.0, per.flat(3), "z = -1000, y = 1");
    assertClose(0, per.flat(4), 0, "z = 1000, y = 1");
    assertClose(0, per.flat(5), 0, "z = -1000, y = 0");
    double total = 0;
    for (int i = 0; i < Z.length; i++) {
      assertClose(bce(Z[i], Y[i]), per.flat(i), "element " + i);
      total += bce(Z[i], Y[i]);
    }
    assertClose(total * scale, after.loss().item(), loss);
    F64Tensor g = gradient(trained, after, "d");
    for (int i = 0; i < Z.length; i++) {
      assertClose((sigmoid(Z[i]) - Y[i]) * scale, g.flat(i), "gradient of element " + i + ": σ(z) - y");
    }
  }

  @Test
  void extremeLogitsWithAProbabilityTargetAndTheMean() {
    checkExtremeLogits("bce(sigmoid(z), s, reduction = none)", "bce(sigmoid(z), s)", 1.0 / 8);
  }

  @Test
  void extremeLogitsWithAClassTargetOfTwoAndTheSum() {
    checkExtremeLogits("bce(sigmoid(z), y, reduction = none)", "bce(sigmoid(z), y, reduction = sum)", 1);
  }

  @Test
  void extremeLogitsWithTheFormulaWrittenOut() {
    checkExtremeLogits("-(s * log(sigmoid(z)) + (1 - s) * log(1 - sigmoid(z)))", "mean(per)", 1.0 / 8);
  }

  @Test
  void ordinaryLogitsGiveTheSameValuesAsWritten() {
    String[] losses = {"bce(sigmoid(z), s)", "bce(sigmoid(z), y, reduction = sum)", "mean(per) + bce(sigmoid(x), y)"};
    for (String loss : losses) {
      Graph forward = program("-(s * log(sigmoid(z)) + (1 - s) * log(1 - sigmoid(z)))", loss);
      Graph fused = run(new SigmoidBceFusion(), forward).graph();
      for (int batch : new int[] {5, 1, 0}) {
        Feed random = randomFeed(forward, batch, 3 + batch);
        Map<String, F64Tensor> inputs = new HashMap<>(random.inputs());
        double[] s = random.inputs().get("s").data();
        for (int i = 0; i < s.length; i++) {
          s[i] = sigmoid(s[i]); // a probability target
        }
        inputs.put("s", F64Tensor.vector(s));
        assertSameValues(training(forward), training(fused), feed(inputs, random.params()));
        // the losses guard only t = 0 (0 · log 0 = 0): a target outside [0, 1] keeps the formula, as the fused node
        assertSameValues(training(forward), training(fused), random);
      }
    }
  }
}
