package dev.adjoint.compiler.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.golden.Golden;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.passes.Pipeline;
import dev.adjoint.compiler.source.SourceFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Training through {@code grad} and {@code jvp}: the training step's gradient of a loss that
 * holds a derivative is a second derivative, built by differentiating the derivative rules'
 * own nodes. For each family of ops, a small f64 model whose loss penalizes an input
 * gradient (or a Jacobian-vector product) of that family must give a parameter gradient
 * equal to central finite differences of the loss, as differentiated and after the whole
 * training pipeline (stabilizing fusions, stop_gradient removal, elementwise kernels). A
 * derivative rule that emitted an op without a correct derivative of its own fails here.
 */
class SecondOrderGradientTest {

  /** name, then the model's body after its input x: f64[B, 4] and target y: f64[B, 3]; each defines f. */
  private static final List<String[]> CASES = List.of(
      new String[] {"activations", """
          h = dense(x, 5, act = tanh)
          h = sigmoid(h) + gelu(h) + silu(h) + softplus(h) + leaky_relu(h, 0.1) + relu(h) * h
          f = dense(h, 3)
          """},
      new String[] {"softmax_cross_entropy", """
          target c: class[B] of 3
          f = dense(dense(x, 6, act = relu), 3)
          ce = cross_entropy(softmax(f), c) + mean(log_softmax(f) * y)
          """},
      new String[] {"math", """
          h = dense(x, 4)
          f = concat((exp(h / 4) * log(1 + h * h), sqrt(1 + abs(h)) / pow(2 + h * h, 0.5), maximum(h, 0.1), \
          minimum(h, -0.2), clip(h, -0.5, 0.5), where(h > 0, h * h, -h)), axis = 1)[:, 1:4]
          """},
      new String[] {"reductions", """
          h = dense(x, 6)
          f = stack((logsumexp(h, axis = 1), norm(h, axis = 1), max(h, axis = 1)), axis = 1) + cumsum(h, axis = 1)[:, ::2]
          """},
      new String[] {"normalization", """
          h = layer_norm(dense(x, 6)) + batch_norm(dense(x, 6))
          f = dense(dropout(h, 0.3), 3)
          """},
      new String[] {"products", """
          a = reshape(dense(x, 8), (B, 2, 4))
          s = a @ transpose(a)
          f = einsum("bij,bjk->bik", softmax(s), a)[:, 0, 1:4]
          """},
      new String[] {"convolutions", """
          i = reshape(dense(x, 32), (B, 4, 4, 2))
          c = conv2d(i, 3, 2, padding = 1, act = tanh)
          p = max_pool2d(c, 2) + avg_pool2d(c, 2)
          f = dense(flatten(p), 3) + global_max_pool(c) + global_avg_pool(c)
          """},
      new String[] {"losses", """
          f = dense(x, 3)
          ce = bce_with_logits(f, sigmoid(y)) + bce(sigmoid(f), sigmoid(y)) + mse(f, y)
          """});

  @TestFactory
  Stream<DynamicTest> trainingDifferentiatesThroughGrad() {
    return CASES.stream().map(c -> DynamicTest.dynamicTest(c[0], () -> {
      String loss = c[1].contains("ce =") ? "ce" : "mse(f, y)";
      check(c[0], c[1], loss + " + 0.3 * mean(square(norm(grad(" + loss + ", x), axis = 1) - 1))");
    }));
  }

  @TestFactory
  Stream<DynamicTest> trainingDifferentiatesThroughJvp() {
    return CASES.stream().map(c -> DynamicTest.dynamicTest(c[0], () -> {
      String loss = c[1].contains("ce =") ? "ce" : "mse(f, y)";
      check(c[0], c[1], loss + " + 0.3 * mean(square(jvp(f, x, x)))");
    }));
  }

  @TestFactory
  Stream<DynamicTest> trainingDifferentiatesThroughAGradientWithRespectToAnIntermediateValue() {
    return CASES.stream().map(c -> DynamicTest.dynamicTest(c[0], () -> {
      String loss = c[1].contains("ce =") ? "ce" : "mse(f, y)";
      check(c[0], c[1], loss + " + 0.1 * sum(square(grad(" + loss + ", f)))");
    }));
  }

