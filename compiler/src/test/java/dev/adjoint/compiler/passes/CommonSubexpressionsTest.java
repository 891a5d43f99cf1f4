package dev.adjoint.compiler.passes;

import static dev.adjoint.compiler.passes.PassTesting.assertCloseOnExtremes;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Nodes computing the same op with the same attributes on the same inputs merge; two
 * dropouts are two draws on different streams and stay apart.
 */
class CommonSubexpressionsTest {

  private static Graph program(String body) {
    return compile("model t {\n  input x: f64[B, 3]\n  input u: f64[B, 3]\n" + body + "\n}\n");
  }

  @Test
  void duplicateSubexpressionsMerge() {
    Graph forward = program("  a = tanh(x) * 2\n  b = tanh(x) * 2\n  output o = a + b");
    assertEquals(2, count(forward, Op.TANH));
    Pass.Result r = run(new CommonSubexpressions(), forward);
    assertEquals(4, r.fired(), "the second tanh, constant 2, its broadcast and the product");
    Graph g = r.graph();
    assertEquals(1, count(g, Op.TANH));
    assertEquals(1, count(g, Op.MUL));
    assertEquals(1, count(g, Op.CONST));
    Node sum = g.outputs().get("o");
    assertSame(sum.input(0), sum.input(1));
    assertSameValues(forward, g, randomFeed(forward, 3, 1));
  }

  @Test
  void twoDropoutsAreTwoDrawsAndStayApart() {
    Graph forward = program("  output o = dropout(x, p = 0.5) - dropout(x, p = 0.5)");
    Pass.Result r = run(new CommonSubexpressions(), forward);
    assertTrue(r.fired() > 0, "the constants merge");
    Graph g = r.graph();
    List<Node> draws = nodes(g, Op.RANDOM_UNIFORM);
    assertEquals(2, draws.size());
    assertNotEquals(draws.get(0).attrs(Attrs.Random.class).stream(), draws.get(1).attrs(Attrs.Random.class).stream());
    assertEquals(2, count(g, Op.MODE_SWITCH));
    Feed feed = randomFeed(forward, 8, 2);
    assertSameValues(forward, g, feed);
    F64Tensor o = PassTesting.evaluate(g, feed).output("o");
    assertFalse(o.allClose(F64Tensor.zeros(8, 3), 0, 0), "two masks, not one: " + o);
  }

  @Test
  void theSameDrawMerges() {
    SourceSpan span = SourceSpan.synthetic("t");
    NodeBuilder b = NodeBuilder.start(span, 0);
    Node x = b.node(Op.INPUT, List.of(), new Attrs.Input("x", ScalarType.F64, Shape.of(Shape.BATCH, 3), false, 0,
        List.of()));
    Attrs.Random draw = new Attrs.Random(5, ScalarType.F64, Shape.of(Shape.BATCH, 3));
    Node first = b.node(Op.RANDOM_UNIFORM, List.of(), draw);
    Node second = b.node(Op.RANDOM_UNIFORM, List.of(), draw);
    Graph g = Graph.builder("t", span).input(x).output("o", b.add(b.mul(x, first), second)).build();
    Pass.Result r = run(new CommonSubexpressions(), g);
    assertEquals(1, r.fired());
    assertEquals(1, count(r.graph(), Op.RANDOM_UNIFORM));
    assertSameValues(g, r.graph(), randomFeed(g, 4, 3));
  }

