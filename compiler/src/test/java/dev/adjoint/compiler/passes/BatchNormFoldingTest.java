package dev.adjoint.compiler.passes;

import static dev.adjoint.compiler.passes.PassTesting.assertLeftAlone;
import static dev.adjoint.compiler.passes.PassTesting.assertSomeFinite;
import static dev.adjoint.compiler.passes.PassTesting.compile;
import static dev.adjoint.compiler.passes.PassTesting.count;
import static dev.adjoint.compiler.passes.PassTesting.run;
import static dev.adjoint.compiler.passes.PassTesting.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Mode;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.TextDump;
import dev.adjoint.compiler.testing.RandomFeeds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A batch norm in inference mode after a convolution folds into the convolution's filters and
 * bias: the prediction graph keeps one convolution and one add per layer, no statistics over
 * the image; values equal the unfolded graph's to rounding, with running variances near 0,
 * large and tiny scales and means, and the smallest eps. The training graph keeps its batch
 * norm.
 */
class BatchNormFoldingTest {

  private static final String LAYERS = """
      model t {
        input  x: f64[B, 7, 5, 2]
        input  s: f64[B, 9, 3]
        output a = relu(batch_norm(conv2d(x, 4, (3, 2), stride = 2, padding = 1)))
        output c = batch_norm(conv2d(a, 4, 2, groups = 2, bias = false), eps = 1e-12)
        output d = batch_norm(conv1d(s, 2, 3, dilation = 2), affine = false)
      }
      """;

  /** The graph the inference pipeline has just extracted, before this pass. */
  private static Graph extracted(String text) {
    Pipeline p = Pipeline.inference();
    List<Pipeline.StageResult> r = p.run(compile(text), true, p.stagesThrough("extract/inference"));
    return r.get(r.size() - 1).graph();
  }

  @Test
  void eachBatchNormAfterAConvolutionFoldsIntoIt() {
    Graph graph = extracted(LAYERS);
    Pass.Result r = run(new BatchNormFolding(), graph);
    Graph folded = r.graph();
    assertEquals(3, r.fired(), () -> TextDump.dump(folded));
    assertEquals(3, count(folded, Op.CONV));
    assertEquals(3, count(folded, Op.SQRT), "the running variances' square roots stay, [C] each");
    for (Node n : folded.nodes()) {
      if (n.op() == Op.DIV || n.op() == Op.SUB) {
        assertEquals(1, n.shape().rank(), () -> "no image-sized step of the batch norm is left: " + n);
      }
      if (n.op() == Op.CONV) {
        assertEquals(Op.MUL, n.input(1).op(), () -> "the filters are scaled per output channel: " + n);
        assertEquals(1, folded.nodes().stream().filter(u -> u.inputs().contains(n) && u.op() == Op.ADD).count());
      }
    }
    for (int seed = 1; seed <= 3; seed++) {
      assertClose(graph, folded, feed(graph, 3, seed, false), 1e-12);
    }
  }

  @Test
  void theFoldedValuesHoldAtExtremeStatistics() {
    Graph graph = extracted(LAYERS);
    Graph folded = run(new BatchNormFolding(), graph).graph();
    Map<String, F64Tensor> seen = new LinkedHashMap<>();
    for (int seed = 1; seed <= 6; seed++) {
      for (int batch : new int[] {4, 1, 0}) {
        Feed feed = feed(graph, batch, seed, true);
        assertClose(graph, folded, feed, 1e-9);
        String at = " seed " + seed + " B = " + batch;
        values(graph, feed).forEach((name, t) -> seen.put(name + at, t));
      }
    }
    assertSomeFinite(seen, "extreme statistics");
  }

  @Test
  void theTrainingGraphKeepsItsBatchNorm() {
    Graph forward = compile(LAYERS.replace("output d", "target y: f64[B, 3, 2, 4]\n  loss = mse(c, y)\n  output d"));
    Graph trained = Pipeline.training().apply(forward);
    assertTrue(Pipeline.training().stageNames().stream().noneMatch(s -> s.endsWith("batch-norm-folding")));
    assertLeftAlone(new BatchNormFolding(), PassTesting.training(forward));
    assertTrue(trained.nodes().stream().anyMatch(n -> n.op() == Op.REDUCE_SUM && n.shape().rank() == 1),
        "the batch statistics are still computed");
  }

  @Test
  void thePipelinesPredictionGraphHasNoBatchNormLeft() {
    Graph graph = Pipeline.inference().apply(compile(LAYERS));
    assertEquals(0, graph.nodes().stream().filter(n -> n.op() == Op.STATE && n.shape().rank() == 1)
        .filter(s -> graph.nodes().stream().anyMatch(u -> u.inputs().contains(s) && u.shape().rank() > 1)).count(),
        () -> "a running statistic is still read at image size:\n" + TextDump.dump(graph));
  }