  /**
   * The closure of the derivative rules over every example and valid program: their loss plus
   * a penalty on the squared norm of every parameter's gradient is differentiated again, so
   * every op that a rule emitted for these models (convolutions' gradients, pooling's puts,
   * embeddings' scatters, batch norm's statistics ...) is itself differentiated, and the result
   * must agree with finite differences.
   */
  @TestFactory
  Stream<DynamicTest> everyModelsGradientCanBeDifferentiatedAgain() {
    List<Path> files = new ArrayList<>(Golden.nnFiles(Golden.repo().resolve("examples")));
    files.addAll(Golden.nnFiles(Golden.resources().resolve("programs/valid")));
    return files.stream().map(nn -> DynamicTest.dynamicTest(Golden.repo().relativize(nn).toString(), () -> {
      Compilation c = Frontend.compile(SourceFile.read(nn, nn.getFileName().toString()));
      assertTrue(c.ok(), c.diagnostics().format());
      for (ModelUnit unit : c.models()) {
        if (unit.graph().loss() != null) {
          ModelGradientTest.check(TrainingGraph.of(withGradientPenalty(TrainingGraph.of(unit.graph()))), 2);
        }
      }
    }));
  }

  /** The training graph with 0.01·Σ‖∂L/∂p‖² added to its loss and its gradients cleared. */
  private static Graph withGradientPenalty(Graph training) {
    NodeBuilder b = NodeBuilder.start(training.span(), Integer.MAX_VALUE / 2);
    Node loss = training.loss();
    for (Node gradient : training.gradients().values()) {
      Node term = b.cast(b.sumAll(b.mul(gradient, gradient)), loss.dtype());
      loss = b.add(loss, b.mul(term, b.constant(0.01, loss.dtype())));
    }
    return training.toBuilder().clearGradients().loss(loss).build();
  }

  /**
   * stop_gradient keeps its meaning on both sides of a user's derivative: inside grad it is a
   * constant to grad, and around grad it is a constant to training, because stop-gradient
   * removal runs only after training's differentiation. With L = w·sg(∂(w²·Σx)/∂w) the step's
   * gradient is sg(2w·Σx) = 2w·Σx, not ∂(2w²·Σx)/∂w = 4w·Σx; with L = ∂(w·sg(w)·Σx)/∂w =
   * sg(w)·Σx it is 0.
   */
  @Test
  void stopGradientHoldsInsideAndAroundGrad() {
    double w = 1.5;
    double sumX = 1 + 2 + 4;
    assertEquals(2 * w * sumX, stepGradient("w * stop_gradient(grad(sum(w * w * x), w))", w), 1e-12);
    assertEquals(0, stepGradient("grad(sum(w * stop_gradient(w) * x), w)", w), 1e-12);
    assertEquals(4 * w * sumX, stepGradient("w * grad(sum(w * w * x), w)", w), 1e-12);
  }

  /** The training step's gradient of the scalar parameter w for the loss, through the whole pipeline. */
  private static double stepGradient(String loss, double w) {
    String text = "model t {\n  input x: f64[B, 3]\n  param w: f64[] = 1.0\n  loss = " + loss + "\n}\n";
    Compilation compiled = Frontend.compile(SourceFile.of("t.nn", text));
    assertTrue(compiled.ok(), () -> compiled.diagnostics().format());
    List<Pipeline.StageResult> stages = Pipeline.training().run(compiled.models().get(0).graph(), true);
    Graph graph = stages.get(stages.size() - 1).graph();
    Evaluation at = new Interpreter(graph).evaluate(Feed.of(Map.of("x", F64Tensor.matrix(new double[] {1, 2, 4})),
        Map.of("w", F64Tensor.scalar(w))));
    return at.value(graph.gradients().get("w")).item();
  }

  private static void check(String name, String body, String loss) {
    String text = "model " + name + " {\n  input x: f64[B, 4]\n  target y: f64[B, 3]\n"
        + body.indent(2) + "  loss = " + loss + "\n}\n";
    Compilation compiled = Frontend.compile(SourceFile.of(name + ".nn", text));
    assertTrue(compiled.ok(), () -> compiled.diagnostics().format() + "\n" + text);
    Graph forward = compiled.models().get(0).graph();
    ModelGradientTest.check(TrainingGraph.of(forward), 3);
    List<Pipeline.StageResult> stages = Pipeline.training().run(forward, true);
    ModelGradientTest.check(stages.get(stages.size() - 1).graph(), 3);
  }
}
