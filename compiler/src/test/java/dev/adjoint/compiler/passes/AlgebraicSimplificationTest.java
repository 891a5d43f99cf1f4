package dev.adjoint.compiler.passes;

import static dev.adjoint.compiler.passes.PassTesting.assertCloseOnExtremes;
import static dev.adjoint.compiler.passes.PassTesting.assertIdenticalOnExtremes;
import static dev.adjoint.compiler.passes.PassTesting.assertLeftAlone;
import static dev.adjoint.compiler.passes.PassTesting.assertSameValues;
import static dev.adjoint.compiler.passes.PassTesting.compile;
import static dev.adjoint.compiler.passes.PassTesting.evaluate;
import static dev.adjoint.compiler.passes.PassTesting.feed;
import static dev.adjoint.compiler.passes.PassTesting.randomFeed;
import static dev.adjoint.compiler.passes.PassTesting.run;
import static dev.adjoint.compiler.passes.PassTesting.training;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Init;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ParamRole;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Each identity of the pass's Javadoc fires on the expression the language builds for it,
 * and leaves the simpler form computing the same values; x·0 is left alone, since it is
 * NaN, not 0, for an infinite x.
 */
class AlgebraicSimplificationTest {

  private static Graph program(String output) {
    return compile("model t {\n  input x: f64[B, 3]\n  input u: f64[B, 3]\n  param m: f64[3, 3]\n"
        + "  param k: f64[2, 3, 4]\n  output o = " + output + "\n}\n");
  }

  /**
   * Simplifies {@code output}, checks what the output became, and that the values did not
   * change: for random inputs, and bit for bit on extreme ones (±1000, ±1e30, ±1e-300, the
   * smallest subnormal, signed zeros; B = 5, 1, 0): x·1, x/1, x^1, x·(-1), -(-x), x ± (-y),
   * x^2 = x·x (Math.pow squares exactly) and the movements compute exactly what they replace.
   */
  private static void check(String output, BiFunction<Graph, Node, Boolean> expected, String what) {
    Graph g = simplified(output, expected, what);
    assertIdenticalOnExtremes(program(output), g, output.hashCode());
  }

  /**
   * As {@link #check} for x + 0, 0 + x and 0 - x, which are exact except for the sign of a
   * zero: -0.0 + 0 is 0.0, not -0.0, and 0 - 0.0 is 0.0, not -0.0. On extreme inputs the
   * values agree as numbers (0.0 == -0.0; NaN with NaN, each infinity with itself).
   */
  private static void checkUpToTheSignOfZero(String output, BiFunction<Graph, Node, Boolean> expected, String what) {
    Graph g = simplified(output, expected, what);
    assertCloseOnExtremes(program(output), g, output.hashCode(), 0, 0);
  }

  private static Graph simplified(String output, BiFunction<Graph, Node, Boolean> expected, String what) {
    Graph before = program(output);
    Pass.Result r = run(new AlgebraicSimplification(), before);
    Graph g = r.graph();
    Node o = g.outputs().get("o");
    assertEquals(1, r.fired(), output);
    assertTrue(expected.apply(g, o), output + " should become " + what + ", got " + o);
    for (int batch : new int[] {3, 0}) {
      assertSameValues(before, g, randomFeed(before, batch, batch + 1));
    }
    return g;
  }

  private static boolean isOp(Node n, Op op, Node... inputs) {
    return n.op() == op && n.inputs().equals(List.of(inputs));
  }

  @Test
  void additiveIdentities() {
    checkUpToTheSignOfZero("x + 0", (g, o) -> o == g.source("x"), "x");
    checkUpToTheSignOfZero("0 + x", (g, o) -> o == g.source("x"), "x");
    check("x - 0", (g, o) -> o == g.source("x"), "x");
    checkUpToTheSignOfZero("0 - x", (g, o) -> isOp(o, Op.NEG, g.source("x")), "-x");
  }

  /**
   * The one thing x + 0 → x and 0 - x → -x change: the sign of a zero, which compares equal
   * and shows only through a division by it (1/-0.0 is -∞). IEEE-strict compilers fold
   * neither (LLVM needs no-signed-zeros); like PyTensor, Adjoint does, since a neural
   * network's values never depend on it.
   */
  @Test
  void theSignOfAZeroIsAllThatAnAdditiveIdentityChanges() {
    for (String output : new String[] {"x + 0", "0 - x"}) {
      Graph before = program(output);
      Graph after = run(new AlgebraicSimplification(), before).graph();
      Feed feed = feed(Map.of("x", F64Tensor.matrix(new double[] {output.startsWith("0") ? 0.0 : -0.0, 1e30, -1000}),
          "u", F64Tensor.zeros(1, 3)), Map.of());
      F64Tensor was = evaluate(before, feed).output("o");
      F64Tensor is = evaluate(after, feed).output("o");
      assertEquals(0.0, was.get(0, 0), output);
      assertEquals(-0.0, is.get(0, 0), output);
      assertTrue(is.allClose(was, 0, 0), output + ": " + is + " against " + was);
    }
  }

