package dev.adjoint.compiler.passes;

import static dev.adjoint.compiler.passes.PassTesting.assertIdenticalOnExtremes;
import static dev.adjoint.compiler.passes.PassTesting.assertIdenticalValues;
import static dev.adjoint.compiler.passes.PassTesting.assertLeftAlone;
import static dev.adjoint.compiler.passes.PassTesting.compile;
import static dev.adjoint.compiler.passes.PassTesting.count;
import static dev.adjoint.compiler.passes.PassTesting.nodes;
import static dev.adjoint.compiler.passes.PassTesting.randomFeed;
import static dev.adjoint.compiler.passes.PassTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.ir.TextDump;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Embedding bags (summed, weighted, averaged; bags of rank 1 and 2) become BAG_SUM, and their
 * tables' gradients BAG_SUM_GRAD, in the training graph and the inference graph; the values
 * are those of the unfused graph bit for bit, padding ids (-1, which the random feeds draw)
 * and extreme weights included. A gather read by anything else, or summed otherwise, stays.
 */
class EmbeddingBagFusionTest {

  private static final String BAGS = """
      model t {
        input  ids: i32[B, 6]
        input  w: f32[B, 6]
        input  nested: i32[B, 2, 3]
        target y: class[B] of 3
        s = embedding_bag(ids, 12, 4)
        v = embedding_bag(ids, 12, 4, weights = w)
        m = embedding_bag(ids, 12, 4, mode = mean)
        n = flatten(embedding_bag(nested, 12, 4))
        h = concat((s, v, m, n), axis = 1)
        output probs = softmax(dense(h, 3))
        loss = cross_entropy(probs, y)
      }
      """;

  private static Graph before(Pipeline pipeline, Graph forward) {
    List<Pipeline.StageResult> results = pipeline.run(forward, true, pipeline.stagesThrough("optimize/dce"));
    return results.get(results.size() - 1).graph();
  }

  @Test
  void fusesEveryBagAndItsTablesGradientInTheTrainingGraph() {
    Graph graph = before(Pipeline.training(), compile(BAGS));
    Pass.Result r = run(new EmbeddingBagFusion(), graph);
    Graph fused = r.graph();
    assertEquals(8, r.fired(), () -> TextDump.dump(fused));
    assertEquals(4, count(fused, Op.BAG_SUM));
    assertEquals(4, count(fused, Op.BAG_SUM_GRAD));
    assertEquals(0, count(fused, Op.GATHER) + count(fused, Op.SCATTER_ADD), () -> TextDump.dump(fused));
    assertEquals(1, nodes(fused, Op.BAG_SUM).stream().filter(n -> n.inputs().size() == 3).count(),
        "the weighted bag alone has weights");
    assertEquals(1, nodes(fused, Op.BAG_SUM_GRAD).stream().filter(n -> n.inputs().size() == 3).count());
    for (Node g : nodes(fused, Op.BAG_SUM_GRAD)) {
      assertEquals(Op.INPUT, g.input(0).op(), g::toString);
      assertEquals(new Attrs.Target(Shape.of(12, 4)), g.attrs(), g::toString);
    }
    for (int seed = 1; seed <= 3; seed++) {
      assertIdenticalValues(graph, fused, randomFeed(graph, 3, seed), "seed " + seed);
    }
    assertIdenticalOnExtremes(graph, fused, 7);
  }

  @Test
  void fusesTheInferenceGraphsBags() {
    Graph graph = before(Pipeline.inference(), compile(BAGS));
    Pass.Result r = run(new EmbeddingBagFusion(), graph);
    assertEquals(4, r.fired());
    assertEquals(0, count(r.graph(), Op.GATHER));
    assertIdenticalValues(graph, r.graph(), randomFeed(graph, 2, 5), "inference");
  }

  @Test
  void theFusedBagReadsTheTableIdsAndWeightsAndKeepsTheSumsPlace() {
    Graph graph = before(Pipeline.inference(), compile("""
        model t {
          input ids: i32[B, 5]
          input w: f32[B, 5]
          output o = embedding_bag(ids, 10, 3, weights = w)
        }
        """));
    Node sum = graph.outputs().get("o");
    Node gather = nodes(graph, Op.GATHER).get(0);
    Node f = run(new EmbeddingBagFusion(), graph).graph().outputs().get("o");
    assertEquals(Op.BAG_SUM, f.op());
    assertSame(gather.input(0), f.input(0));
    assertSame(gather.input(1), f.input(1));
    assertSame(graph.source("w"), f.input(2));
    assertEquals(sum.span(), f.span());
    assertEquals(sum.type(), f.type());
  }

  @Test
  void leavesAloneWhatIsNotABagOverItsLastAxis() {
    String[] bodies = {
        // rows not summed, summed over another axis, or kept
        "input ids: i32[B, 5]\n output o = embedding(ids, 10, 3)",
        "input ids: i32[B, 5]\n output o = sum(embedding(ids, 10, 3), axis = 2)",
        "input ids: i32[B, 5]\n output o = sum(embedding(ids, 10, 3), axis = 1, keepdims = true)",
        "input ids: i32[B, 5]\n output o = sum(embedding(ids, 10, 3), axis = (1, 2))",
        // the rows read by something else too
        "input ids: i32[B, 5]\n e = embedding(ids, 10, 3)\n output o = sum(e, axis = 1)\n output p = e",
        // weights that are not one per id, or the product read twice
        "input ids: i32[B, 5]\n input q: f32[B, 5, 3]\n output o = sum(embedding(ids, 10, 3) * q, axis = 1)",
        "input ids: i32[B, 5]\n input q: f32[B, 5]\n e = embedding(ids, 10, 3) * unsqueeze(q, -1)\n"
            + " output o = sum(e, axis = 1)\n output p = e",
        "input ids: i32[B, 5]\n input q: f32[B, 5, 3]\n output o = sum(q * q, axis = 1)",
    };
    for (String body : bodies) {
      Graph graph = before(Pipeline.inference(), compile("model t {\n " + body + "\n}\n"));
      assertLeftAlone(new EmbeddingBagFusion(), graph);
    }
  }

  @Test
  void leavesAloneAScatterThatIsNotABagsGradient() {
    String body = """
        model t {
          input ids: i32[B, 5]
          target y: f32[B, 5, 3]
          e = embedding(ids, 10, 3)
          output o = e
          loss = mean((e - y) ** 2)
        }
        """;
    Graph graph = before(Pipeline.training(), compile(body));
    assertEquals(1, count(graph, Op.SCATTER_ADD));
    assertLeftAlone(new EmbeddingBagFusion(), graph);
  }
}
