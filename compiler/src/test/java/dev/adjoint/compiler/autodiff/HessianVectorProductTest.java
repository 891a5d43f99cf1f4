package dev.adjoint.compiler.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Verifier;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.testing.RandomFeeds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Derivatives are graphs, so they can be differentiated again: forward mode over the
 * reverse-mode gradient of a small MLP's loss gives H·v, which must equal the central
 * difference of the gradient, (∇L(θ + εv) - ∇L(θ - εv)) / 2ε, for every parameter.
 */
class HessianVectorProductTest {
  private static final String MLP = """
      model mlp {
        input  x: f64[B, 3]
        target y: f64[B, 2]
        h = dense(x, 5, act = tanh)
        g = dense(h, 4, act = gelu)
        output p = softmax(dense(g, 2))
        loss = mse(p, y) + 0.01 * sum(h.W * h.W)
      }
      """;

  /** Strided and reversed slices: their gradients scatter into zeros (UNSLICE), differentiated again here. */
  private static final String SLICED = """
      model sliced {
        input  x: f64[B, 3]
        target y: f64[B, 3]
        h = dense(x, 6, act = tanh)
        a = h[:, ::2]
        b = h[:, ::-1][:, 1:4]
        output p = a * b + h[:, None, -1]
        loss = mse(p, y)
      }
      """;

  /** Pooling over images: max pooling's gradient puts at the argmax, and that is taken back here. */
  private static final String POOLED = """
      model pooled {
        input  x: f64[B, 7, 5, 2]
        target y: f64[B, 2]
        h = tanh(batch_norm(x) * 3)
        m = max_pool2d(h * h, (3, 2), stride = 2, padding = 1)
        a = avg_pool2d(h, 2, stride = 1)
        output p = dense(global_avg_pool(m) + global_max_pool(a * a), 2, act = tanh)
        loss = mse(p, y)
      }
      """;

  /**
   * Convolutions of odd sizes (7x5 by 3x2, stride 2), grouped and 1-D: their gradients are
   * the transposed convolution and the filter gradient, differentiated again here.
   */
  private static final String CONV = """
      model convs {
        input  x: f64[B, 7, 5, 2]
        input  s: f64[B, 9, 2]
        target y: f64[B, 2]
        c = conv2d(x, 4, (3, 2), stride = 2, padding = 1, act = tanh)
        g = conv2d(c, 4, 2, groups = 2, dilation = (1, 2), act = tanh)
        t = conv1d(s, 3, 3, stride = 2, padding = "valid", act = tanh)
        output p = dense(concat((flatten(g), flatten(t)), axis = 1), 2)
        loss = mse(p, y)
      }
      """;

  @Test
  void hessianVectorProductThroughPoolingAgreesWithFiniteDifferencesOfItsGradient() {
    check("pooled.nn", POOLED);
  }

  @Test
  void hessianVectorProductThroughConvolutionsAgreesWithFiniteDifferencesOfItsGradient() {
    check("convs.nn", CONV);
  }

  @Test
  void hessianVectorProductOfAnMlpAgreesWithFiniteDifferencesOfItsGradient() {
    check("mlp.nn", MLP);
  }

  @Test
  void hessianVectorProductThroughStridedSubscriptsAgreesWithFiniteDifferencesOfItsGradient() {
    check("sliced.nn", SLICED);
  }

  private static void check(String file, String source) {
    Compilation c = Frontend.compile(SourceFile.of(file, source));
    assertTrue(c.ok(), c.diagnostics().format());
    Graph training = TrainingGraph.of(c.models().get(0).graph());

    NodeBuilder b = NodeBuilder.start(training.span(), 1000);
    Map<Node, Node> seeds = new LinkedHashMap<>();
    Graph.Builder out = training.toBuilder();
    for (Node p : training.params()) {
      Node v = b.node(Op.INPUT, List.of(), new Attrs.Input("v." + p.sourceName(), p.dtype(), p.shape(), false, 0,
          List.of()));
      seeds.put(p, v);
      out.input(v);
    }
    List<Node> gradients = List.copyOf(training.gradients().values());
    Map<Node, Node> hv = ForwardMode.tangents(b, gradients, seeds);
    training.gradients().forEach((name, g) -> out.output("hv." + name, hv.get(g)));
    Graph graph = out.build();
    Verifier.check(graph, "with Hessian-vector products");

    Random random = new Random(11);
    Map<String, F64Tensor> inputs = RandomFeeds.inputs(training, 4, random);
    Map<String, F64Tensor> theta = RandomFeeds.params(training, random, 0.7);
    Map<String, F64Tensor> v = RandomFeeds.params(training, random, 1.0);
    v.forEach((name, t) -> inputs.put("v." + name, t));
    Interpreter interpreter = new Interpreter(graph);
    Evaluation at = interpreter.evaluate(Feed.of(inputs, theta));
    double eps = GradientChecker.EPSILON;
    Evaluation plus = interpreter.evaluate(Feed.of(inputs, GradientChecker.shifted(theta, v, eps)));
    Evaluation minus = interpreter.evaluate(Feed.of(inputs, GradientChecker.shifted(theta, v, -eps)));
    for (Map.Entry<String, Node> e : training.gradients().entrySet()) {
      double[] exact = at.output("hv." + e.getKey()).data();
      double[] up = plus.value(e.getValue()).data();
      double[] down = minus.value(e.getValue()).data();
      for (int i = 0; i < exact.length; i++) {
        double fd = (up[i] - down[i]) / (2 * eps);
        assertTrue(Math.abs(exact[i] - fd) <= 1e-6 * (1 + Math.abs(fd)),
            "(H·v) of " + e.getKey() + "[" + i + "] = " + exact[i] + ", finite differences " + fd);
      }
    }
  }
}
