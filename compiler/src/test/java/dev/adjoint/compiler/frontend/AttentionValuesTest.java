package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.assertValues;
import static dev.adjoint.compiler.frontend.Programs.graph;
import static dev.adjoint.compiler.frontend.Programs.run;
import static dev.adjoint.compiler.frontend.Programs.shape;

import dev.adjoint.compiler.interp.F64Tensor;
import org.junit.jupiter.api.Test;

/** The values of attention, multi-head attention, position encodings, sequence masks and pooling over time. */
class AttentionValuesTest {
  private static final double E = Math.E;
  /** Two samples of two positions: the unit vectors in order, then reversed. */
  private static final F64Tensor UNITS = F64Tensor.of(new int[] {2, 2, 2}, 1, 0, 0, 1, 0, 1, 1, 0);

  private static F64Tensor attend(String options) {
    String text = "model t {\n  input x: f64[B, 2, 2]\n  output y = attention(x, x, x" + options + ")\n}\n";
    return run(graph(text)).input("x", UNITS).output("y");
  }

  @Test
  @Covers("attention")
  void attentionWeighsTheValuesBySoftmaxOfTheScores() {
    double a = E / (1 + E);
    double b = 1 / (1 + E);
    assertValues(attend(", scale = 1"), shape(2, 2, 2), a, b, b, a, b, a, a, b);
    assertValues(attend(", mask = causal, scale = 1"), shape(2, 2, 2), 1, 0, b, a, 0, 1, a, b);
    assertValues(attend(", mask = x > 0.5"), shape(2, 2, 2), 1, 0, 0, 1, 1, 0, 0, 1);
    // 1/√2 by default; a query that sees no key averages every value
    double s = Math.exp(1 / Math.sqrt(2));
    assertValues(attend(", mask = x > 2"), shape(2, 2, 2), 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5);
    assertValues(attend(""), shape(2, 2, 2), s / (1 + s), 1 / (1 + s), 1 / (1 + s), s / (1 + s),
        1 / (1 + s), s / (1 + s), s / (1 + s), 1 / (1 + s));
  }

  @Test
  @Covers("multi_head_attention")
  void multiHeadAttentionWithoutScoresAveragesTheValues() {
    String text = "model t {\n  input x: f64[B, 3, 2]\n  output y = multi_head_attention(x, 2, 2, causal = true)\n"
        + "  output z = multi_head_attention(x, 1, 2, bias = false)\n}\n";
    F64Tensor zero = F64Tensor.zeros(2, 2);
    F64Tensor eye = F64Tensor.matrix(new double[] {1, 0}, new double[] {0, 1});
    F64Tensor bias = F64Tensor.vector(0, 0);
    Programs.Run r = run(graph(text)).input("x", F64Tensor.of(new int[] {1, 3, 2}, 1, 2, 3, 4, 5, 6));
    for (String layer : new String[] {"y", "z"}) {
      r.param(layer + ".Wq", zero).param(layer + ".Wk", zero).param(layer + ".Wv", eye).param(layer + ".Wo", eye);
    }
    r.param("y.bq", bias).param("y.bk", bias).param("y.bv", bias).param("y.bo", F64Tensor.vector(10, 20));
    // zero scores: each position averages the values it sees, then the bias is added
    assertValues(r.output("y"), shape(1, 3, 2), 11, 22, 12, 23, 13, 24);
    assertValues(r.output("z"), shape(1, 3, 2), 3, 4, 3, 4, 3, 4);
  }

  @Test
  @Covers("positional_encoding")
  void positionEncodingsAreAdded() {
    String text = "model t {\n  input x: f64[B, 2, 4]\n  output s = positional_encoding(x, kind = sinusoidal)\n"
        + "  output l = positional_encoding(x)\n}\n";
    Programs.Run r = run(graph(text)).input("x", F64Tensor.of(new int[] {1, 2, 4}, 1, 1, 1, 1, 0, 0, 0, 0))
        .param("l.table", F64Tensor.of(new int[] {2, 4}, 1, 2, 3, 4, 5, 6, 7, 8));
    assertValues(r.output("s"), shape(1, 2, 4), 1, 2, 1, 2, Math.sin(1), Math.cos(1), Math.sin(0.01),
        Math.cos(0.01));
    assertValues(r.output("l"), shape(1, 2, 4), 2, 3, 4, 5, 5, 6, 7, 8);
  }

  @Test
  @Covers({"sequence_mask", "sequence_pool"})
  void paddingIsMaskedOutOfPoolsOverTime() {
    String text = "model t {\n  input x: f64[B, 3, 2]\n  input n: i32[B]\n  m = sequence_mask(n, 3)\n"
        + "  output mask = m\n  output mean = sequence_pool(x, m)\n  output top = sequence_pool(x, m, mode = max)\n}\n";
    Programs.Run r = run(graph(text)).input("x", F64Tensor.of(new int[] {3, 3, 2}, 1, -1, 3, -5, 100, 100, 2, 2, 7,
        7, 7, 7, -4, -2, -6, 0, -8, -1)).input("n", F64Tensor.vector(2, 0, 3));
    assertValues(r.output("mask"), shape(3, 3), 1, 1, 0, 0, 0, 0, 1, 1, 1);
    assertValues(r.output("mean"), shape(3, 2), 2, -3, 0, 0, -6, -1);
    assertValues(r.output("top"), shape(3, 2), 3, -1, 0, 0, -4, 0);
  }
}
