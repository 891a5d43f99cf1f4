package dev.adjoint.compiler.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.golden.Golden;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Verifier;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.testing.RandomFeeds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The gradient of every example's and valid program's loss with respect to all its
 * parameters agrees with central finite differences through the interpreter, along a
 * random direction, in training mode (dropout masks fixed by seed and step).
 */
class ModelGradientTest {

  @TestFactory
  Stream<DynamicTest> everyModelsGradientAgreesWithFiniteDifferences() {
    List<Path> files = new ArrayList<>(Golden.nnFiles(Golden.repo().resolve("examples")));
    files.addAll(Golden.nnFiles(Golden.resources().resolve("programs/valid")));
    return files.stream().map(nn -> DynamicTest.dynamicTest(Golden.repo().relativize(nn).toString(), () -> {
      Compilation c = Frontend.compile(SourceFile.read(nn, nn.getFileName().toString()));
      assertTrue(c.ok(), c.diagnostics().format());
      for (ModelUnit unit : c.models()) {
        if (unit.graph().loss() != null) {
          check(TrainingGraph.of(unit.graph()));
        }
      }
    }));
  }

  private static void check(Graph graph) {
    check(graph, 3);
  }

  /** The gradient of a differentiated graph's loss along a random direction, on a batch of {@code batch}. */
  static void check(Graph graph, int batch) {
    Verifier.check(graph, "after differentiation");
    assertEquals(graph.params().size(), graph.gradients().size());
    Random random = new Random(graph.name().hashCode());
    Map<String, F64Tensor> inputs = RandomFeeds.inputs(graph, batch, random);
    Map<String, F64Tensor> theta = RandomFeeds.params(graph, random, 0.5);
    Map<String, F64Tensor> v = RandomFeeds.params(graph, random, 1.0);
    Interpreter interpreter = new Interpreter(graph);
    Evaluation at = interpreter.evaluate(Feed.of(inputs, theta).withRng(3, 4));
    double reverse = 0;
    for (Node p : graph.params()) {
      reverse += GradientChecker.dot(at.value(graph.gradients().get(p.sourceName())), v.get(p.sourceName()));
    }
    // a tenth of the primitive checks' step: a CNN has tens of thousands of ReLUs, and the
    // wider step moves some across their kink, off the gradient by about 1e-4 relative
    double eps = GradientChecker.EPSILON / 10;
    double plus = interpreter.evaluate(Feed.of(inputs, GradientChecker.shifted(theta, v, eps)).withRng(3, 4))
        .loss().item();
    double minus = interpreter.evaluate(Feed.of(inputs, GradientChecker.shifted(theta, v, -eps)).withRng(3, 4))
        .loss().item();
    double fd = (plus - minus) / (2 * eps);
    assertTrue(Math.abs(reverse - fd) <= GradientChecker.TOLERANCE * (1 + Math.abs(fd)),
        graph.name() + ": gradient·v = " + reverse + ", finite differences " + fd);
  }
}
