package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.assertClose;
import static dev.adjoint.compiler.frontend.Programs.assertFinite;
import static dev.adjoint.compiler.frontend.Programs.assertValues;
import static dev.adjoint.compiler.frontend.Programs.graph;
import static dev.adjoint.compiler.frontend.Programs.mat;
import static dev.adjoint.compiler.frontend.Programs.of;
import static dev.adjoint.compiler.frontend.Programs.row;
import static dev.adjoint.compiler.frontend.Programs.run;
import static dev.adjoint.compiler.frontend.Programs.shape;
import static dev.adjoint.compiler.frontend.Programs.vec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Shape;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The values of the loss built-ins, with every reduction, against the formulas written out
 * here. Probabilities and targets are fed directly, so no softmax or sigmoid stands between
 * the hand-picked numbers and the loss.
 */
class LossValuesTest {

  private static double sum(double... v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s;
  }

  private static double[] pairwise(double[] p, double[] y, DoubleBinaryOperator f) {
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = f.applyAsDouble(p[i], y[i]);
    }
    return out;
  }

  private static F64Tensor column(double... v) {
    return of(shape(v.length, 1), v);
  }

  // ---- regression ----------------------------------------------------------------------

  private static final String REGRESSION = "model t {\n  input p: f64[B, 1]\n  target y: f64[B]\n"
      + "  output none = LOSS(p, y, reduction = none)\n  output s = LOSS(p, y, reduction = sum)\n"
      + "  output m = LOSS(p, y, reduction = mean)\n  output flipped = LOSS(y, p)\n  loss = LOSS(p, y)\n}\n";

  @Test
  @Covers("mse")
  void mseOfAColumnAgainstAVectorDoesNotBroadcastToBxB() {
    Graph g = graph(REGRESSION.replace("LOSS", "mse"));
    Evaluation e = run(g).input("p", column(1, 2, 4)).input("y", vec(0, 2, 1)).evaluate();
    // squared errors 1, 0, 9; a [3, 3] broadcast would average 36 / 9 = 4 instead
    assertValues(e.output("none"), shape(3, 1), 1, 0, 9);
    assertValues(e.output("s"), shape(), 10);
    assertValues(e.output("m"), shape(), 10.0 / 3);
    assertValues(e.output("flipped"), shape(), 10.0 / 3);
    assertClose(10.0 / 3, e.loss().item());
  }

  @Test
  @Covers("l1")
  void l1OfAColumnAgainstAVector() {
    Graph g = graph(REGRESSION.replace("LOSS", "l1"));
    Evaluation e = run(g).input("p", column(1, 2, 4)).input("y", vec(0, 2, 1)).evaluate();
    assertValues(e.output("none"), shape(3, 1), 1, 0, 3);
    assertValues(e.output("s"), shape(), 4);
    assertValues(e.output("m"), shape(), 4.0 / 3);
    assertValues(e.output("flipped"), shape(), 4.0 / 3);
  }

  @Test
  @Covers({"mse", "l1", "huber"})
  void regressionLossesOfAnEmptyBatchAreZero() {
    for (String loss : new String[] {"mse", "l1", "huber"}) {
      Evaluation e = run(graph(REGRESSION.replace("LOSS", loss))).input("p", of(shape(0, 1)))
          .input("y", of(shape(0))).evaluate();
      assertEquals(0.0, e.loss().item(), loss);
      assertValues(e.output("s"), shape(), 0);
    }
  }

  @Test
  @Covers({"mse", "l1"})
  void regressionLossesRejectMismatchedShapes() {
    Programs.assertRejects("model t {\n  input p: f64[B, 2]\n  target y: f64[B]\n  loss = mse(p, y)\n}\n",
        "4:10", "prediction f64[B,2] and target f64[B] must have the same shape");
    Programs.assertRejects("model t {\n  input p: f64[B, 3]\n  target y: f64[B, 2]\n  loss = l1(p, y)\n}\n",
        "4:10", "prediction f64[B,3] and target f64[B,2] must have the same shape");
  }

  private static double huber(double d, double delta) {
    double a = Math.abs(d);
    return a <= delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
  }

  @Test
  @Covers("huber")
  void huberIsQuadraticWithinDeltaAndLinearBeyond() {
    Graph g = graph("model t {\n  input p: f64[B]\n  target y: f64[B]\n"
        + "  output one = huber(p, y, reduction = none)\n  output half = huber(p, y, delta = 0.5, reduction = none)\n"
        + "  output s = huber(p, y, delta = 2, reduction = sum)\n  loss = huber(p, y)\n}\n");
    double[] p = {1.3, -0.8, 2, -3, 1, 0};
    double[] y = {1, 0, 0, 0, 0, 0.5};
    Evaluation e = run(g).input("p", vec(p)).input("y", vec(y)).evaluate();
    double[] d = pairwise(p, y, (a, b) -> a - b); // 0.3, -0.8, 2, -3, 1, -0.5
    double[] one = new double[d.length];
    double[] half = new double[d.length];
    double[] two = new double[d.length];
    for (int i = 0; i < d.length; i++) {
      one[i] = huber(d[i], 1);
      half[i] = huber(d[i], 0.5);
      two[i] = huber(d[i], 2);
    }
    assertValues(e.output("one"), shape(6), one);
    assertValues(e.output("one"), shape(6), 0.5 * d[0] * d[0], 0.32, 1.5, 2.5, 0.5, 0.125);
    assertValues(e.output("half"), shape(6), half);
    assertValues(e.output("half"), shape(6), 0.5 * d[0] * d[0], 0.275, 0.875, 1.375, 0.375, 0.125);
    assertValues(e.output("s"), shape(), sum(two));
    assertClose(sum(one) / 6, e.loss().item());
  }

  // ---- classification -------------------------------------------------------------------

  @Test
  @Covers("hinge")
  void hingeMapsAClassTargetOfTwoToMinusOneAndPlusOne() {
    Graph g = graph("model t {\n  input s: f64[B, 1]\n  target y: class[B] of 2\n  target t: f64[B]\n"
        + "  output none = hinge(s, y, reduction = none)\n  output signs = hinge(s, t, reduction = sum)\n"
        + "  loss = hinge(s, y)\n}\n");
    Evaluation e = run(g).input("s", column(0.5, 0.5, 2, -3, -0.25)).input("y", vec(0, 1, 1, 0, 1))
        .input("t", vec(-1, 1, 1, -1, 1)).evaluate();
    // margins 1 - y s with y = -1, 1, 1, -1, 1: 1.5, 0.5, -1, -2, 1.25
    assertValues(e.output("none"), shape(5, 1), 1.5, 0.5, 0, 0, 1.25);
    assertValues(e.output("signs"), shape(), 3.25);
    assertClose(3.25 / 5, e.loss().item());
  }

  @Test
  @Covers("hinge")
  void hingeRejectsAClassTargetOfMoreThanTwoClasses() {
    // 2y - 1 would turn class 2 into the label 3
    Programs.assertRejects("model t {\n  input s: f64[B, 1]\n  target y: class[B] of 3\n  loss = hinge(s, y)\n}\n",
        "4:10", "a class target of 2 classes", "got 3 classes");
  }

  private static double bce(double p, double y) {
    return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  @Test
  @Covers("bce")
  void bceOfProbabilities() {
    Graph g = graph("model t {\n  input p: f64[B]\n  target y: f64[B]\n  output none = bce(p, y, reduction = none)\n"
        + "  output s = bce(p, y, reduction = sum)\n  loss = bce(p, y)\n}\n");
    double[] p = {0.9, 0.2, 0.5, 0.999, 0.3};
    double[] y = {1, 0, 1, 0, 0.25};
    Evaluation e = run(g).input("p", vec(p)).input("y", vec(y)).evaluate();
    double[] expected = pairwise(p, y, LossValuesTest::bce);
    assertValues(e.output("none"), shape(5), expected);
    assertValues(e.output("none"), shape(5), -Math.log(0.9), -Math.log(0.8), Math.log(2), -Math.log(0.001),
        -(0.25 * Math.log(0.3) + 0.75 * Math.log(0.7)));
    assertValues(e.output("s"), shape(), sum(expected));
    assertClose(sum(expected) / 5, e.loss().item());
  }

  @Test
  @Covers("bce")
  void bceOfCertainAndCorrectProbabilitiesIsZeroNotNaN() {
    // 0 · log 0 counts as 0: a saturated sigmoid that is right costs nothing; one that is wrong costs 100,
    // each log being clamped at -100 as PyTorch's BCELoss clamps it
    Graph g = graph("model t {\n  input p: f64[B]\n  target y: f64[B]\n  output none = bce(p, y, reduction = none)\n"
        + "}\n");
    F64Tensor none = run(g).input("p", vec(1, 0, 1, 0)).input("y", vec(1, 0, 0, 1)).output("none");
    assertValues(none, shape(4), 0, 0, 100, 100);
  }

  @Test
  @Covers({"bce", "bce_with_logits"})
  void bceOfSigmoidEqualsBceWithLogitsForModerateLogits() {
    Graph g = graph("model t {\n  input z: f64[B, 1]\n  target y: class[B] of 2\n  target soft: f64[B, 1]\n"
        + "  output a = bce(sigmoid(z), soft, reduction = none)\n"
        + "  output b = bce_with_logits(z, soft, reduction = none)\n"
        + "  output c = bce(sigmoid(z), y)\n  output d = bce_with_logits(z, y)\n"
        + "  output e = bce_with_logits(z, y, reduction = sum)\n}\n");
    double[] z = {2, -1, 0.5, -3, 0};
    double[] soft = {1, 0, 0.25, 1, 0.5};
    double[] y = {1, 0, 0, 1, 1};
    Evaluation e = run(g).input("z", column(z)).input("y", vec(y)).input("soft", column(soft)).evaluate();
    double[] expectedSoft = new double[z.length];
    double[] expectedHard = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      expectedSoft[i] = bce(sigmoid(z[i]), soft[i]);
      expectedHard[i] = bce(sigmoid(z[i]), y[i]);
    }
    assertValues(e.output("a"), shape(5, 1), expectedSoft);
    assertValues(e.output("b"), shape(5, 1), expectedSoft);
    assertValues(e.output("c"), shape(), sum(expectedHard) / 5);
    assertValues(e.output("d"), shape(), sum(expectedHard) / 5);
    assertValues(e.output("e"), shape(), sum(expectedHard));
  }

  @Test
  @Covers("bce_with_logits")
  void bceWithLogitsIsFiniteAtPlusMinus100() {
    Graph g = graph("model t {\n  input z: f64[B]\n  target y: f64[B]\n"
        + "  output none = bce_with_logits(z, y, reduction = none)\n}\n");
    F64Tensor none = run(g).input("z", vec(100, -100, 100, -100, 40)).input("y", vec(0, 1, 1, 0, 0.5)).output("none");
    assertFinite(none);
    // max(z, 0) - z y + log(1 + e^-|z|), with log(1 + e^-100) = e^-100 to 44 digits
    assertValues(none, shape(5), 100, 100, Math.exp(-100), Math.exp(-100), 20 + Math.log1p(Math.exp(-40)));
  }

  // ---- cross-entropy ---------------------------------------------------------------------

  private static final double[][] P = {{0.7, 0.2, 0.1}, {0.1, 0.6, 0.3}, {0.25, 0.25, 0.5}, {0.05, 0.9, 0.05}};
  private static final double[] Y = {0, 1, 2, 1};

  /** -Σ t log p with t the one-hot target smoothed by ε: (1 - ε) one-hot + ε / C. */
  private static double ce(double[] p, int y, double smoothing) {
    double s = 0;
    for (int c = 0; c < p.length; c++) {
      double t = (c == y ? 1 - smoothing : 0) + smoothing / p.length;
      s -= t * Math.log(p[c]);
    }
    return s;
  }

  private static final String CE = "model t {\n  input p: f64[B, 3]\n  target y: class[B] of 3\n"
      + "  output none = cross_entropy(p, y, reduction = none)\n"
      + "  output s = cross_entropy(p, y, reduction = sum)\n"
      + "  output m = cross_entropy(p, y)\n"
      + "  output ls = cross_entropy(p, y, label_smoothing = 0.1, reduction = none)\n"
      + "  output lsm = cross_entropy(p, y, label_smoothing = 0.1)\n"
      + "  output ig = cross_entropy(p, y, ignore_index = 1)\n"
      + "  output ign = cross_entropy(p, y, ignore_index = 1, reduction = none)\n"
      + "  output igs = cross_entropy(p, y, ignore_index = 1, reduction = sum)\n"
      + "  output lsig = cross_entropy(p, y, label_smoothing = 0.2, ignore_index = 0)\n"
      + "  loss = cross_entropy(p, y)\n}\n";

  @Test
  @Covers("cross_entropy")
  void crossEntropyWithClassIndicesAndEachReduction() {
    Evaluation e = run(graph(CE)).input("p", mat(P)).input("y", vec(Y)).evaluate();
    double[] per = {-Math.log(0.7), -Math.log(0.6), -Math.log(0.5), -Math.log(0.9)};
    assertValues(e.output("none"), shape(4), per);
    assertValues(e.output("s"), shape(), sum(per));
    assertValues(e.output("m"), shape(), sum(per) / 4);
    assertClose(sum(per) / 4, e.loss().item());
  }

  @Test
  @Covers("cross_entropy")
  void crossEntropyWithLabelSmoothing() {
    Evaluation e = run(graph(CE)).input("p", mat(P)).input("y", vec(Y)).evaluate();
    double[] per = new double[4];
    for (int i = 0; i < 4; i++) {
      per[i] = ce(P[i], (int) Y[i], 0.1);
    }
    // PyTorch's form: (1 - ε) · nll + ε · mean over classes of -log p
    double first = 0.9 * -Math.log(0.7) + 0.1 * -(Math.log(0.7) + Math.log(0.2) + Math.log(0.1)) / 3;
    assertClose(first, per[0], "the test's own formula");
    assertValues(e.output("ls"), shape(4), per);
    assertValues(e.output("lsm"), shape(), sum(per) / 4);
  }

  @Test
  @Covers("cross_entropy")
  void crossEntropyIgnoreIndexLeavesSamplesOutOfTheMeansDivisor() {
    Evaluation e = run(graph(CE)).input("p", mat(P)).input("y", vec(Y)).evaluate();
    // samples 1 and 3 have class 1 and are ignored: the mean is over 2 samples, not 4
    assertValues(e.output("ig"), shape(), (-Math.log(0.7) - Math.log(0.5)) / 2);
    assertValues(e.output("ign"), shape(4), -Math.log(0.7), 0, -Math.log(0.5), 0);
    assertValues(e.output("igs"), shape(), -Math.log(0.7) - Math.log(0.5));
    // with smoothing, sample 0 (class 0) is ignored and the others are smoothed
    assertValues(e.output("lsig"), shape(), (ce(P[1], 1, 0.2) + ce(P[2], 2, 0.2) + ce(P[3], 1, 0.2)) / 3);
  }

  @Test
  @Covers("cross_entropy")
  void crossEntropyWithEverySampleIgnoredOrAnEmptyBatchIsZero() {
    Evaluation all = run(graph(CE)).input("p", mat(P)).input("y", vec(1, 1, 1, 1)).evaluate();
    assertValues(all.output("ig"), shape(), 0);
    Evaluation empty = run(graph(CE)).input("p", of(shape(0, 3))).input("y", of(shape(0))).evaluate();
    for (String name : new String[] {"s", "m", "lsm", "ig", "igs", "lsig"}) {
      assertValues(empty.output(name), shape(), 0);
    }
    assertEquals(0.0, empty.loss().item());
  }

  @Test
  @Covers("cross_entropy")
  void crossEntropyOfACertainCorrectPredictionIsZeroNotNaN() {
    // softmax of (-1000, 0, 1000) is (0, 0, 1) in f64: class 2 is predicted with certainty
    Graph g = graph("model t {\n  input z: f64[B, 3]\n  target y: class[B] of 3\n  input t: f64[B, 3]\n"
        + "  output c = cross_entropy(softmax(z), y, reduction = none)\n"
        + "  output d = cross_entropy(softmax(z), t, reduction = none)\n}\n");
    Evaluation e = run(g).input("z", mat(row(-1000, 0, 1000), row(0, 0, 1000)))
        .input("y", vec(2, 2)).input("t", mat(row(0, 0, 1), row(0, 0, 1))).evaluate();
    assertValues(e.output("c"), shape(2), 0, 0);
    assertValues(e.output("d"), shape(2), 0, 0);
  }

  @Test
  @Covers("cross_entropy")
  void crossEntropyWithDistributionTargets() {
    Graph g = graph("model t {\n  input p: f64[B, 3]\n  target t: f64[B, 3]\n"
        + "  output none = cross_entropy(p, t, reduction = none)\n"
        + "  output s = cross_entropy(p, t, reduction = sum)\n"
        + "  output ls = cross_entropy(p, t, label_smoothing = 0.3, reduction = none)\n"
        + "  loss = cross_entropy(p, t)\n}\n");
    double[][] t = {{1, 0, 0}, {0.2, 0.3, 0.5}, {0, 0.5, 0.5}};
    double[][] p = {P[0], P[1], P[2]};
    Evaluation e = run(g).input("p", mat(p)).input("t", mat(t)).evaluate();
    double[] per = new double[3];
    double[] smoothed = new double[3];
    for (int i = 0; i < 3; i++) {
      for (int c = 0; c < 3; c++) {
        if (t[i][c] > 0) {
          per[i] -= t[i][c] * Math.log(p[i][c]);
        }
        smoothed[i] -= (0.7 * t[i][c] + 0.1) * Math.log(p[i][c]);
      }
    }
    assertValues(e.output("none"), shape(3), per);
    assertValues(e.output("s"), shape(), sum(per));
    assertValues(e.output("ls"), shape(3), smoothed);
    assertClose(sum(per) / 3, e.loss().item());
    Programs.assertRejects("model t {\n  input p: f64[B, 3]\n  target t: f64[B, 3]\n"
        + "  loss = cross_entropy(p, t, ignore_index = 0)\n}\n", "4:30", "ignore_index needs class indices");
  }

  @Test
  @Covers("nll")
  void nllPicksTheNegatedLogProbabilityOfTheTarget() {
    Graph g = graph("model t {\n  input lp: f64[B, 3]\n  target y: class[B] of 3\n"
        + "  output none = nll(lp, y, reduction = none)\n  output s = nll(lp, y, reduction = sum)\n"
        + "  output ig = nll(lp, y, ignore_index = 2)\n\n"
        + "  loss = nll(lp, y)\n}\n");
    Evaluation e = run(g).input("lp", mat(row(-0.5, -1, -2), row(-3, -0.1, -4), row(-1, -2, -0.25)))
        .input("y", vec(0, 1, 2)).evaluate();
    assertValues(e.output("none"), shape(3), 0.5, 0.1, 0.25);
    assertValues(e.output("s"), shape(), 0.85);
    assertValues(e.output("ig"), shape(), 0.3);
    assertClose(0.85 / 3, e.loss().item());
  }

  @Test
  @Covers("nll")
  void nllIgnoresMinusInfinityAtOtherClasses() {
    Graph g = graph("model t {\n  input p: f64[B, 3]\n  target y: class[B] of 3\n"
        + "  output none = nll(log(p), y, reduction = none)\n}\n");
    F64Tensor none = run(g).input("p", mat(row(0, 1, 0), row(0.5, 0, 0.5))).input("y", vec(1, 2)).output("none");
    assertValues(none, shape(2), 0, Math.log(2));
  }

  @Test
  @Covers("kl_div")
  void klDivergenceTakesZeroLogZeroAsZeroAndAveragesOverSamples() {
    Graph g = graph("model t {\n  input p: f64[B, 3]\n  input q: f64[B, 3]\n"
        + "  output none = kl_div(p, q, reduction = none)\n  output s = kl_div(p, q, reduction = sum)\n"
        + "  loss = kl_div(p, q)\n}\n");
    Evaluation e = run(g).input("p", mat(row(0, 0.5, 0.5), row(0.25, 0.25, 0.5), row(0, 1, 0)))
        .input("q", mat(row(0.2, 0.3, 0.5), row(0.5, 0.25, 0.25), row(0, 1, 0))).evaluate();
    double first = 0.5 * Math.log(0.5 / 0.3) + 0.5 * Math.log(0.5 / 0.5);
    double second = 0.25 * Math.log(0.25 / 0.5) + 0.25 * Math.log(1) + 0.5 * Math.log(0.5 / 0.25);
    assertValues(e.output("none"), shape(3), first, second, 0);
    assertValues(e.output("s"), shape(), first + second);
    // mean is over samples (PyTorch's 'batchmean'), not over every element
    assertClose((first + second) / 3, e.loss().item());
  }

  @Test
  @Covers({"cross_entropy", "nll", "kl_div"})
  void classLossesCheckTheirOperands() {
    Programs.assertRejects("model t {\n  input p: f64[B, 3]\n  target y: class[B] of 4\n  loss = cross_entropy(p, y)\n}\n",
        "4:10", "the target has 4 classes but the probabilities have 3");
    Programs.assertRejects("model t {\n  input p: f64[B, 3]\n  target y: f64[B]\n  loss = nll(p, y)\n}\n",
        "4:10", "the target must be class indices", "got f64[B]");
    Programs.assertRejects("model t {\n  input p: f64[B, 3]\n  input q: f64[B, 2]\n  loss = kl_div(p, q)\n}\n",
        "4:10", "p and q must have the same type, got f64[B,3] and f64[B,2]");
  }

  @Test
  void classTargetShapesAreTheProbabilitiesWithoutTheClassAxis() {
    Graph g = graph(CE);
    assertEquals(Shape.of(Shape.BATCH), g.outputs().get("none").shape());
    assertEquals(Shape.SCALAR, g.outputs().get("m").shape());
  }
}
