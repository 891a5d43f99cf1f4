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
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.TextDump;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A convolution layer with a relu, {@code max(conv(x, W) + b, 0)}, becomes one CONV_BIAS_RELU
 * (the GEMM's epilogue adds the bias and clamps), in the training graph (its relu masks then
 * read the fused output) and in the inference graph; nothing else is fused, and the values
 * are those of the unfused graph bit for bit, on extreme inputs too.
 */
class ConvEpilogueFusionTest {

  private static final String LAYERS = """
      model t {
        input  x: f32[B, 7, 5, 2]
        input  s: f32[B, 9, 3]
        target y: class[B] of 3
        a = conv2d(x, 4, (3, 2), stride = 2, padding = 1, act = relu)
        c = conv2d(a, 4, 2, groups = 2, act = relu)
        d = conv1d(s, 2, 3, dilation = 2, act = relu)
        e = conv2d(x, 2, 3, act = tanh)
        f = conv2d(x, 2, 3, bias = false, act = relu)
        h = concat((flatten(c), flatten(d), flatten(e), flatten(f)), axis = 1)
        output probs = softmax(dense(h, 3))
        loss = cross_entropy(probs, y)
      }
      """;

  /** The graph a pipeline has made just before this pass, verified stage by stage. */
  private static Graph before(Pipeline pipeline, Graph forward) {
    List<Pipeline.StageResult> results = pipeline.run(forward, true, pipeline.stagesThrough("optimize/dce"));
    return results.get(results.size() - 1).graph();
  }

  @Test
  void fusesEachConvolutionWithABiasAndAReluInTheTrainingGraph() {
    Graph graph = before(Pipeline.training(), compile(LAYERS));
    Pass.Result r = run(new ConvEpilogueFusion(), graph);
    Graph fused = r.graph();
    assertEquals(3, r.fired(), () -> TextDump.dump(fused));
    assertEquals(3, count(fused, Op.CONV_BIAS_RELU));
    assertEquals(2, count(fused, Op.CONV), "the tanh layer and the layer without a bias stay as they were");
    for (Node n : nodes(fused, Op.CONV_BIAS_RELU)) {
      assertEquals(Op.PARAM, n.input(2).op(), "the bias is the layer's parameter: " + n);
      assertTrue(n.input(2).attrs(Attrs.Param.class).name().endsWith(".b"), n::toString);
    }
    int masks = 0;
    for (Node g : nodes(fused, Op.GREATER)) {
      if (g.input(0).op() == Op.CONV_BIAS_RELU) {
        masks++;
      }
      assertTrue(g.input(0).op() != Op.ADD || g.input(0).input(0).op() != Op.CONV,
          () -> "a mask still reads a pre-activation sum: " + g);
    }
    assertEquals(3, masks, () -> "each fused layer's relu mask reads its output:\n" + TextDump.dump(fused));
    for (int seed = 1; seed <= 3; seed++) {
      assertIdenticalValues(graph, fused, randomFeed(graph, 3, seed), "seed " + seed);
    }
    assertIdenticalOnExtremes(graph, fused, 11);
  }

  @Test
  void fusesTheInferenceGraphsLayersToo() {
    Graph graph = before(Pipeline.inference(), compile(LAYERS));
    Pass.Result r = run(new ConvEpilogueFusion(), graph);
    assertEquals(3, r.fired());
    assertEquals(1, count(r.graph(), Op.MAX), () -> "only the relu of the layer without a bias is left: "
        + TextDump.dump(r.graph()));
    assertIdenticalValues(graph, r.graph(), randomFeed(graph, 2, 5), "inference");
    assertIdenticalOnExtremes(graph, r.graph(), 13);
  }

