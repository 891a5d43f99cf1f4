package dev.adjoint.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.source.SourceSpan;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifierTest {
  private static final SourceSpan T = SampleGraphs.synthetic();

  private static Graph.Builder builder() {
    return Graph.builder("bad", T);
  }

  /** The verifier's problems, in its order. */
  private static List<String> problems(Graph g) {
    return Verifier.verify(g);
  }

  @Test
  void soundGraphHasNoProblems() {
    Graph g = SampleGraphs.logreg();
    assertEquals(List.of(), Verifier.verify(g));
    assertDoesNotThrow(() -> Verifier.check(g));
  }

  @Test
  void undeclaredParamIsReportedByName() {
    SampleGraphs.Logreg n = SampleGraphs.logregNodes();
    Graph g = Graph.builder("logreg", T).input(n.x()).input(n.y()).param(n.w())
        .output("p", n.p()).loss(n.loss()).build();
    assertEquals(List.of("%4 param b: undeclared; not among the graph's params"), problems(g));
    // the number is the one the dump shows
    assertTrue(TextDump.dump(g).contains("\n  %4 = param b init=zeros role=bias : f32[1]"), TextDump.dump(g));
  }

  @Test
  void aRebuiltSourceIsNotTheDeclaredOne() {
    Node x = SampleGraphs.input("x", Shape.BATCH, 2);
    Node declared = SampleGraphs.param("w", 2, 3);
    Node used = SampleGraphs.param("w", 2, 3);
    NodeBuilder b = NodeBuilder.start(T, 0);
    Graph g = builder().input(x).param(declared).output("y", b.matmul(x, used, false, false)).build();
    assertEquals(List.of("%2 param w: undeclared; not among the graph's params (%1 param w is declared under"
        + " that name)"), problems(g));
  }

  @Test
  void undeclaredInputAndStateAreReported() {
    Node x = SampleGraphs.input("x", Shape.BATCH, 3);
    Node s = SampleGraphs.state("s", 3);
    NodeBuilder b = NodeBuilder.start(T, 0);
    Graph g = builder().output("y", b.add(x, s)).build();
    assertEquals(List.of(
        "%0 input x: undeclared; not among the graph's inputs",
        "%1 state s: undeclared; not among the graph's states"), problems(g));
  }

  @Test
  void lossMustBeAFloatScalar() {
    Graph logreg = SampleGraphs.logreg();
    Graph g = logreg.toBuilder().loss(logreg.outputs().get("p")).build();
    assertEquals(List.of("loss %7 sigmoid: must be a float scalar, got f32[B,1]"), problems(g));

    Node ids = Node.of(Op.INPUT, List.of(), new Attrs.Input("i", ScalarType.I32, Shape.SCALAR, false, 0, List.of()), T);
    Graph intLoss = builder().input(ids).loss(ids).build();
    assertEquals(List.of("loss %0 input i: must be a float scalar, got i32[]"), problems(intLoss));
  }

  @Test
  void nonScalarLossOverDeclaredSources() {
    Node x = SampleGraphs.input("x", Shape.BATCH, 2);
    NodeBuilder b = NodeBuilder.start(T, 0);
    Graph g = builder().input(x).loss(b.sum(x, List.of(1), false)).build();
    assertEquals(List.of("loss %1 reduce_sum: must be a float scalar, got f32[B]"), problems(g));
  }

  @Test
  void duplicateSourceNamesAcrossKinds() {
    Node x = SampleGraphs.input("x", Shape.BATCH, 2);
    Node px = SampleGraphs.param("x", 2);
    Node sx = SampleGraphs.state("x", 2);
    Graph g = builder().input(x).param(px).state(sx).build();
    assertEquals(List.of("source name x is declared 3 times: %0 input x, %1 param x, %2 state x"), problems(g));
  }

  @Test
  void stateUpdateMustMatchItsState() {
    Node s = SampleGraphs.state("s", 4);
    Node wrong = Node.of(Op.CONST, List.of(), new Attrs.Fill(0, ScalarType.F32, Shape.of(3)), T);
    Graph g = builder().state(s).stateUpdate("s", wrong).stateUpdate("t", s).build();
    assertEquals(List.of(
        "state s <- %1 const: gives f32[3] but %0 state s is f32[4]",
        "state t <- %0 state s: no state of that name is declared"), problems(g));
  }

  @Test
  void stateUpdateOfOtherDtype() {
    Node s = SampleGraphs.state("s", 4);
    Node wrong = Node.of(Op.CONST, List.of(), new Attrs.Fill(0, ScalarType.F64, Shape.of(4)), T);
    Graph g = builder().state(s).stateUpdate("s", wrong).build();
    assertEquals(List.of("state s <- %1 const: gives f64[4] but %0 state s is f32[4]"), problems(g));
  }

  @Test
  void inputBatchDimensionMustBeAxisZero() {
    Node x = SampleGraphs.input("x", 2, Shape.BATCH);
    Graph g = builder().input(x).output("x", x).build();
    assertEquals(List.of("%0 input x: the batch dimension B must be axis 0, got f32[2,B]"), problems(g));
  }

  @Test
  void paramWithBatchDimension() {
    // Node.of refuses this; a buggy pass building nodes some other way must still be caught
    Attrs.Param attrs = new Attrs.Param("w", ScalarType.F32, Shape.of(Shape.BATCH, 2), Init.of(Init.Kind.ZEROS),
        ParamRole.WEIGHT);
    Node w = SampleGraphs.unchecked(Op.PARAM, List.of(), attrs, TensorType.of(ScalarType.F32, Shape.BATCH, 2), T);
    Graph g = builder().param(w).build();
    assertEquals(List.of(
        "%0 param w: attributes do not fit: param cannot depend on the batch size B: [B,2]",
        "%0 param w: a param cannot depend on the batch size B, got f32[B,2]"), problems(g));
  }

  @Test
  void storedTypeMustBeWhatTheInputsGive() {
    Node x = SampleGraphs.input("x", Shape.BATCH, 4);
    Node w = SampleGraphs.param("w", 4, 12);
    Node mm = SampleGraphs.unchecked(Op.MATMUL, List.of(x, w), Attrs.Matmul.PLAIN,
        TensorType.of(ScalarType.F32, Shape.BATCH, 10), T);
    Graph g = builder().input(x).param(w).output("y", mm).build();
    assertEquals(List.of("%2 matmul: stored f32[B,10] but inputs give f32[B,12]"), problems(g));
  }

  @Test
  void inputsThatDoNotFitTheOp() {
    Node x = SampleGraphs.input("x", Shape.BATCH, 4);
    Node w = SampleGraphs.param("w", 5, 12);
    Node mm = SampleGraphs.unchecked(Op.MATMUL, List.of(x, w), Attrs.Matmul.PLAIN,
        TensorType.of(ScalarType.F32, Shape.BATCH, 12), T);
    Graph g = builder().input(x).param(w).output("y", mm).build();
    assertEquals(List.of("%2 matmul: inputs do not fit: matmul: inner dimensions differ: [B,4] @ [5,12] (4 vs 5)"),
        problems(g));
  }

  @Test
  void arityAttributesAndSpan() {
    Node x = SampleGraphs.input("x", Shape.BATCH, 4);
    TensorType type = x.type();
    Node oneInputAdd = SampleGraphs.unchecked(Op.ADD, List.of(x), Attrs.NONE, type, T);
    Node badAttrs = SampleGraphs.unchecked(Op.TANH, List.of(x), new Attrs.Cast(ScalarType.F32), type, T);
    Node noSpan = SampleGraphs.unchecked(Op.NEG, List.of(x), Attrs.NONE, type, null);
    Graph g = builder().input(x).output("a", oneInputAdd).output("b", badAttrs).output("c", noSpan).build();
    assertEquals(List.of(
        "%1 add: has 1 input but add takes 2",
        "%2 tanh: has Cast attributes but tanh takes None",
        "%3 neg: has no source span"), problems(g));
  }

  @Test
  void randomStreamsAreNotShared() {
    NodeBuilder b = NodeBuilder.start(T, 7);
    Node r1 = b.randomUniform(Shape.of(Shape.BATCH, 4), ScalarType.F32);
    Node r2 = b.node(Op.RANDOM_UNIFORM, List.of(), new Attrs.Random(7, ScalarType.F32, Shape.of(Shape.BATCH, 8)));
    Node r3 = b.node(Op.RANDOM_UNIFORM, List.of(), new Attrs.Random(7, ScalarType.F32, Shape.of(Shape.BATCH, 4)));
    Node fresh = b.randomUniform(Shape.of(Shape.BATCH, 8), ScalarType.F32);
    Graph g = builder().output("r1", r1).output("r2", r2).output("r3", r3).output("fresh", fresh).build();
    // r3 repeats r1's draw exactly: the same numbers, which is fine (CSE merges them)
    assertEquals(List.of(
        "%1 random_uniform: shares stream 7 with %0 random_uniform but draws f32[B,8] where that draws f32[B,4]"),
        problems(g));
  }

  @Test
  void theBuilderRejectsNamelessOutputsAndMissingNodes() {
    Node x = SampleGraphs.input("x", Shape.BATCH, 4);
    assertThrows(IllegalArgumentException.class, () -> builder().input(x).output(" ", x));
    assertThrows(NullPointerException.class, () -> builder().input(x).output("y", null));
    assertThrows(NullPointerException.class, () -> builder().input(x).stateUpdate("s", null));
  }

  @Test
  void hyperparametersAreOfTheKindsDumpsPrint() {
    Graph g = SampleGraphs.logreg().toBuilder()
        .hyperparameter("hidden", 256L).hyperparameter("p", 0.2).hyperparameter("act", "relu")
        .hyperparameter("bias", true).build();
    assertEquals(List.of(), problems(g));
    assertThrows(IllegalArgumentException.class, () -> builder().hyperparameter("layers", 3));
    assertThrows(IllegalArgumentException.class, () -> builder().hyperparameter("rate", 0.5f));
  }

  @Test
  void checkThrowsListingEveryProblem() {
    Node x = SampleGraphs.input("x", 2, Shape.BATCH);
    Graph g = builder().output("out", x).loss(x).build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Verifier.check(g, "after cse"));
    assertEquals(String.join("\n",
        "graph bad after cse is malformed (3 problems):",
        "  %0 input x: the batch dimension B must be axis 0, got f32[2,B]",
        "  %0 input x: undeclared; not among the graph's inputs",
        "  loss %0 input x: must be a float scalar, got f32[2,B]"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> Verifier.check(g));
  }
}
