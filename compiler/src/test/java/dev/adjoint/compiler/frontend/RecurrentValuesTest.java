package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.assertValues;
import static dev.adjoint.compiler.frontend.Programs.graph;
import static dev.adjoint.compiler.frontend.Programs.of;
import static dev.adjoint.compiler.frontend.Programs.run;
import static dev.adjoint.compiler.frontend.Programs.shape;
import static dev.adjoint.compiler.frontend.Programs.vec;

import dev.adjoint.compiler.ir.Graph;
import org.junit.jupiter.api.Test;

/**
 * The recurrent layers' values by hand, one unit over two steps of one feature, with
 * hand-picked parameters in PyTorch's gate order and an initial state (the whole sequence
 * and each layer's equations are checked against PyTorch's at random sizes in
 * {@code codegen.RecurrentLayersTest}).
 */
class RecurrentValuesTest {
  private static final double X0 = 0.5;
  private static final double X1 = -1.5;
  private static final double H0 = 0.25;

  private static Graph layer(String call) {
    return graph("model t {\n  input x: f64[B, 2, 1]\n  input s: f64[B, 1]\n  output y = " + call + "\n}\n");
  }

  private static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  @Test
  @Covers("rnn")
  void rnnStepsWithItsActivation() {
    Graph g = layer("rnn(x, 1, return_sequences = true, h0 = s)");
    double h1 = Math.tanh(0.8 * X0 + 0.1 + 0.5 * H0 - 0.2);
    double h2 = Math.tanh(0.8 * X1 + 0.1 + 0.5 * h1 - 0.2);
    assertValues(run(g).input("x", of(shape(1, 2, 1), X0, X1)).input("s", of(shape(1, 1), H0))
        .param("y.weight_ih", of(shape(1, 1), 0.8)).param("y.weight_hh", of(shape(1, 1), 0.5))
        .param("y.bias_ih", vec(0.1)).param("y.bias_hh", vec(-0.2)).output("y"), shape(1, 2, 1), h1, h2);
  }

  @Test
  @Covers("lstm")
  void lstmGatesInPyTorchsOrder() {
    Graph g = layer("lstm(x, 1, h0 = s, c0 = s * 2)");
    double[] wi = {0.3, -0.4, 0.9, 0.2};
    double[] wh = {0.5, 0.1, -0.7, 0.6};
    double[] b = {0.05, 0.4, -0.1, 0.2};
    double h = H0;
    double c = 2 * H0;
    for (double x : new double[] {X0, X1}) {
      double i = sigmoid(wi[0] * x + wh[0] * h + b[0]);
      double f = sigmoid(wi[1] * x + wh[1] * h + b[1]);
      double gg = Math.tanh(wi[2] * x + wh[2] * h + b[2]);
      double o = sigmoid(wi[3] * x + wh[3] * h + b[3]);
      c = f * c + i * gg;
      h = o * Math.tanh(c);
    }
    assertValues(run(g).input("x", of(shape(1, 2, 1), X0, X1)).input("s", of(shape(1, 1), H0))
        .param("y.weight_ih", of(shape(4, 1), wi)).param("y.weight_hh", of(shape(4, 1), wh))
        .param("y.bias_ih", vec(b)).param("y.bias_hh", vec(0, 0, 0, 0)).output("y"), shape(1, 1), h);
  }

  @Test
  @Covers("gru")
  void gruResetsTheRecurrentShareOfItsCandidate() {
    Graph g = layer("gru(x, 1, h0 = s)");
    double[] wi = {0.3, -0.4, 0.9};
    double[] wh = {0.5, 0.1, -0.7};
    double[] bi = {0.05, 0.4, -0.1};
    double[] bh = {0.2, -0.3, 0.6};
    double h = H0;
    for (double x : new double[] {X0, X1}) {
      double r = sigmoid(wi[0] * x + bi[0] + wh[0] * h + bh[0]);
      double z = sigmoid(wi[1] * x + bi[1] + wh[1] * h + bh[1]);
      double n = Math.tanh(wi[2] * x + bi[2] + r * (wh[2] * h + bh[2]));
      h = (1 - z) * n + z * h;
    }
    assertValues(run(g).input("x", of(shape(1, 2, 1), X0, X1)).input("s", of(shape(1, 1), H0))
        .param("y.weight_ih", of(shape(3, 1), wi)).param("y.weight_hh", of(shape(3, 1), wh))
        .param("y.bias_ih", vec(bi)).param("y.bias_hh", vec(bh)).output("y"), shape(1, 1), h);
  }
}