  @Test
  void multiplicativeIdentities() {
    check("x * 1", (g, o) -> o == g.source("x"), "x");
    check("1 * x", (g, o) -> o == g.source("x"), "x");
    check("x * -1", (g, o) -> isOp(o, Op.NEG, g.source("x")), "-x");
    check("-1 * x", (g, o) -> isOp(o, Op.NEG, g.source("x")), "-x");
    check("x / 1", (g, o) -> o == g.source("x"), "x");
    check("x ** 1", (g, o) -> o == g.source("x"), "x");
    check("x ** 2", (g, o) -> isOp(o, Op.MUL, g.source("x"), g.source("x")), "x·x");
  }

  @Test
  void negations() {
    check("-(-x)", (g, o) -> o == g.source("x"), "x");
    check("x + -u", (g, o) -> isOp(o, Op.SUB, g.source("x"), g.source("u")), "x - u");
    check("-u + x", (g, o) -> isOp(o, Op.SUB, g.source("x"), g.source("u")), "x - u");
    check("x - -u", (g, o) -> isOp(o, Op.ADD, g.source("x"), g.source("u")), "x + u");
  }

  @Test
  void movements() {
    check("transpose(transpose(m))", (g, o) -> o == g.source("m"), "m");
    check("transpose(k, perm = (0, 1, 2))", (g, o) -> o == g.source("k"), "k");
    check("transpose(transpose(k, perm = (1, 2, 0)), perm = (1, 2, 0))",
        (g, o) -> isOp(o, Op.TRANSPOSE, g.source("k"))
            && o.attrs(Attrs.Permutation.class).perm().equals(List.of(2, 0, 1)), "one transpose by (2, 0, 1)");
    check("reshape(reshape(x, (B, 3, 1)), (B, 1, 3))",
        (g, o) -> isOp(o, Op.RESHAPE, g.source("x")) && o.shape().equals(Shape.of(Shape.BATCH, 1, 3)),
        "one reshape");
  }

  /** A graph with an input x: f64[B, 3] and a parameter v: f64[3], whose output is built by hand. */
  private static Graph handBuilt(BiFunction<NodeBuilder, Node[], Node> output) {
    SourceSpan span = SourceSpan.synthetic("t");
    NodeBuilder b = NodeBuilder.start(span, 0);
    Node x = b.node(Op.INPUT, List.of(), new Attrs.Input("x", ScalarType.F64, Shape.of(Shape.BATCH, 3), false, 0,
        List.of()));
    Node v = b.node(Op.PARAM, List.of(), new Attrs.Param("v", ScalarType.F64, Shape.of(3),
        Init.of(Init.Kind.ZEROS), ParamRole.BIAS));
    return Graph.builder("t", span).input(x).param(v).output("o", output.apply(b, new Node[] {x, v})).build();
  }

  @Test
  void broadcastsAndModeSwitchesTheLanguageDoesNotSpellOut() {
    Shape twoBy = Shape.of(2, 3);
    Shape fourByTwoBy = Shape.of(4, 2, 3);
    Graph nested = handBuilt((b, s) -> b.broadcastTo(b.broadcastTo(s[1], twoBy), fourByTwoBy));
    Pass.Result r = run(new AlgebraicSimplification(), nested);
    assertEquals(1, r.fired());
    Node o = r.graph().outputs().get("o");
    assertTrue(isOp(o, Op.BROADCAST, r.graph().source("v")) && o.shape().equals(fourByTwoBy), o.toString());
    Feed feed = feed(Map.of("x", F64Tensor.zeros(1, 3)), Map.of("v", F64Tensor.vector(1, 2, 3)));
    assertSameValues(nested, r.graph(), feed);

    Graph same = handBuilt((b, s) -> b.node(Op.BROADCAST, List.of(s[0]), new Attrs.Target(s[0].shape())));
    Pass.Result r2 = run(new AlgebraicSimplification(), same);
    assertEquals(1, r2.fired());
    assertSame(r2.graph().source("x"), r2.graph().outputs().get("o"));

    Graph modes = handBuilt((b, s) -> {
      Node e = b.exp(s[0]);
      return b.modeSwitch(e, e);
    });
    Pass.Result r3 = run(new AlgebraicSimplification(), modes);
    assertEquals(1, r3.fired());
    assertEquals(Op.EXP, r3.graph().outputs().get("o").op());
  }

  @Test
  void nearMissesAreLeftAlone() {
    for (String output : new String[] {"x + 1", "x - u", "x * 2", "x / 2", "x ** 3", "-x", "transpose(m)",
        "reshape(x, (B, 3, 1))", "x * 0", "0 * x", "x * u"}) {
      assertLeftAlone(new AlgebraicSimplification(), program(output));
    }
  }

