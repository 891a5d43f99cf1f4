package dev.adjoint.compiler.passes;

import static dev.adjoint.compiler.passes.PassTesting.assertLeftAlone;
import static dev.adjoint.compiler.passes.PassTesting.assertSameTensor;
import static dev.adjoint.compiler.passes.PassTesting.compile;
import static dev.adjoint.compiler.passes.PassTesting.count;
import static dev.adjoint.compiler.passes.PassTesting.nodes;
import static dev.adjoint.compiler.passes.PassTesting.randomFeed;
import static dev.adjoint.compiler.passes.PassTesting.run;
import static dev.adjoint.compiler.passes.PassTesting.runAll;
import static dev.adjoint.compiler.passes.PassTesting.training;
import static dev.adjoint.compiler.passes.PassTesting.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Inverted dropout multiplies by a keep-mask {@code u >= p} and by {@code 1/(1 - p)}; after
 * differentiation the backward pass does the same. Folding replaces both factors, forward
 * and backward, by one DROPOUT_MASK holding 0 or 1/(1 - p), with exactly the same values
 * for the same seed and step.
 */
class DropoutScaleFoldingTest {

  private static final String ONE = """
      model t {
        input  x: f64[B, 3]
        target y: f64[B, 2]
        h = dropout(dense(x, 4, act = relu), p = 0.25)
        output o = dense(h, 2)
        loss = mse(o, y)
      }
      """;

  private static final String TWO = """
      model t {
        input  x: f64[B, 3]
        target y: f64[B, 2]
        h = dropout(dense(x, 4, act = relu), p = 0.25)
        g = dropout(dense(h, 4, act = tanh), p = 0.1)
        output o = dense(g, 2)
        loss = mse(o, y)
      }
      """;

  /** Folding, then CSE as the pipeline runs it: the forward and backward masks are the same draw. */
  private static Graph folded(Graph training) {
    return runAll(training, new DropoutScaleFolding(), new CommonSubexpressions());
  }

