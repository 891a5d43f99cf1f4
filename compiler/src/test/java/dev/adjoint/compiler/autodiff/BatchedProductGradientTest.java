package dev.adjoint.compiler.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Verifier;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.testing.RandomFeeds;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Batched products as programs write them (@ over stacks of matrices, with broadcast batch
 * axes and transposes folded in; einsum's forms: batch letters, heads, sums over B, plain
 * products and transposes): the loss's gradient with respect to every parameter against f64
 * central differences along a random direction, at batches of 1 and 3.
 */
class BatchedProductGradientTest {
  private static final String[] PROGRAMS = {
    """
    model attention {
      input  x: f64[B, 3, 4]
      target y: f64[B]
      param  wq: f64[4, 4]
      param  wk: f64[4, 4]
      q = x @ wq
      k = x @ wk
      s = q @ transpose(k)
      o = s @ q + transpose(transpose(k) @ transpose(s))
      loss = mse(sum(o, axis = (1, 2)), y)
    }
    """,
    """
    model broadcast_batches {
      input  x: f64[B, 2, 3, 4]
      target y: f64[B]
      param  w: f64[2, 4, 5]
      param  u: f64[1, 5, 2]
      param  v: f64[3]
      h = x @ w @ u
      r = v @ h
      loss = mse(sum(r, axis = (1, 2)), y)
    }
    """,
    """
    model heads {
      input  x: f64[B, 2, 3, 4]
      target y: f64[B]
      param  w: f64[4, 5]
      param  u: f64[2, 3, 5]
      a = einsum("bhtd,de->bhte", x, w)
      s = einsum("bhte,hse->bhts", a, u)
      c = einsum("bhts,bhsd->bhtd", s, x)
      t = einsum("bhtd,bhsd->bhts", c, a @ transpose(w))
      loss = mse(sum(t, axis = (1, 2, 3)) + sum(einsum("bhtd->bd", c), axis = 1), y)
    }
    """,
    """
    model over_samples {
      input  x: f64[B, 3]
      target y: f64[B]
      param  w: f64[3, 2]
      param  m: f64[2, 3]
      h = x @ w
      g = einsum("bi,bj->ij", h, x)
      p = einsum("bi,ij->bj", x, transpose(g)) + einsum("ij,bj->bi", m, x @ transpose(m) @ m)
      q = einsum("bi,bi->b", p, h) + sum(einsum("ji,jk->ik", m, m))
      loss = mse(q, y)
    }
    """,
  };

  @TestFactory
  Stream<DynamicTest> gradientsAgreeWithCentralDifferences() {
    return Stream.of(PROGRAMS).flatMap(text -> Stream.of(1, 3).map(batch -> {
      String name = text.substring(text.indexOf("model ") + 6, text.indexOf(" {")) + " at batch " + batch;
      return DynamicTest.dynamicTest(name, () -> check(text, batch));
    }));
  }

  private static void check(String text, int batch) {
    Compilation c = Frontend.compile(SourceFile.of("products.nn", text));
    assertTrue(c.ok(), c.diagnostics().format());
    Graph graph = TrainingGraph.of(c.models().get(0).graph());
    Verifier.check(graph, "after differentiation");
    Random random = new Random(batch * 31L + text.length());
    Map<String, F64Tensor> inputs = RandomFeeds.inputs(graph, batch, random);
    Map<String, F64Tensor> theta = RandomFeeds.params(graph, random, 0.5);
    Map<String, F64Tensor> v = RandomFeeds.params(graph, random, 1.0);
    Interpreter interpreter = new Interpreter(graph);
    Evaluation at = interpreter.evaluate(Feed.of(inputs, theta));
    double reverse = 0;
    for (Node p : graph.params()) {
      reverse += GradientChecker.dot(at.value(graph.gradients().get(p.sourceName())), v.get(p.sourceName()));
    }
    double eps = GradientChecker.EPSILON;
    double plus = interpreter.evaluate(Feed.of(inputs, GradientChecker.shifted(theta, v, eps))).loss().item();
    double minus = interpreter.evaluate(Feed.of(inputs, GradientChecker.shifted(theta, v, -eps))).loss().item();
    double fd = (plus - minus) / (2 * eps);
    assertTrue(Math.abs(reverse - fd) <= GradientChecker.TOLERANCE * (1 + Math.abs(fd)),
        graph.name() + ": gradient·v = " + reverse + ", finite differences " + fd);
  }
}