  @Test
  void leavesAloneWhatIsNotAFoldableBatchNorm() {
    String[] bodies = {
        // after a relu, after a dense layer, after a pooling
        "input x: f64[B, 5, 5, 2]\n output o = batch_norm(conv2d(x, 3, 3, act = relu))",
        "input x: f64[B, 4]\n output o = batch_norm(dense(x, 3))",
        "input x: f64[B, 6, 6, 2]\n output o = batch_norm(max_pool2d(x, 2))",
        // the convolution or its sum read elsewhere
        "input x: f64[B, 5, 5, 2]\n c = conv2d(x, 3, 3)\n output o = batch_norm(c)\n output p = c",
        "input x: f64[B, 5, 5, 2]\n c = conv2d(x, 3, 3, bias = false)\n output o = batch_norm(c) + c",
        // a layer norm divides by its own statistics
        "input x: f64[B, 5, 5, 2]\n output o = layer_norm(conv2d(x, 3, 3))",
    };
    for (String body : bodies) {
      assertLeftAlone(new BatchNormFolding(), extracted("model t {\n " + body + "\n}\n"));
    }
  }

  @Test
  void theNormalizedValueReadElsewhereKeepsTheAffineStepsApart() {
    Graph graph = extracted("""
        model t {
          input x: f64[B, 5, 5, 2]
          n = batch_norm(conv2d(x, 3, 3), affine = false)
          param g: f64[3] = ones
          output o = n * g
          output p = n
        }
        """);
    Pass.Result r = run(new BatchNormFolding(), graph);
    assertEquals(1, r.fired());
    Node p = r.graph().outputs().get("p");
    assertEquals(Op.ADD, p.op(), () -> TextDump.dump(r.graph()));
    assertEquals(Op.CONV, p.input(0).op());
    assertClose(graph, r.graph(), feed(graph, 2, 4, false), 1e-12);
  }

  // ---- feeds -------------------------------------------------------------------------------

  /**
   * Random inputs and parameters in inference mode, with running statistics: ordinary ones, or
   * with {@code extreme}, variances of 0, 1e-30 and 1e8, means of ±1e6, and gammas of 1e-6, 0
   * and 1e4.
   */
  private static Feed feed(Graph graph, int batch, long seed, boolean extreme) {
    Random random = new Random(seed);
    Map<String, F64Tensor> inputs = RandomFeeds.inputs(graph, batch, random);
    Map<String, F64Tensor> params = new LinkedHashMap<>(RandomFeeds.params(graph, random, 0.5));
    Map<String, F64Tensor> state = new LinkedHashMap<>();
    for (Node s : graph.states()) {
      String name = s.attrs(Attrs.State.class).name();
      boolean variance = name.endsWith("running_var");
      double[] v = new double[s.shape().dim(0)];
      double[] pool = variance ? new double[] {0, 1e-30, 1e8, 0.3} : new double[] {1e6, -1e6, 0.25, -3};
      for (int i = 0; i < v.length; i++) {
        v[i] = extreme ? pool[random.nextInt(pool.length)]
            : variance ? 0.1 + random.nextDouble() : random.nextGaussian();
      }
      state.put(name, F64Tensor.of(new int[] {v.length}, v));
    }
    if (extreme) {
      params.replaceAll((name, t) -> {
        if (!name.endsWith(".gamma")) {
          return t;
        }
        double[] v = t.data();
        double[] pool = {1e-6, 0, 1e4, -2};
        for (int i = 0; i < v.length; i++) {
          v[i] = pool[random.nextInt(pool.length)];
        }
        return F64Tensor.of(t.shape(), v);
      });
    }
    return new Feed(inputs, params, state, Mode.INFERENCE, PassTesting.SEED, PassTesting.STEP);
  }

  /**
   * Every value within {@code rtol} of the unfolded graph's, relative to the magnitude of the
   * terms that make it (the largest |value| of its tensor, at least 1): folding reorders a
   * difference of large means, so cancellation is measured against them.
   */
  private static void assertClose(Graph expected, Graph actual, Feed feed, double rtol) {
    Map<String, F64Tensor> want = values(expected, feed);
    Map<String, F64Tensor> got = values(actual, feed);
    assertEquals(want.keySet(), got.keySet());
    want.forEach((name, w) -> {
      F64Tensor g = got.get(name);
      double scale = 1;
      for (double v : w.data()) {
        if (Double.isFinite(v)) {
          scale = Math.max(scale, Math.abs(v));
        }
      }
      for (int i = 0; i < w.size(); i++) {
        double a = w.flat(i);
        double b = g.flat(i);
        boolean same = Double.isNaN(a) ? Double.isNaN(b) : Math.abs(a - b) <= rtol * scale || a == b;
        if (!same) {
          fail(name + " element " + i + ": folded " + b + ", unfolded " + a);
        }
      }
    });
  }
}
