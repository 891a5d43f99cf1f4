package dev.adjoint.compiler.passes;

import static dev.adjoint.compiler.passes.PassTesting.assertIdenticalOnExtremes;
import static dev.adjoint.compiler.passes.PassTesting.assertLeftAlone;
import static dev.adjoint.compiler.passes.PassTesting.assertSameValues;
import static dev.adjoint.compiler.passes.PassTesting.compile;
import static dev.adjoint.compiler.passes.PassTesting.count;
import static dev.adjoint.compiler.passes.PassTesting.nodes;
import static dev.adjoint.compiler.passes.PassTesting.randomFeed;
import static dev.adjoint.compiler.passes.PassTesting.run;
import static dev.adjoint.compiler.passes.PassTesting.training;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Verifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code x @ transpose(w)} becomes a product reading w transposed (A·Bᵀ), and
 * {@code transpose(a) @ b} one reading a transposed (Aᵀ·B): no transpose is materialized.
 */
class TransposeFoldingTest {

  private static final String PROGRAM = """
      model t {
        input  x: f64[B, 3]
        target y: f64[B, 4]
        param  w: f64[2, 3]
        param  a: f64[5, 2]
        param  c: f64[5, 4]
        h = x @ transpose(w)
        output o = h @ (transpose(a) @ c)
        loss = mse(o, y)
      }
      """;

  private static Node matmulWith(Graph g, boolean transposeA, boolean transposeB) {
    List<Node> found = nodes(g, Op.MATMUL).stream()
        .filter(n -> n.attrs().equals(new Attrs.Matmul(transposeA, transposeB))).toList();
    assertEquals(1, found.size(), "matmuls with tA=" + transposeA + " tB=" + transposeB);
    return found.get(0);
  }

  @Test
  void transposedOperandsAreReadTransposed() {
    Graph forward = compile(PROGRAM);
    assertEquals(2, count(forward, Op.TRANSPOSE));
    Pass.Result r = run(new TransposeFolding(), forward);
    assertEquals(2, r.fired());
    Graph g = r.graph();
    assertEquals(0, count(g, Op.TRANSPOSE));
    Node ab = matmulWith(g, false, true);
    assertSame(g.source("x"), ab.input(0));
    assertSame(g.source("w"), ab.input(1));
    Node atb = matmulWith(g, true, false);
    assertSame(g.source("a"), atb.input(0));
    assertSame(g.source("c"), atb.input(1));
  }

  @Test
  void nearMissesAreLeftAlone() {
    // a plain product, and a transpose of rank 3 (a batch of matrices is not the A·Bᵀ kernel)
    assertLeftAlone(new TransposeFolding(), compile("""
        model t {
          input  x: f64[B, 3]
          param  w: f64[3, 2]
          param  k: f64[2, 3, 4]
          output o = x @ w
          output p = transpose(k) @ w
        }
        """));
  }

  @Test
  void valuesAreEqualForwardAndBackward() {
    Graph forward = compile(PROGRAM);
    Graph training = training(forward);
    Pass.Result r = run(new TransposeFolding(), training);
    assertTrue(r.fired() >= 2, "the forward products at least");
    for (int batch : new int[] {4, 1, 0}) {
      Feed feed = randomFeed(training, batch, 13 + batch);
      assertSameValues(training, r.graph(), feed);
    }
    // folded before differentiation, the products' own derivative rules make the backward
    assertSameValues(training, training(run(new TransposeFolding(), forward).graph()), randomFeed(training, 3, 1));
  }

  @Test
  void theBackwardOfADenseLayerHasNoTranspose() {
    Graph forward = compile("""
        model t {
          input  x: f64[B, 3]
          target y: class[B] of 2
          h = dense(x, 4, act = relu)
          output p = softmax(dense(h, 2))
          loss = cross_entropy(p, y)
        }
        """);
    Graph g = Pipeline.training().apply(forward);
    Verifier.check(g, "after the training pipeline");
    assertEquals(0, count(g, Op.TRANSPOSE));
    assertEquals(2, nodes(g, Op.MATMUL).stream().filter(n -> n.attrs(Attrs.Matmul.class).transposeA()).count(),
        "the weights' gradients xᵀ·g");
    assertEquals(1, nodes(g, Op.MATMUL).stream().filter(n -> n.attrs(Attrs.Matmul.class).transposeB()).count(),
        "the hidden layer's cotangent g·Wᵀ");
  }

  /**
   * The A·Bᵀ and Aᵀ·B products multiply the same pairs and sum them in the same order (the
   * inner index ascending from 0) as the product of the materialized transpose, so values
   * are bit for bit the same on extreme inputs, with B = 5, 1 and 0 (the weights' gradient
   * xᵀ·g over an empty batch is the zero matrix both ways), forward and backward.
   */
  @Test
  void extremeInputsGiveIdenticalValues() {
    Graph forward = compile(PROGRAM);
    Graph training = training(forward);
    assertIdenticalOnExtremes(forward, run(new TransposeFolding(), forward).graph(), 30);
    assertIdenticalOnExtremes(training, run(new TransposeFolding(), training).graph(), 40);
    assertIdenticalOnExtremes(training, training(run(new TransposeFolding(), forward).graph()), 50);
  }

  /**
   * Attention's scores {@code q @ transpose(k)} and a product with a transposed left operand,
   * through the training pipeline: no transpose is left, forward or backward (k's gradient is
   * the product gᵀ·q rather than a transposed copy of qᵀ·g), and the values are those of the
   * graph before the pipeline at batches of 3, 1 and 0.
   */
  @Test
  void batchedProductsFoldTheirTransposesForwardAndBackward() {
    Graph forward = compile("""
        model t {
          input  q: f64[B, 3, 4]
          input  k: f64[B, 5, 4]
          target y: f64[B]
          param  w: f64[4, 4]
          s = (q @ w) @ transpose(k @ w)
          r = transpose(s) @ (q @ w)
          loss = mse(sum(s, axis = (1, 2)) + sum(r, axis = (1, 2)), y)
        }
        """);
    assertEquals(2, count(forward, Op.TRANSPOSE));
    Graph training = training(forward);
    Graph g = Pipeline.training().apply(forward);
    Verifier.check(g, "after the training pipeline");
    assertEquals(0, count(g, Op.TRANSPOSE), "transposes left in the training graph");
    assertTrue(count(g, Op.BATCH_MATMUL) >= 4, "the batched products and their cotangents");
    for (int batch : new int[] {3, 1, 0}) {
      assertSameValues(training, run(new TransposeFolding(), training).graph(), randomFeed(training, batch, 7 + batch));
    }
  }
}
