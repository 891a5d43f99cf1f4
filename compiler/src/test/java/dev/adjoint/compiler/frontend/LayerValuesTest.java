package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.assertValues;
import static dev.adjoint.compiler.frontend.Programs.graph;
import static dev.adjoint.compiler.frontend.Programs.mat;
import static dev.adjoint.compiler.frontend.Programs.of;
import static dev.adjoint.compiler.frontend.Programs.row;
import static dev.adjoint.compiler.frontend.Programs.run;
import static dev.adjoint.compiler.frontend.Programs.shape;
import static dev.adjoint.compiler.frontend.Programs.vec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.compiler.frontend.lib.ActivationFunctions;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Mode;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The values of the layer built-ins with hand-picked parameters and state, in training and
 * inference, including batch norm's updates of its running statistics.
 */
class LayerValuesTest {

  // ---- dense ---------------------------------------------------------------------------

  private static final double[][] X = {{0.5, -1, 2}, {1.5, 0.25, -0.75}};
  private static final double[][] W = {{0.3, -0.2}, {0.1, 0.4}, {-0.5, 0.6}};
  private static final double[] BIAS = {0.05, -0.1};

  /** x @ W (+ b), by hand. */
  private static double[][] affine(boolean bias) {
    double[][] z = new double[X.length][BIAS.length];
    for (int i = 0; i < X.length; i++) {
      for (int j = 0; j < BIAS.length; j++) {
        double s = bias ? BIAS[j] : 0;
        for (int k = 0; k < W.length; k++) {
          s += X[i][k] * W[k][j];
        }
        z[i][j] = s;
      }
    }
    return z;
  }

  /** erf by its alternating Taylor series: accurate to ~1e-15 for |x| ≤ 2, independent of the interpreter's. */
  private static double erf(double x) {
    assertTrue(Math.abs(x) <= 2, "the test's erf is for |x| <= 2");
    double sum = 0;
    double power = x; // x^(2n+1) / n! with its sign
    for (int n = 0; n < 60; n++) {
      sum += power / (2 * n + 1);
      power *= -x * x / (n + 1);
    }
    return 2 / Math.sqrt(Math.PI) * sum;
  }

  /** The activation applied to rows of pre-activations, as its definition reads. */
  private static double[] activate(String act, double[][] z) {
    double[] out = new double[z.length * z[0].length];
    for (int i = 0; i < z.length; i++) {
      double max = Arrays.stream(z[i]).max().orElseThrow();
      double sumExp = Arrays.stream(z[i]).map(v -> Math.exp(v - max)).sum();
      for (int j = 0; j < z[i].length; j++) {
        double v = z[i][j];
        double y;
        switch (act) {
          case "none":
            y = v;
            break;
          case "relu":
            y = v > 0 ? v : 0;
            break;
          case "leaky_relu":
            y = v > 0 ? v : 0.01 * v;
            break;
          case "tanh":
            y = (Math.exp(2 * v) - 1) / (Math.exp(2 * v) + 1);
            break;
          case "sigmoid":
            y = 1 / (1 + Math.exp(-v));
            break;
          case "gelu":
            y = 0.5 * v * (1 + erf(v / Math.sqrt(2)));
            break;
          case "silu":
          case "swish":
            y = v / (1 + Math.exp(-v));
            break;
          case "softplus":
            y = Math.log(1 + Math.exp(v));
            break;
          case "softmax":
            y = Math.exp(v - max) / sumExp;
            break;
          case "log_softmax":
            y = v - max - Math.log(sumExp);
            break;
          default:
            fail("no expected values for act = " + act);
            return null;
        }
        out[i * z[i].length + j] = y;
      }
    }
    return out;
  }

  static Stream<String> activationNames() {
    return ActivationFunctions.NAMES.stream();
  }

  @ParameterizedTest
  @MethodSource("activationNames")
  @Covers("dense")
  void denseWithEachActivation(String act) {
    Graph g = graph("model t {\n  input x: f64[B, 3]\n  output y = dense(x, 2, act = " + act + ")\n}\n");
    assertEquals(List.of("y.W", "y.b"), g.params().stream().map(Node::sourceName).toList());
    F64Tensor y = run(g).input("x", mat(X)).param("y.W", mat(W)).param("y.b", vec(BIAS)).output("y");
    assertValues(y, shape(2, 2), activate(act, affine(true)));
  }

