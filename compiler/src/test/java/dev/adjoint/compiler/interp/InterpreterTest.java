package dev.adjoint.compiler.interp;

import static dev.adjoint.compiler.interp.Fixtures.assertValues;
import static dev.adjoint.compiler.interp.Fixtures.dims;
import static dev.adjoint.compiler.interp.Fixtures.input;
import static dev.adjoint.compiler.interp.Fixtures.param;
import static dev.adjoint.compiler.interp.Fixtures.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whole-graph evaluation: roots, state, batch sizes and the checks on what is fed. */
class InterpreterTest {
  private final NodeBuilder gb = Fixtures.builder();

  /** y = x @ w + b, loss = mean(y), state update s' = s + 1. */
  private final Node x = input("x", ScalarType.F64, Shape.BATCH, 2);
  private final Node w = param("w", 2, 1);
  private final Node b = param("b", 1);
  private final Node s = state("s", 1.5, 3);
  private final Node y = gb.add(gb.matmul(x, w, false, false), b);
  private final Node loss = gb.meanAll(y);
  private final Graph graph = Graph.builder("linear", Fixtures.SPAN)
      .input(x).param(w).param(b).state(s)
      .output("y", y).loss(loss).stateUpdate("s", gb.shift(s, 1))
      .build();
  private final Map<String, F64Tensor> params = Map.of("w", F64Tensor.of(dims(2, 1), 1, -1), "b", F64Tensor.vector(10));

  private Evaluation run(F64Tensor xValue) {
    return new Interpreter(graph).evaluate(Feed.of(Map.of("x", xValue), params));
  }

  @Test
  void evaluatesOutputsLossAndStateUpdates() {
    Evaluation e = run(F64Tensor.of(dims(3, 2), 1, 2, 5, 3, 0, 0));
    assertValues(e.output("y"), dims(3, 1), 9, 12, 10);
    assertValues(e.loss(), dims(), (9 + 12 + 10) / 3.0);
    assertValues(e.stateUpdates().get("s"), dims(3), 2.5, 2.5, 2.5); // initial 1.5 + 1
    assertEquals(3, e.batch());
    assertEquals(List.of("y"), List.copyOf(e.outputs().keySet()));
    assertSame(e.output("y"), e.value(y));
  }

  @Test
  void fedStateOverridesTheInitialValue() {
    Feed feed = Feed.of(Map.of("x", F64Tensor.zeros(1, 2)), params).withStates(Map.of("s", F64Tensor.vector(1, 2, 3)));
    assertValues(new Interpreter(graph).evaluate(feed).stateUpdates().get("s"), dims(3), 2, 3, 4);
  }

  @Test
  void batchOfOne() {
    Evaluation e = run(F64Tensor.of(dims(1, 2), 4, 1));
    assertValues(e.output("y"), dims(1, 1), 13);
    assertValues(e.loss(), dims(), 13);
    assertEquals(1, e.batch());
  }

  @Test
  void emptyBatchMeanIsZeroNotNaN() {
    Evaluation e = run(F64Tensor.zeros(0, 2));
    assertValues(e.output("y"), dims(0, 1));
    assertValues(e.loss(), dims(), 0);
    assertEquals(0, e.batch());
  }

  @Test
  void graphWithoutLossHasNullLoss() {
    Graph noLoss = Fixtures.graphOf(gb.neg(x), x);
    Evaluation e = new Interpreter(noLoss).evaluate(Feed.of(Map.of("x", F64Tensor.zeros(2, 2)), Map.of()));
    assertNull(e.loss());
    assertTrue(e.stateUpdates().isEmpty());
  }

  @Test
  void evaluatesAnIntermediateNodeAlone() {
    Node product = y.input(0);
    Interpreter interpreter = new Interpreter(graph);
    Feed feed = Feed.of(Map.of("x", F64Tensor.of(dims(2, 2), 1, 2, 3, 4)), params);
    assertValues(interpreter.value(product, feed), dims(2, 1), -1, -1);
    Evaluation e = interpreter.evaluateNodes(List.of(product), feed);
    assertTrue(e.evaluated(w));
    assertFalse(e.evaluated(b));
    assertThrows(IllegalArgumentException.class, () -> e.value(b));
    assertTrue(e.outputs().isEmpty());
  }

  @Test
  void evaluatingANodeNeedsOnlyItsOwnSources() {
    // the bias is not fed, but x @ w does not need it
    Feed feed = Feed.of(Map.of("x", F64Tensor.of(dims(1, 2), 1, 1)), Map.of("w", F64Tensor.of(dims(2, 1), 2, 3)));
    assertValues(new Interpreter(graph).value(y.input(0), feed), dims(1, 1), 5);
  }