  @Test
  void timesZeroIsNotZeroForAnInfiniteInput() {
    Graph g = program("x * 0");
    assertLeftAlone(new AlgebraicSimplification(), g);
    Feed feed = feed(Map.of("x", F64Tensor.matrix(new double[] {Double.POSITIVE_INFINITY, Double.NaN, 2}),
        "u", F64Tensor.zeros(1, 3)), Map.of());
    F64Tensor o = evaluate(g, feed).output("o");
    assertTrue(Double.isNaN(o.get(0, 0)) && Double.isNaN(o.get(0, 1)) && o.get(0, 2) == 0, o.toString());
  }

  /**
   * x^2 → x·x computes the same square (Math.pow squares exactly), but the gradient becomes
   * the product's g·x + g·x = 2(g·x) in place of the power rule's g·(2x). The two are the same
   * bits except where 2x overflows while g·x does not (then the product's gradient is the
   * finite, right one) and where g·x is subnormal (then they round one subnormal step,
   * 4.9e-324, apart). On the extreme inputs of the other tests (up to ±1e30) the gradients
   * are bit for bit the same.
   */
  @Test
  void theGradientOfASquareChangesOnlyWhereTwiceXOverflowsOrTheProductIsSubnormal() {
    Graph forward = compile("model t {\n  input t: f64[B, 3]\n  param w: f64[3]\n  output o = w ** 2\n"
        + "  loss = sum(o * t)\n}\n");
    Graph before = training(forward);
    Graph after = training(run(new AlgebraicSimplification(), forward).graph());
    Feed feed = feed(Map.of("t", F64Tensor.matrix(new double[] {0.25, 0.4, 0.5})),
        Map.of("w", F64Tensor.vector(1e308, Double.MIN_VALUE, -1000)));
    Evaluation was = evaluate(before, feed);
    Evaluation is = evaluate(after, feed);
    assertEquals(was.output("o"), is.output("o"), "the squares: ∞, 0 and 1e6 both ways");
    assertEquals(F64Tensor.vector(Double.POSITIVE_INFINITY, Double.MIN_VALUE, -1000), PassTesting.gradient(before, was, "w"),
        "0.25 · (2 · 1e308) overflows; 0.4 · (2 · 4.9e-324) rounds up to 4.9e-324");
    assertEquals(F64Tensor.vector(0.5e308, 0, -1000), PassTesting.gradient(after, is, "w"),
        "0.25 · 1e308 doubled is 5e307; 0.4 · 4.9e-324 rounds to 0, doubled 0");
  }

  @Test
  void trainingValuesAreUnchanged() {
    Graph forward = compile("""
        model t {
          input  x: f64[B, 3]
          target y: f64[B, 3]
          param  m: f64[3, 3]
          h = tanh(x @ transpose(transpose(m)) * 1 + 0) ** 2
          output o = -(-h) - -x / 1
          loss = mse(o, y) + 0.5 * sum(m ** 2)
        }
        """);
    Pass.Result r = run(new AlgebraicSimplification(), forward);
    assertTrue(r.fired() >= 8, "fired " + r.fired());
    for (int batch : new int[] {4, 1, 0}) {
      Feed feed = randomFeed(forward, batch, 50 + batch);
      assertSameValues(training(forward), training(r.graph()), feed);
      Graph training = training(forward);
      assertSameValues(training, run(new AlgebraicSimplification(), training).graph(), feed);
    }
    Graph training = training(forward);
    assertIdenticalOnExtremes(training, training(r.graph()), 500);
    assertIdenticalOnExtremes(training, run(new AlgebraicSimplification(), training).graph(), 600);
  }

  /**
   * The identities the training test above leaves out, in a graph that is differentiated
   * (0 - a, x·(-1), x^1, x + (-y), -u + x, reshapes of reshapes): on extreme inputs
   * (±1000, ±1e30, tiny, signed zeros; B = 5, 1, 0) the outputs, loss and gradients agree
   * as numbers (0 - a may turn a 0.0 into -0.0), simplified before or after differentiation.
   */
  @Test
  void extremeInputsGiveTheSameOutputsLossAndGradients() {
    Graph forward = compile("""
        model t {
          input  x: f64[B, 3]
          input  u: f64[B, 3]
          target y: f64[B, 3]
          param  m: f64[3, 3]
          param  k: f64[3, 3]
          a = x @ m
          h = (0 - a) * -1 + (x @ k) ** 1 + reshape(reshape(reshape(a, (B, 3, 1)), (B, 1, 3)), (B, 3))
          output o = h + -u + (-a + x) * (1 * tanh(x @ k))
          loss = mse(o, y) + mean(k ** 1)
        }
        """);
    Pass.Result r = run(new AlgebraicSimplification(), forward);
    assertTrue(r.fired() >= 7, "fired " + r.fired());
    Graph training = training(forward);
    assertCloseOnExtremes(training, training(r.graph()), 700, 0, 0);
    assertCloseOnExtremes(training, run(new AlgebraicSimplification(), training).graph(), 800, 0, 0);
  }
}