  @Test
  @Covers("dense")
  void denseWithoutBias() {
    Graph g = graph("model t {\n  input x: f64[B, 3]\n  output y = dense(x, 2, bias = false)\n"
        + "  output r = dense(x, 2, act = relu, bias = false)\n}\n");
    assertEquals(List.of("y.W", "r.W"), g.params().stream().map(Node::sourceName).toList());
    Evaluation e = run(g).input("x", mat(X)).param("y.W", mat(W)).param("r.W", mat(W)).evaluate();
    assertValues(e.output("y"), shape(2, 2), activate("none", affine(false)));
    assertValues(e.output("r"), shape(2, 2), activate("relu", affine(false)));
  }

  @Test
  @Covers("dense")
  void denseOverLeadingDimensionsAndAnEmptyBatch() {
    Graph g = graph("model t {\n  input x: f64[B, 2, 3]\n  output y = dense(x, 2)\n}\n");
    double[] z = activate("none", affine(true));
    F64Tensor y = run(g).input("x", of(shape(1, 2, 3), 0.5, -1, 2, 1.5, 0.25, -0.75)).param("y.W", mat(W))
        .param("y.b", vec(BIAS)).output("y");
    assertValues(y, shape(1, 2, 2), z);
    F64Tensor empty = run(g).input("x", of(shape(0, 2, 3))).param("y.W", mat(W)).param("y.b", vec(BIAS)).output("y");
    assertArrayEquals(shape(0, 2, 2), empty.shape());
  }

  // ---- embeddings ----------------------------------------------------------------------

  private static final F64Tensor TABLE = mat(row(1, 2), row(3, 4), row(5, 6), row(7, 8));

  @Test
  @Covers("embedding")
  void embeddingLooksUpRowsAndPaddingGivesZeros() {
    Graph g = graph("model t {\n  input ids: i32[B]\n  input bags: i32[B, 2]\n"
        + "  output e = embedding(ids, 4, 2)\n  output f = embedding(bags, num = 4, dim = 2)\n}\n");
    Evaluation ev = run(g).input("ids", vec(3, -1, 0)).input("bags", mat(row(1, 1), row(-1, 2), row(0, 3)))
        .param("e.table", TABLE).param("f.table", TABLE).evaluate();
    assertValues(ev.output("e"), shape(3, 2), 7, 8, 0, 0, 1, 2);
    assertValues(ev.output("f"), shape(3, 2, 2), 3, 4, 3, 4, 0, 0, 5, 6, 1, 2, 7, 8);
  }

  private static final String BAGS = "model t {\n  input ids: i32[B, 3]\n  input w: f32[B, 3]\n"
      + "  output s = embedding_bag(ids, 4, 2)\n  output m = embedding_bag(ids, 4, 2, mode = mean)\n"
      + "  output ws = embedding_bag(ids, 4, 2, weights = w)\n}\n";

  @Test
  @Covers("embedding_bag")
  void embeddingBagSumMeanAndWeighted() {
    Graph g = graph(BAGS);
    Evaluation e = run(g)
        .input("ids", mat(row(0, 1, -1), row(2, 2, 3), row(-1, -1, -1)))
        .input("w", mat(row(0.5, 2, 9), row(1, -1, 0.25), row(1, 1, 1)))
        .param("s.table", TABLE).param("m.table", TABLE).param("ws.table", TABLE).evaluate();
    // bag 0: rows 0 and 1 and padding; bag 1: row 2 twice and row 3; bag 2: only padding
    assertValues(e.output("s"), shape(3, 2), 4, 6, 17, 20, 0, 0);
    assertValues(e.output("m"), shape(3, 2), 2, 3, 17.0 / 3, 20.0 / 3, 0, 0);
    // the weight 9 sits on padding and counts for nothing
    assertValues(e.output("ws"), shape(3, 2), 6.5, 9, 1.75, 2, 0, 0);
  }

