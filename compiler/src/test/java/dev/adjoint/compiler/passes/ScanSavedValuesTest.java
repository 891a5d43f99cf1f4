package dev.adjoint.compiler.passes;

import static dev.adjoint.compiler.passes.PassTesting.compile;
import static dev.adjoint.compiler.passes.PassTesting.feed;
import static dev.adjoint.compiler.passes.PassTesting.nodes;
import static dev.adjoint.compiler.passes.PassTesting.randomFeed;
import static dev.adjoint.compiler.passes.PassTesting.training;
import static dev.adjoint.compiler.passes.PassTesting.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScanBody;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A recurrent layer's backward loop reads back what its forward step stored instead of
 * recomputing it: an LSTM's gates (stored after h and c in its carry) and an RNN's state, so
 * that its body keeps one matrix product (dz·W_hh) of the two a recomputed step needs; a
 * GRU, whose result stores no gate, still recomputes its step. The training graphs' values
 * and gradients stay finite on extreme inputs (the f64 gradient checks of
 * {@code RecurrentGradientTest} and {@code ScanGradientTest} check the values themselves).
 */
class ScanSavedValuesTest {
  private static Graph model(String cell) {
    return compile("model t {\n  input x: f64[B, 5, 3]\n  target y: f64[B, 4]\n"
        + "  h = " + cell + "(x, 4)\n  loss = mse(h, y)\n}\n");
  }

  @Test
  void anLstmStoresItsGatesAndItsBackwardLoopReadsThemBack() {
    Graph graph = training(model("lstm"));
    Node forward = loop(graph, false);
    assertEquals(4 * 6, forward.shape().last(), "h, c and four gates of 4 units per step");
    ScanBody backward = loop(graph, true).attrs(Attrs.Scan.class).body();
    assertEquals(1, matmuls(backward), "dz·W_hh only: h·W_hhᵀ is not computed again");
    assertEquals(4, backward.sequences(), "g, h_{t-1}, the stored step y_t, x_t");
    assertFinite(graph);
  }

  @Test
  void anRnnReadsItsStoredStateBack() {
    Graph graph = training(model("rnn"));
    ScanBody backward = loop(graph, true).attrs(Attrs.Scan.class).body();
    assertEquals(1, matmuls(backward));
    assertEquals(4, backward.sequences());
    assertFinite(graph);
  }

  @Test
  void aGruRecomputesItsStepAndReadsNothingBack() {
    Graph graph = training(model("gru"));
    assertEquals(4, loop(graph, false).shape().last(), "the carry is h alone");
    ScanBody backward = loop(graph, true).attrs(Attrs.Scan.class).body();
    assertEquals(2, matmuls(backward), "the step's h·W_hhᵀ again, and dz·W_hh");
    assertEquals(3, backward.sequences(), "g, h_{t-1}, x_t");
    assertFinite(graph);
  }

  private static Node loop(Graph graph, boolean reverse) {
    List<Node> loops = nodes(graph, Op.SCAN).stream()
        .filter(n -> n.attrs(Attrs.Scan.class).reverse() == reverse && n.attrs(Attrs.Scan.class).stacked()).toList();
    assertEquals(1, loops.size(), (reverse ? "backward" : "forward") + " loops: " + loops);
    return loops.get(0);
  }

  private static long matmuls(ScanBody body) {
    return body.nodes().stream().filter(n -> n.op() == Op.MATMUL).count();
  }

  /** Inputs of ±1e30, ±1000 and 0 saturate every gate; the step's values and gradients stay finite. */
  private static void assertFinite(Graph graph) {
    Feed random = randomFeed(graph, 3, 5);
    Map<String, F64Tensor> inputs = new LinkedHashMap<>(random.inputs());
    F64Tensor x = inputs.get("x");
    double[] extreme = new double[x.size()];
    double[] pool = {1e30, -1e30, 1000, -1000, 0};
    for (int i = 0; i < extreme.length; i++) {
      extreme[i] = pool[i % pool.length];
    }
    inputs.put("x", F64Tensor.of(x.shape(), extreme));
    Map<String, F64Tensor> all = values(graph, feed(inputs, random.params()));
    assertTrue(all.keySet().stream().anyMatch(k -> k.contains("weight_hh")), "gradients evaluated: " + all.keySet());
    all.forEach((name, t) -> {
      for (int i = 0; i < t.size(); i++) {
        assertTrue(Double.isFinite(t.flat(i)), name + "[" + i + "] = " + t.flat(i));
      }
    });
  }
}