  @Test
  void theFusedNodeKeepsTheConvolutionsAttributesAndTheRelusPlace() {
    Graph graph = before(Pipeline.inference(), compile("""
        model t {
          input x: f32[B, 6, 6, 3]
          output o = conv2d(x, 4, 3, stride = 2, padding = 1, dilation = 1, act = relu)
        }
        """));
    Node conv = nodes(graph, Op.CONV).get(0);
    Node relu = graph.outputs().get("o");
    Graph fused = run(new ConvEpilogueFusion(), graph).graph();
    Node f = fused.outputs().get("o");
    assertEquals(Op.CONV_BIAS_RELU, f.op(), "the output itself is the fused node");
    assertEquals(conv.attrs(Attrs.Conv.class), f.attrs(Attrs.Conv.class));
    assertSame(conv.input(0), f.input(0));
    assertSame(conv.input(1), f.input(1));
    assertEquals(relu.span(), f.span());
    assertEquals(relu.type(), f.type());
  }

  @Test
  void leavesAloneWhatTheEpilogueCannotCompute() {
    String[] bodies = {
        // f64: the epilogue is the f32 kernel's
        "input x: f64[B, 5, 5, 2]\n output o = conv2d(x, 3, 3, act = relu)",
        // no activation, another activation, no bias
        "input x: f32[B, 5, 5, 2]\n output o = conv2d(x, 3, 3)",
        "input x: f32[B, 5, 5, 2]\n output o = conv2d(x, 3, 3, act = sigmoid)",
        "input x: f32[B, 5, 5, 2]\n output o = conv2d(x, 3, 3, bias = false, act = relu)",
        // the pre-activation sum is an output, or read by something other than the relu
        "input x: f32[B, 5, 5, 2]\n c = conv2d(x, 3, 3)\n output pre = c\n output o = relu(c)",
        "input x: f32[B, 5, 5, 2]\n c = conv2d(x, 3, 3)\n output o = relu(c) + c",
        "input x: f32[B, 5, 5, 2]\n c = conv2d(x, 3, 3)\n output o = relu(c) * exp(c)",
        // a clamp at another value, or of another sum
        "input x: f32[B, 5, 5, 2]\n c = conv2d(x, 3, 3)\n output o = maximum(c, 0.5)",
        "input x: f32[B, 5, 5, 2]\n c = conv2d(x, 3, 3)\n output o = maximum(c, -0.0)",
        "input x: f32[B, 5, 5, 2]\n param q: f32[3] = ones\n c = conv2d(x, 3, 3, bias = false)\n"
            + " output o = relu(c * q)",
        "input x: f32[B, 5, 5, 2]\n param q: f32[] = ones\n c = conv2d(x, 3, 3, bias = false)\n"
            + " output o = relu(c + q)",
        "input x: f32[B, 5, 5, 3]\n output o = relu(x + x)",
    };
    for (String body : bodies) {
      Graph graph = before(Pipeline.inference(), compile("model t {\n " + body + "\n}\n"));
      assertLeftAlone(new ConvEpilogueFusion(), graph);
    }
  }

  @Test
  void aConvolutionReadTwiceStaysUnfused() {
    Graph graph = before(Pipeline.inference(), compile("""
        model t {
          input x: f32[B, 5, 5, 2]
          c = conv2d(x, 3, 3, bias = false)
          param q: f32[3] = ones
          output o = relu(c + q)
          output p = c
        }
        """));
    assertLeftAlone(new ConvEpilogueFusion(), graph);
  }

  @Test
  void aBiasOfItsOwnFusesWhateverComputesIt() {
    Graph graph = before(Pipeline.inference(), compile("""
        model t {
          input x: f32[B, 5, 5, 2]
          param q: f32[3] = ones
          c = conv2d(x, 3, 3, bias = false)
          output o = relu(c + q * 2)
        }
        """));
    Pass.Result r = run(new ConvEpilogueFusion(), graph);
    assertEquals(1, r.fired(), () -> TextDump.dump(graph));
    assertIdenticalValues(graph, r.graph(), randomFeed(graph, 2, 3), "a computed bias");
  }
}