  @Test
  @Covers("embedding_bag")
  void embeddingBagRejectsWeightsWithMeanAndUnbaggedIds() {
    Programs.assertRejects("model t {\n  input ids: i32[B, 3]\n  input w: f32[B, 3]\n"
        + "  output m = embedding_bag(ids, 4, 2, mode = mean, weights = w)\n}\n", "4:52", "weights go with mode = sum");
    Programs.assertRejects("model t {\n  input ids: i32[B]\n  output m = embedding_bag(ids, 4, 2)\n}\n",
        "3:14", "ids must be bags [B, L], got i32[B]");
    Programs.assertRejects("model t {\n  input ids: f32[B, 3]\n  output m = embedding_bag(ids, 4, 2)\n}\n",
        "3:14", "ids must be integers, got f32[B,3]");
  }

  // ---- batch norm ----------------------------------------------------------------------

  private static final double[][] BN_X = {{1, 10}, {2, 20}, {4, 40}, {5, 10}};
  private static final double[] BN_MEAN = {3, 20};
  private static final double[] BN_VAR = {2.5, 150}; // biased: Σ(x - mean)² / 4
  private static final double[] BN_UNBIASED = {10.0 / 3, 200}; // Σ(x - mean)² / 3
  private static final double[] GAMMA = {2, 0.5};
  private static final double[] BETA = {0.1, -1};