  private static List<Node> users(Graph g, Node node) {
    List<Node> users = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (n.inputs().contains(node)) {
        users.add(n);
      }
    }
    return users;
  }

  @Test
  void theForwardAndBackwardMultiplyByOneMask() {
    Graph training = training(compile(ONE));
    int stream = nodes(training, Op.RANDOM_UNIFORM).get(0).attrs(Attrs.Random.class).stream();
    Pass.Result r = run(new DropoutScaleFolding(), training);
    assertEquals(2, r.fired(), "(x·keep)·s forward and (g·s)·keep backward");
    Graph g = run(new CommonSubexpressions(), r.graph()).graph();
    Node mask = PassTesting.only(g, Op.DROPOUT_MASK);
    Attrs.DropoutMask attrs = mask.attrs(Attrs.DropoutMask.class);
    assertEquals(stream, attrs.stream(), "the mask keeps the draw's stream");
    assertEquals(0.25, attrs.threshold());
    assertEquals(4.0 / 3, attrs.scale());
    List<Node> users = users(g, mask);
    assertEquals(2, users.size(), "the forward product and the backward product");
    List<Op> others = new ArrayList<>();
    for (Node user : users) {
      assertEquals(Op.MUL, user.op());
      others.add((Op) (user.input(0) == mask ? user.input(1).op() : user.input(0).op()));
    }
    // relu(x W + b)·mask forward; (g Wᵀ)·mask backward: one multiply each, nothing between
    assertEquals(List.of(Op.MAX, Op.MATMUL), others.stream().sorted().toList());
    assertEquals(0, count(g, Op.RANDOM_UNIFORM));
    assertEquals(0, count(g, Op.GREATER_EQUAL));
    for (Node c : nodes(g, Op.CONST)) {
      double v = c.attrs(Attrs.Fill.class).value();
      assertTrue(v != 4.0 / 3 && v != 0.25, "the dropout's constant " + v + " is left");
    }
  }

  @Test
  void valuesAreExactlyEqualAndTheMaskHoldsZeroOrTheScale() {
    Graph training = training(compile(ONE));
    Graph g = folded(training);
    Node mask = PassTesting.only(g, Op.DROPOUT_MASK);
    for (long step = 0; step < 3; step++) {
      Feed feed = randomFeed(training, 6, 40 + step).withRng(PassTesting.SEED, step);
      Map<String, F64Tensor> before = values(training, feed);
      Map<String, F64Tensor> after = values(g, feed);
      assertEquals(before.keySet(), after.keySet());
      before.forEach((name, t) -> assertSameTensor(t, after.get(name), name));
      F64Tensor m = PassTesting.evaluate(g, feed).value(mask);
      int zeros = 0;
      for (double v : m.data()) {
        assertTrue(v == 0 || v == 4.0 / 3, "mask value " + v);
        zeros += v == 0 ? 1 : 0;
      }
      assertTrue(zeros > 0 && zeros < m.size(), "some dropped, some kept: " + m);
    }
  }

  @Test
  void twoDropoutsGiveTwoMasksOnDifferentStreams() {
    Graph training = training(compile(TWO));
    Pass.Result r = run(new DropoutScaleFolding(), training);
    assertEquals(4, r.fired());
    Graph g = run(new CommonSubexpressions(), r.graph()).graph();
    List<Node> masks = nodes(g, Op.DROPOUT_MASK);
    assertEquals(2, masks.size());
    assertNotEquals(masks.get(0).attrs(Attrs.DropoutMask.class).stream(),
        masks.get(1).attrs(Attrs.DropoutMask.class).stream());
    assertEquals(0, count(g, Op.RANDOM_UNIFORM));
    Attrs.DropoutMask second = masks.stream().map(m -> m.attrs(Attrs.DropoutMask.class))
        .filter(a -> a.scale() != 4.0 / 3).findFirst().orElseThrow();
    assertEquals((float) 0.1, second.threshold(), "the f32-rounded threshold the graph compares against");
    assertEquals(1 / 0.9, second.scale());
    Feed feed = randomFeed(training, 5, 3);
    Map<String, F64Tensor> before = values(training, feed);
    Map<String, F64Tensor> after = values(g, feed);
    before.forEach((name, t) -> assertSameTensor(t, after.get(name), name));
  }

  @Test
  void aDropoutOfAProductStaysExact() {
    // silu(z) = z·σ(z): the keep-mask and the scale multiply a product, forward and backward
    for (String inner : new String[] {"silu(dense(x, 4))", "dense(x, 4) * dense(x, 4)"}) {
      Graph training = training(compile(ONE.replace("dense(x, 4, act = relu)", inner)));
      Graph g = folded(training);
      assertEquals(1, count(g, Op.DROPOUT_MASK), inner);
      assertEquals(0, count(g, Op.RANDOM_UNIFORM), inner);
      Feed feed = randomFeed(training, 7, 9);
      Map<String, F64Tensor> before = values(training, feed);
      Map<String, F64Tensor> after = values(g, feed);
      before.forEach((name, t) -> assertSameTensor(t, after.get(name), inner + ": " + name));
    }
  }

  @Test
  void nothingFoldsInAModelWithoutDropoutOrInItsInferenceGraph() {
    assertLeftAlone(new DropoutScaleFolding(), training(compile(ONE.replace("p = 0.25", "p = 0"))));
    assertLeftAlone(new DropoutScaleFolding(), run(new InferenceExtraction(false), compile(ONE)).graph());
  }

  /** A graph computing {@code f(x, u)} from an input x and a uniform draw u, built by hand. */
  private static Graph handBuilt(Function<NodeBuilder, Function<Node, Node>> body) {
    SourceSpan span = SourceSpan.synthetic("t");
    NodeBuilder b = NodeBuilder.start(span, 0);
    Node x = b.node(Op.INPUT, List.of(), new Attrs.Input("x", ScalarType.F64, Shape.of(Shape.BATCH, 4), false, 0,
        List.of()));
    return Graph.builder("t", span).input(x).output("o", body.apply(b).apply(x)).build();
  }

  @Test
  void nearMissesAreLeftAlone() {
    // a keep-mask without its scale
    assertLeftAlone(new DropoutScaleFolding(), handBuilt(b -> x -> b.mul(x,
        b.greaterEqual(b.randomUniform(x.shape(), x.dtype()), b.constant(0.5, x)))));
    // a scale that does not undo the threshold: 3 · (1 - 0.5) != 1
    assertLeftAlone(new DropoutScaleFolding(), handBuilt(b -> x -> b.scale(b.mul(x,
        b.greaterEqual(b.randomUniform(x.shape(), x.dtype()), b.constant(0.5, x))), 3)));
    // a threshold that is not a constant
    assertLeftAlone(new DropoutScaleFolding(), handBuilt(b -> x -> b.scale(b.mul(x,
        b.greaterEqual(b.randomUniform(x.shape(), x.dtype()), x)), 2)));
    // a comparison of something else than a draw
    assertLeftAlone(new DropoutScaleFolding(), handBuilt(b -> x -> b.scale(b.mul(x,
        b.greaterEqual(b.exp(x), b.constant(0.5, x))), 2)));
  }

  /**
   * On extreme inputs (±1000, ±1e30, tiny, signed zeros; B = 5, 1, 0) the folded mask gives
   * the same bits: x·1·s is x·s and x·0·s is x·0, with its sign, as x·mask is; a kept element
   * whose x·s overflows overflows both ways.
   */
  @Test
  void extremeInputsGiveIdenticalValues() {
    for (String program : new String[] {ONE, TWO}) {
      Graph training = training(compile(program));
      PassTesting.assertIdenticalOnExtremes(training, folded(training), 60);
    }
  }

  /**
   * The one input on which folding changes a value: a cotangent g so large that g·s
   * overflows (|g| &gt; 9e307 for s = 2) at an element the mask drops. As written the
   * backward computes (g·s)·0 = ∞·0 = NaN there, which the weight's gradient sums into NaN;
   * folded it computes g·0 = 0, the exact derivative of a dropped element. Everywhere else,
   * forward included ((x·keep)·s overflows exactly where x·mask does), the bits are the same.
   */
  @Test
  void anOverflowingCotangentAtADroppedElementIsZeroInsteadOfNaN() {
    Graph training = training(compile("""
        model t {
          input  x: f64[B, 3]
          input  t: f64[B, 3]
          param  w: f64[3] = ones
          output h = dropout(x * w, p = 0.5)
          loss = sum(h * t)
        }
        """));
    Graph g = folded(training);
    Map<String, F64Tensor> params = Map.of("w", F64Tensor.vector(1, 1, 1));
    Feed ones = PassTesting.feed(Map.of("x", F64Tensor.fill(new int[] {4, 3}, 1), "t", F64Tensor.fill(new int[] {4, 3}, 1)),
        params);
    double[] mask = PassTesting.evaluate(g, ones).value(PassTesting.only(g, Op.DROPOUT_MASK)).data();
    double[] t = new double[mask.length];
    int dropped = -1;
    for (int i = 0; i < t.length; i++) {
      t[i] = mask[i] == 0 ? 1.5e308 : 1;
      dropped = mask[i] == 0 && dropped < 0 ? i : dropped;
    }
    assertTrue(dropped >= 0, "some element is dropped: " + F64Tensor.of(new int[] {4, 3}, mask));
    Feed feed = PassTesting.feed(Map.of("x", F64Tensor.fill(new int[] {4, 3}, 1), "t", F64Tensor.of(new int[] {4, 3}, t)),
        params);
    Map<String, F64Tensor> before = values(training, feed);
    Map<String, F64Tensor> after = values(g, feed);
    assertSameTensor(before.get("output h"), after.get("output h"), "the forward");
    assertSameTensor(before.get("loss"), after.get("loss"), "the loss");
    double wasGradient = before.get("grad w").flat(dropped % 3);
    double isGradient = after.get("grad w").flat(dropped % 3);
    assertTrue(Double.isNaN(wasGradient), "(g·s)·0 with g·s = ∞: " + before.get("grad w"));
    double kept = 0;
    for (int b = 0; b < 4; b++) {
      kept += mask[b * 3 + dropped % 3];
    }
    assertEquals(kept, isGradient, "the kept elements' 2 each, and 0 for the dropped ones");
  }
}