  @Test
  void wrongInputShapeNamesInputAndShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(F64Tensor.zeros(2, 4)));
    assertTrue(e.getMessage().contains("input 'x'"), e.getMessage());
    assertTrue(e.getMessage().contains("[2,2]"), e.getMessage());
    assertTrue(e.getMessage().contains("[2,4]"), e.getMessage());
  }

  @Test
  void wrongInputRankNamesDeclaredShape() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(F64Tensor.zeros(4)));
    assertTrue(e.getMessage().contains("input 'x' must have shape [B,2], got [4]"), e.getMessage());
  }

  @Test
  void batchSizesMustAgreeAcrossInputs() {
    Node target = input("t", ScalarType.I32, Shape.BATCH);
    Graph g = graph.toBuilder().input(target).output("t", target).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Interpreter(g).evaluate(
        Feed.of(Map.of("x", F64Tensor.zeros(2, 2), "t", F64Tensor.vector(0, 1, 2)), params)));
    assertTrue(e.getMessage().contains("input 't' must have shape [2]"), e.getMessage());
    assertTrue(e.getMessage().contains("got [3]"), e.getMessage());
  }

  @Test
  void batchIsReadFromTheBatchAxisWhereverItIs() {
    Node columns = input("cols", ScalarType.F64, 3, Shape.BATCH);
    Node rows = input("rows", ScalarType.F64, Shape.BATCH);
    Graph g = Fixtures.graphOf(gb.add(columns, rows), columns, rows);
    Evaluation e = new Interpreter(g).evaluate(Feed.of(
        Map.of("cols", F64Tensor.of(dims(3, 2), 1, 2, 3, 4, 5, 6), "rows", F64Tensor.vector(10, 20)), Map.of()));
    assertEquals(2, e.batch());
    assertValues(e.output("y"), dims(3, 2), 11, 22, 13, 24, 15, 26);
  }

  @Test
  void i32InputMustHoldIntegers() {
    Node ids = input("ids", ScalarType.I32, Shape.BATCH);
    Graph g = Fixtures.graphOf(gb.oneHot(ids, 3, ScalarType.F64), ids);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Interpreter(g).evaluate(Feed.of(Map.of("ids", F64Tensor.vector(1, 1.5)), Map.of())));
    assertTrue(e.getMessage().contains("input 'ids' is declared i32 but holds 1.5"), e.getMessage());
  }

  @Test
  void missingParameterIsNamed() {
    Feed feed = Feed.of(Map.of("x", F64Tensor.zeros(1, 2)), Map.of("w", F64Tensor.zeros(2, 1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Interpreter(graph).evaluate(feed));
    assertTrue(e.getMessage().contains("parameter 'b'"), e.getMessage());
    assertFalse(e.getMessage().contains("parameter 'w' f64"), e.getMessage());
  }

  @Test
  void missingInputsAreAllNamed() {
    Node other = input("other", ScalarType.F64, 2);
    Graph g = Fixtures.graphOf(gb.add(gb.sumAll(x), gb.sumAll(other)), x, other);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Interpreter(g).evaluate(Feed.of(Map.of("xx", F64Tensor.zeros(1, 2)), Map.of())));
    assertTrue(e.getMessage().contains("input 'x'"), e.getMessage());
    assertTrue(e.getMessage().contains("input 'other'"), e.getMessage());
    assertTrue(e.getMessage().contains("fed inputs: [xx]"), e.getMessage());
  }

  @Test
  void wrongParameterShapeIsNamed() {
    Feed feed = Feed.of(Map.of("x", F64Tensor.zeros(1, 2)), Map.of("w", F64Tensor.zeros(1, 2), "b", F64Tensor.vector(0)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Interpreter(graph).evaluate(feed));
    assertTrue(e.getMessage().contains("parameter 'w' must have shape [2,1], got [1,2]"), e.getMessage());
  }

  @Test
  void unknownBatchSizeIsReportedWhereItIsNeeded() {
    Node noise = gb.randomUniform(Shape.of(Shape.BATCH, 2), ScalarType.F64);
    Graph g = Fixtures.graphOf(noise);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Interpreter(g).evaluate(Feed.of(Map.of(), Map.of())));
    assertTrue(e.getMessage().contains("batch size B is unknown"), e.getMessage());
    assertTrue(e.getMessage().contains("random_uniform at <test>:1:1"), e.getMessage());
  }

  @Test
  void deepChainDoesNotOverflowTheStack() {
    Node v = input("v", ScalarType.F64, 2);
    Node h = v;
    for (int i = 0; i < 20_000; i++) {
      h = gb.shift(gb.neg(h), 1); // h -> 1 - h
    }
    F64Tensor out = Fixtures.eval(h, Map.of("v", F64Tensor.vector(0.25, 3)));
    assertValues(out, dims(2), 0.25, 3); // an even number of h -> 1 - h is the identity
  }
}
