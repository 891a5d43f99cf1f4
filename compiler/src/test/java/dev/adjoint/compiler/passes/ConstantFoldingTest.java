package dev.adjoint.compiler.passes;

import static dev.adjoint.compiler.passes.PassTesting.assertClose;
import static dev.adjoint.compiler.passes.PassTesting.assertIdenticalOnExtremes;
import static dev.adjoint.compiler.passes.PassTesting.assertLeftAlone;
import static dev.adjoint.compiler.passes.PassTesting.assertSameValues;
import static dev.adjoint.compiler.passes.PassTesting.compile;
import static dev.adjoint.compiler.passes.PassTesting.count;
import static dev.adjoint.compiler.passes.PassTesting.randomFeed;
import static dev.adjoint.compiler.passes.PassTesting.run;
import static dev.adjoint.compiler.passes.PassTesting.training;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Elementwise ops on constants, casts of constants and element counts of shapes without
 * the batch dimension become the constants they compute, with the interpreter's own
 * arithmetic (integer division truncates).
 */
class ConstantFoldingTest {

  private static final String PROGRAM = """
      model t {
        input  x: f64[B, 3]
        target y: f64[B, 2]
        param  w: f64[3, 2]
        output o = x @ w * exp(f64(1)) + f64(sqrt(2))
        loss = mse(o, y) + 0.01 * mean(w ** 2)
      }
      """;

  @Test
  void castsAndFunctionsOfConstantsFold() {
    Graph forward = compile("model t {\n  input x: f64[B, 3]\n  output o = x * exp(f64(1))\n}\n");
    Pass.Result r = run(new ConstantFolding(), forward);
    assertEquals(2, r.fired(), "the cast, then the exponential of its result");
    Graph g = r.graph();
    assertEquals(0, count(g, Op.CAST));
    assertEquals(0, count(g, Op.EXP));
    Double folded = Patterns.constant(g.outputs().get("o").input(1));
    assertNotNull(folded, "the factor is a constant");
    assertClose(Math.E, folded, 1e-15, "e");
  }

  @Test
  void theCountOfAShapeWithoutTheBatchFolds() {
    Graph forward = compile(PROGRAM);
    assertEquals(2, count(forward, Op.COUNT), "the mean of the error over [B, 2], of w over [3, 2]");
    Graph g = run(new ConstantFolding(), forward).graph();
    assertEquals(1, count(g, Op.COUNT), "B is known at run time only");
    Node mean = g.nodes().stream().filter(n -> n.op() == Op.DIV && n.input(0).op() == Op.REDUCE_SUM
        && n.input(0).input(0).op() == Op.POW).findFirst().orElseThrow();
    assertEquals(6.0, (double) Patterns.constant(mean.input(1)), "3 · 2 elements of w");
  }

  @Test
  void integerArithmeticTruncatesAsTheInterpreterDoes() {
    SourceSpan span = SourceSpan.synthetic("t");
    NodeBuilder b = NodeBuilder.start(span, 0);
    Node x = b.node(Op.INPUT, List.of(), new Attrs.Input("x", ScalarType.F64, Shape.of(Shape.BATCH, 3), false, 0,
        List.of()));
    Node quotient = b.div(b.constant(-7, ScalarType.I32), b.constant(2, ScalarType.I32));
    Node sevenths = b.broadcastTo(b.constant(1, ScalarType.F64), Shape.of(3));
    Graph g = Graph.builder("t", span).input(x)
        .output("o", b.add(x, b.cast(quotient, ScalarType.F64)))
        .output("v", b.div(sevenths, b.broadcastTo(b.constant(7, ScalarType.F64), Shape.of(3))))
        .build();
    Pass.Result r = run(new ConstantFolding(), g);
    assertEquals(3, r.fired(), "the division, the cast of its result, and 1/7 over a shape");
    assertEquals(-3.0, (double) Patterns.constant(r.graph().outputs().get("o").input(1)), "-7 / 2 truncates");
    Node v = r.graph().outputs().get("v");
    assertEquals(Op.BROADCAST, v.op(), "a folded tensor keeps its shape");
    assertEquals(Shape.of(3), v.shape());
    assertEquals(1.0 / 7, (double) Patterns.constant(v));
    assertSameValues(g, r.graph(), randomFeed(g, 2, 1));
  }