  private static double[] normalize(double[][] x, double[] mean, double[] var, double eps, double[] gamma,
      double[] beta) {
    double[] out = new double[x.length * 2];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < 2; j++) {
        double n = (x[i][j] - mean[j]) / Math.sqrt(var[j] + eps);
        out[i * 2 + j] = gamma == null ? n : n * gamma[j] + beta[j];
      }
    }
    return out;
  }

  private static final String BN = "model t {\n  input x: f64[B, 2]\n  output y = batch_norm(x)\n}\n";

  @Test
  @Covers("batch_norm")
  void batchNormInTrainingUsesBatchStatisticsAndUpdatesRunningOnes() {
    Graph g = graph(BN);
    assertEquals(List.of("y.gamma", "y.beta"), g.params().stream().map(Node::sourceName).toList());
    assertEquals(List.of("y.running_mean", "y.running_var"), g.states().stream().map(Node::sourceName).toList());
    Evaluation e = run(g).input("x", mat(BN_X)).param("y.gamma", vec(GAMMA)).param("y.beta", vec(BETA))
        .state("y.running_mean", vec(1, -1)).state("y.running_var", vec(4, 9)).mode(Mode.TRAINING).evaluate();
    assertValues(e.output("y"), shape(4, 2), normalize(BN_X, BN_MEAN, BN_VAR, 1e-5, GAMMA, BETA));
    // running_mean' = 0.9 rm + 0.1 mean; running_var' = 0.9 rv + 0.1 unbiased variance
    assertValues(e.stateUpdates().get("y.running_mean"), shape(2), 0.9 * 1 + 0.1 * 3, 0.9 * -1 + 0.1 * 20);
    assertValues(e.stateUpdates().get("y.running_var"), shape(2), 0.9 * 4 + 0.1 * 10.0 / 3, 0.9 * 9 + 0.1 * 200);
  }

  @Test
  @Covers("batch_norm")
  void batchNormStartsFromZeroMeanAndUnitVariance() {
    Evaluation e = run(graph(BN)).input("x", mat(BN_X)).param("y.gamma", vec(GAMMA)).param("y.beta", vec(BETA))
        .evaluate();
    assertValues(e.stateUpdates().get("y.running_mean"), shape(2), 0.3, 2);
    assertValues(e.stateUpdates().get("y.running_var"), shape(2), 0.9 + 0.1 * BN_UNBIASED[0],
        0.9 + 0.1 * BN_UNBIASED[1]);
  }

  @Test
  @Covers("batch_norm")
  void batchNormInInferenceUsesRunningStatistics() {
    Evaluation e = run(graph(BN)).input("x", mat(BN_X)).param("y.gamma", vec(GAMMA)).param("y.beta", vec(BETA))
        .state("y.running_mean", vec(1, -1)).state("y.running_var", vec(4, 9)).mode(Mode.INFERENCE).evaluate();
    assertValues(e.output("y"), shape(4, 2),
        normalize(BN_X, new double[] {1, -1}, new double[] {4, 9}, 1e-5, GAMMA, BETA));
  }

  @Test
  @Covers("batch_norm")
  void batchNormOptions() {
    Graph g = graph("model t {\n  input x: f64[B, 2]\n"
        + "  output y = batch_norm(x, momentum = 0.25, eps = 0.5, affine = false)\n}\n");
    assertTrue(g.params().isEmpty());
    Evaluation e = run(g).input("x", mat(BN_X)).state("y.running_mean", vec(1, -1)).state("y.running_var", vec(4, 9))
        .evaluate();
    assertValues(e.output("y"), shape(4, 2), normalize(BN_X, BN_MEAN, BN_VAR, 0.5, null, null));
    assertValues(e.stateUpdates().get("y.running_mean"), shape(2), 0.75 * 1 + 0.25 * 3, 0.75 * -1 + 0.25 * 20);
    assertValues(e.stateUpdates().get("y.running_var"), shape(2), 0.75 * 4 + 0.25 * 10.0 / 3,
        0.75 * 9 + 0.25 * 200);
    Evaluation inference = run(g).input("x", mat(BN_X)).state("y.running_mean", vec(1, -1))
        .state("y.running_var", vec(4, 9)).mode(Mode.INFERENCE).evaluate();
    assertValues(inference.output("y"), shape(4, 2),
        normalize(BN_X, new double[] {1, -1}, new double[] {4, 9}, 0.5, null, null));
  }

  @Test
  @Covers("batch_norm")
  void batchNormOfARank3InputPoolsEveryAxisButTheLast() {
    Graph g = graph("model t {\n  input x: f64[B, 2, 2]\n  output y = batch_norm(x, affine = false)\n}\n");
    // the same 4 rows as BN_X, as 2 samples of 2 positions: statistics over all 4
    Evaluation e = run(g).input("x", of(shape(2, 2, 2), 1, 10, 2, 20, 4, 40, 5, 10)).evaluate();
    assertValues(e.output("y"), shape(2, 2, 2), normalize(BN_X, BN_MEAN, BN_VAR, 1e-5, null, null));
    assertValues(e.stateUpdates().get("y.running_var"), shape(2), 0.9 + 0.1 * BN_UNBIASED[0],
        0.9 + 0.1 * BN_UNBIASED[1]);
  }

  // ---- layer norm ----------------------------------------------------------------------

  @Test
  @Covers("layer_norm")
  void layerNormNormalizesEachSampleOverItsLastAxis() {
    Graph g = graph("model t {\n  input x: f64[B, 4]\n  output y = layer_norm(x)\n"
        + "  output z = layer_norm(x, eps = 0.5, affine = false)\n}\n");
    assertEquals(List.of("y.gamma", "y.beta"), g.params().stream().map(Node::sourceName).toList());
    double[] gamma = {1, 2, -1, 0.5};
    double[] beta = {0, 0.5, 1, -2};
    Evaluation e = run(g).input("x", mat(row(1, 2, 3, 6), row(-1, -1, -1, -1))).param("y.gamma", vec(gamma))
        .param("y.beta", vec(beta)).evaluate();
    // row 0: mean 3, biased variance (4 + 1 + 0 + 9) / 4 = 3.5; row 1: constant, variance 0
    double s = Math.sqrt(3.5 + 1e-5);
    double[] n0 = {-2 / s, -1 / s, 0, 3 / s};
    assertValues(e.output("y"), shape(2, 4),
        n0[0] * gamma[0] + beta[0], n0[1] * gamma[1] + beta[1], n0[2] * gamma[2] + beta[2],
        n0[3] * gamma[3] + beta[3],
        beta[0], beta[1], beta[2], beta[3]);
    double t = Math.sqrt(4.0);
    assertValues(e.output("z"), shape(2, 4), -2 / t, -1 / t, 0, 3 / t, 0, 0, 0, 0);
  }

  // ---- dropout -------------------------------------------------------------------------

  private static final String DROPOUT = "model t {\n  input x: f64[B, 100]\n  output y = dropout(x, p = 0.3)\n"
      + "  output d = dropout(x)\n  output z = dropout(x, 0)\n}\n";

  private static F64Tensor ramp(int batch) {
    double[] v = new double[batch * 100];
    for (int i = 0; i < v.length; i++) {
      v[i] = 1 + 0.001 * i;
    }
    return of(shape(batch, 100), v);
  }

  @Test
  @Covers("dropout")
  void dropoutIsTheIdentityInInference() {
    F64Tensor x = ramp(3);
    Evaluation e = run(graph(DROPOUT)).input("x", x).mode(Mode.INFERENCE).rng(5, 9).evaluate();
    assertArrayEquals(x.data(), e.output("y").data());
    assertArrayEquals(x.data(), e.output("d").data());
    assertArrayEquals(x.data(), e.output("z").data());
  }

  /** The fraction of zeros after checking that every element is 0 or x / (1 - p). */
  private static double zeroFraction(F64Tensor x, F64Tensor y, double p) {
    int zeros = 0;
    for (int i = 0; i < x.size(); i++) {
      double v = y.flat(i);
      if (v == 0) {
        zeros++;
      } else {
        double kept = x.flat(i) / (1 - p);
        assertTrue(Programs.close(v, kept, Programs.RTOL, 0), "element " + i + " is " + v + ", not 0 or " + kept);
      }
    }
    return (double) zeros / x.size();
  }

  @Test
  @Covers("dropout")
  void dropoutInTrainingZeroesAboutPAndScalesTheRest() {
    F64Tensor x = ramp(100);
    Evaluation e = run(graph(DROPOUT)).input("x", x).mode(Mode.TRAINING).rng(7, 3).evaluate();
    // 10,000 draws: the standard deviation of the fraction is about 0.005
    double p3 = zeroFraction(x, e.output("y"), 0.3);
    assertEquals(0.3, p3, 0.025, "fraction zeroed with p = 0.3");
    double p5 = zeroFraction(x, e.output("d"), 0.5);
    assertEquals(0.5, p5, 0.025, "fraction zeroed with the default p = 0.5");
    assertArrayEquals(x.data(), e.output("z").data(), "p = 0 is the identity");
    // two dropout sites draw different masks
    assertFalse(Arrays.equals(mask(e.output("y")), mask(e.output("d"))));
  }

  private static boolean[] mask(F64Tensor y) {
    boolean[] m = new boolean[y.size()];
    for (int i = 0; i < m.length; i++) {
      m[i] = y.flat(i) != 0;
    }
    return m;
  }

  @Test
  @Covers("dropout")
  void dropoutMasksAreReproducibleForASeedAndStep() {
    F64Tensor x = ramp(10);
    Graph g = graph(DROPOUT);
    F64Tensor a = run(g).input("x", x).rng(7, 3).output("y");
    F64Tensor b = run(g).input("x", x).rng(7, 3).output("y");
    F64Tensor otherStep = run(g).input("x", x).rng(7, 4).output("y");
    F64Tensor otherSeed = run(g).input("x", x).rng(8, 3).output("y");
    assertArrayEquals(a.data(), b.data());
    assertFalse(Arrays.equals(mask(a), mask(otherStep)), "another step draws another mask");
    assertFalse(Arrays.equals(mask(a), mask(otherSeed)), "another seed draws another mask");
  }

  @Test
  @Covers("dropout")
  void dropoutRejectsPOfOneOrMore() {
    Programs.assertRejects("model t {\n  input x: f64[B, 2]\n  output y = dropout(x, p = 1)\n}\n",
        "3:29", "'p' must be in [0, 1), got 1");
    Programs.assertRejects("model t {\n  input x: f64[B, 2]\n  output y = dropout(x, p = -0.1)\n}\n",
        "3:29", "'p' must be in [0, 1), got -0.1");
    Programs.assertRejects("model t {\n  input x: i32[B, 2]\n  output y = dropout(x)\n}\n",
        "3:14", "must be floating point", "i32[B,2]");
  }
}