  /**
   * Constants are compared as their attributes are, and a record compares doubles as
   * {@link Double#compare} does: 0.0 and -0.0 are two constants (x·0.0 and x·-0.0 differ in
   * sign), while two NaN constants are one.
   */
  @Test
  void zerosOfTwoSignsStayApartAndNaNsMerge() {
    SourceSpan span = SourceSpan.synthetic("t");
    NodeBuilder b = NodeBuilder.start(span, 0);
    Node x = b.node(Op.INPUT, List.of(), new Attrs.Input("x", ScalarType.F64, Shape.of(Shape.BATCH, 3), false, 0,
        List.of()));
    Graph g = Graph.builder("t", span).input(x)
        .output("p", b.mul(x, b.constant(0.0, x)))
        .output("q", b.mul(x, b.constant(-0.0, x)))
        .output("n", b.add(b.add(x, b.constant(Double.NaN, x)), b.add(x, b.constant(Double.NaN, x))))
        .build();
    Pass.Result r = run(new CommonSubexpressions(), g);
    assertEquals(2 + 1, r.fired(), "the second NaN constant, its broadcast and its sum");
    Graph merged = r.graph();
    assertEquals(3, count(merged, Op.CONST), "0.0, -0.0 and one NaN");
    Feed feed = PassTesting.feed(Map.of("x", F64Tensor.matrix(new double[] {1, -1000, 1e30})), Map.of());
    PassTesting.assertIdenticalValues(g, merged, feed, "signed zeros");
    F64Tensor q = PassTesting.evaluate(merged, feed).output("q");
    assertEquals(-0.0, q.get(0, 0));
    assertEquals(0.0, q.get(0, 1));
  }

  @Test
  void nearMissesAreLeftAlone() {
    // the same op with other attributes, or on other inputs, or with other constants
    assertLeftAlone(new CommonSubexpressions(), program(
        "  output a = sum(x, axis = 0)\n  output b = sum(x, axis = 1)\n  output c = tanh(x) * 2 + tanh(u) * 3"));
  }

  private static final String TRAINING = """
      model t {
        input  x: f64[B, 3]
        target y: class[B] of 3
        h = dense(x, 4, act = tanh)
        g = dropout(h, p = 0.3) + dropout(h, p = 0.3)
        output p = softmax(dense(g, 3))
        loss = cross_entropy(p, y) + cross_entropy(softmax(dense(g, 3)), y)
      }
      """;

  @Test
  void trainingValuesAreUnchanged() {
    Graph forward = compile(TRAINING);
    Graph merged = run(new CommonSubexpressions(), forward).graph();
    Graph training = training(forward);
    Pass.Result again = run(new CommonSubexpressions(), training);
    assertTrue(again.fired() > 0, "differentiation builds duplicates too");
    for (int batch : new int[] {5, 1, 0}) {
      Feed feed = randomFeed(forward, batch, 70 + batch);
      assertSameValues(training, training(merged), feed);
      assertSameValues(training, again.graph(), feed);
    }
  }

  /**
   * Merging is exact: the kept node computes what its duplicate computed, so on extreme inputs
   * (±1000, ±1e30, tiny, signed zeros; B = 5, 1, 0) every value is bit for bit the same, where
   * the logits overflow the softmax too. Merged before differentiation, a node used twice
   * gets one cotangent g₁ + g₂ where its duplicates got g₁ and g₂ and added them further down,
   * after the chain rule: a·(g₁ + g₂) against a·g₁ + a·g₂, which rounds differently, so those
   * gradients agree within the default tolerances ({@link PassTesting#RTOL}), not bit for bit.
   */
  @Test
  void extremeInputsGiveIdenticalValues() {
    Graph duplicates = program("  a = tanh(x) * 2 + exp(u)\n  b = tanh(x) * 2 + exp(u)\n  output o = a / b");
    assertIdenticalOnExtremes(duplicates, run(new CommonSubexpressions(), duplicates).graph(), 70);
    Graph forward = compile(TRAINING);
    Graph merged = run(new CommonSubexpressions(), forward).graph();
    assertIdenticalOnExtremes(forward, merged, 80);
    Graph training = training(forward);
    assertIdenticalOnExtremes(training, run(new CommonSubexpressions(), training).graph(), 90);
    assertCloseOnExtremes(training, training(merged), 100, PassTesting.RTOL, PassTesting.ATOL);
  }
}