  @Test
  void nearMissesAreLeftAlone() {
    // a product with an input, and a count over the batch
    assertLeftAlone(new ConstantFolding(), compile("model t {\n  input x: f64[B, 3]\n  output o = mean(x * 2)\n}\n"));
    Graph noConstants = compile("model t {\n  input x: f64[B, 3]\n  output o = exp(x)\n}\n");
    assertLeftAlone(new ConstantFolding(), noConstants);
    assertSame(noConstants.outputs().get("o"), run(new ConstantFolding(), noConstants).graph().outputs().get("o"));
  }

  @Test
  void valuesAreUnchangedBeforeAndAfterDifferentiation() {
    Graph forward = compile(PROGRAM);
    Graph folded = run(new ConstantFolding(), forward).graph();
    for (int batch : new int[] {4, 1, 0}) {
      Feed feed = randomFeed(forward, batch, 60 + batch);
      assertSameValues(training(forward), training(folded), feed);
      Graph training = training(forward);
      assertSameValues(training, run(new ConstantFolding(), training).graph(), feed);
    }
  }

  /**
   * Constants whose arithmetic leaves the finite doubles: e^710 and 1e308·10 overflow to ∞,
   * e^-1000 and 1e-300·1e-300 underflow to 0, ∞ - ∞ is NaN, and 1e39 rounds to an f32 ∞.
   * Folded with the interpreter's own scalar arithmetic, they become exactly those constants.
   */
  private static final String OVERFLOW = """
      model t {
        input  x: f64[B, 3]
        target y: f64[B, 2]
        param  w: f64[3, 2]
        output big = x * exp(f64(710))
        output gone = x * exp(f64(-1000)) + f64(1e-300) * f64(1e-300)
        output nan = x + (f64(1e308) * f64(10) - exp(f64(1000)))
        output rounded = x * f64(f32(f64(1e39)))
        output o = x @ w * exp(f64(-1000)) + x @ w / exp(f64(-745))
        loss = mse(o, y) + mean(w ** 2) * exp(f64(-1000))
      }
      """;

  @Test
  void overflowingConstantsFoldToWhatTheInterpreterComputes() {
    Graph forward = compile(OVERFLOW);
    Pass.Result r = run(new ConstantFolding(), forward);
    Graph g = r.graph();
    assertEquals(0, count(g, Op.EXP));
    assertEquals(0, count(g, Op.CAST));
    assertEquals(Double.POSITIVE_INFINITY, (double) Patterns.constant(g.outputs().get("big").input(1)), "e^710");
    Node nan = g.outputs().get("nan").input(1);
    assertTrue(Double.isNaN(Patterns.constant(nan)), "∞ - ∞: " + nan);
    assertEquals(Double.POSITIVE_INFINITY, (double) Patterns.constant(g.outputs().get("rounded").input(1)),
        "1e39 as f32");
    Node gone = g.outputs().get("gone");
    assertEquals(0.0, (double) Patterns.constant(gone.input(1)), "1e-300 · 1e-300 underflows");
    assertEquals(0.0, (double) Patterns.constant(gone.input(0).input(1)), "e^-1000 underflows");
  }

  /**
   * Folded or not, ordinary and overflowing constants give bit for bit the same values on
   * extreme inputs (±1000, ±1e30, tiny, signed zeros; B = 5, 1, 0), forward and backward:
   * x·∞ is ±∞ or NaN, x·0 keeps its sign, and dividing by e^-745 (the smallest subnormal)
   * scales by 2^1074 both ways.
   */
  @Test
  void extremeInputsGiveIdenticalValues() {
    for (String program : new String[] {PROGRAM, OVERFLOW}) {
      Graph forward = compile(program);
      Graph folded = run(new ConstantFolding(), forward).graph();
      assertIdenticalOnExtremes(forward, folded, 60);
      assertIdenticalOnExtremes(training(forward), training(folded), 70);
      Graph training = training(forward);
      assertIdenticalOnExtremes(training, run(new ConstantFolding(), training).graph(), 80);
    }
  }
}
