package dev.adjoint.compiler.passes;

import static dev.adjoint.compiler.passes.PassTesting.assertLeftAlone;
import static dev.adjoint.compiler.passes.PassTesting.assertSameTensor;
import static dev.adjoint.compiler.passes.PassTesting.compile;
import static dev.adjoint.compiler.passes.PassTesting.nodes;
import static dev.adjoint.compiler.passes.PassTesting.randomFeed;
import static dev.adjoint.compiler.passes.PassTesting.run;
import static dev.adjoint.compiler.passes.PassTesting.training;
import static dev.adjoint.compiler.passes.PassTesting.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScanBody;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Loop bodies optimized and fused like graphs: every loop of a recurrent model's training
 * graph (the forward loop and the backward ones) gets ELEMENTWISE_KERNELs in its body and
 * fewer nodes, keeps its placeholders, and computes the same values to the last bit.
 */
class LoopBodyFusionTest {

  private static Graph lstm() {
    return compile("model t {\n  input x: f64[B, 3, 2]\n  input len: i32[B]\n  target y: f64[B, 4]\n"
        + "  h = lstm(x, 4, lengths = len)\n  g = gru(x, 4, return_sequences = true)\n"
        + "  loss = mse(h + mean(g, axis = 1), y)\n}\n");
  }

  @Test
  void everyLoopOfATrainingGraphGetsFusedBodies() {
    Graph graph = training(lstm());
    List<Node> before = nodes(graph, Op.SCAN);
    assertTrue(before.size() >= 4, "forward and backward loops: " + before.size());
    Pass.Result r = run(new LoopBodyFusion(), graph);
    assertEquals(before.size(), r.fired());
    List<Node> after = nodes(r.graph(), Op.SCAN);
    assertEquals(before.size(), after.size());
    for (int i = 0; i < after.size(); i++) {
      ScanBody old = before.get(i).attrs(Attrs.Scan.class).body();
      ScanBody fused = after.get(i).attrs(Attrs.Scan.class).body();
      assertSame(old.placeholders(), fused.placeholders());
      assertTrue(fused.nodes().stream().anyMatch(n -> n.op() == Op.ELEMENTWISE_KERNEL), "a kernel in loop " + i);
      assertTrue(fused.nodes().size() < old.nodes().size(),
          "loop " + i + ": " + old.nodes().size() + " nodes before, " + fused.nodes().size() + " after");
      assertEquals(before.get(i).type(), after.get(i).type());
      assertSame(before.get(i).span(), after.get(i).span());
    }
    assertSameValues(graph, r.graph());
  }

  @Test
  void aGraphWithoutLoopsIsLeftAlone() {
    assertLeftAlone(new LoopBodyFusion(), compile("model t {\n  input x: f64[B, 3]\n  output o = relu(x * 2 + 1)\n}\n"));
  }

  @Test
  void fusedBodiesAreLeftAloneTheSecondTime() {
    Graph once = run(new LoopBodyFusion(), training(lstm())).graph();
    assertLeftAlone(new LoopBodyFusion(), once);
  }

  private static void assertSameValues(Graph expected, Graph actual) {
    for (int batch : new int[] {4, 1}) {
      Feed feed = randomFeed(expected, batch, 31 + batch);
      Map<String, F64Tensor> want = values(expected, feed);
      Map<String, F64Tensor> got = values(actual, feed);
      assertEquals(want.keySet(), got.keySet());
      want.forEach((name, t) -> assertSameTensor(t, got.get(name), name + " with B = " + batch));
    }
  }
}
