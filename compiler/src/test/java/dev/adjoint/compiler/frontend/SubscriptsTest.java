package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.assertRejects;
import static dev.adjoint.compiler.frontend.Programs.assertValues;
import static dev.adjoint.compiler.frontend.Programs.graph;
import static dev.adjoint.compiler.frontend.Programs.run;
import static dev.adjoint.compiler.frontend.Programs.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Shape;
import org.junit.jupiter.api.Test;

/** Subscripts {@code x[...]}: NumPy's values and shapes, and each misuse at its own position. */
class SubscriptsTest {
  private static final String HEAD = "model t {\n  input x: f64[B, 2, 5]\n";
  private static final F64Tensor X = F64Tensor.of(new int[] {1, 2, 5}, 0, 1, 2, 3, 4, 10, 11, 12, 13, 14);
  private static final int B = Shape.BATCH;

  private static Evaluation evaluate(String outputs) {
    return run(graph(HEAD + outputs + "}\n")).input("x", X).evaluate();
  }

  @Test
  void slicesStepsAndNegativeBoundsFollowNumPy() {
    Evaluation e = evaluate("  output a = x[:, :, 2:5]\n  output b = x[:, :, ::2]\n  output c = x[:, :, -2:]\n"
        + "  output d = x[:, :, ::-1]\n  output f = x[:, :, 3:0:-2]\n  output g = x[:, ::-1, 1:-1]\n"
        + "  output h = x[:, :, 9 - 10:]\n");
    assertValues(e.output("a"), shape(1, 2, 3), 2, 3, 4, 12, 13, 14);
    assertValues(e.output("b"), shape(1, 2, 3), 0, 2, 4, 10, 12, 14);
    assertValues(e.output("c"), shape(1, 2, 2), 3, 4, 13, 14);
    assertValues(e.output("d"), shape(1, 2, 5), 4, 3, 2, 1, 0, 14, 13, 12, 11, 10);
    assertValues(e.output("f"), shape(1, 2, 2), 3, 1, 13, 11);
    assertValues(e.output("g"), shape(1, 2, 3), 11, 12, 13, 1, 2, 3);
    assertValues(e.output("h"), shape(1, 2, 1), 4, 14);
  }

  @Test
  void integersDropAxesAndNoneAddsOne() {
    Evaluation e = evaluate("  output a = x[:, 1]\n  output b = x[..., -1]\n  output c = x[:, 0, None, 1:3]\n"
        + "  output d = x[:, 1][:, 4]\n  output f = x[..., None]\n");
    assertValues(e.output("a"), shape(1, 5), 10, 11, 12, 13, 14);
    assertValues(e.output("b"), shape(1, 2), 4, 14);
    assertValues(e.output("c"), shape(1, 1, 2), 1, 2);
    assertValues(e.output("d"), shape(1), 14);
    assertValues(e.output("f"), shape(1, 2, 5, 1), 0, 1, 2, 3, 4, 10, 11, 12, 13, 14);
  }

  @Test
  void subscriptsApplyToCallsAndParenthesesAndEmptySlicesAreLegal() {
    Graph g = graph(HEAD + "  output a = softmax(x)[:, 0, 0:2]\n  output b = (x * 2)[:, :, 4]\n"
        + "  output c = x[:, :, 3:3]\n  output d = x[:, :, 4:0]\n}\n");
    assertEquals(Shape.of(B, 2), g.outputs().get("a").shape());
    assertEquals(Shape.of(B, 0, 5).rank(), g.outputs().get("c").shape().rank());
    assertEquals(Shape.of(B, 2, 0), g.outputs().get("c").shape());
    assertEquals(Shape.of(B, 2, 0), g.outputs().get("d").shape());
    assertValues(run(g).input("x", X).output("b"), shape(1, 2), 8, 28);
  }

  @Test
  void boundsMayBeHyperparameters() {
    Graph g = graph("model t(k = 3) {\n  input x: f64[B, 2, 5]\n  output y = x[:, 0, k - 1:k + 1]\n}\n");
    assertValues(run(g).input("x", X).output("y"), shape(1, 2), 2, 3);
  }

  @Test
  void misuseIsReportedAtTheSubscript() {
    assertRejects(HEAD + "  output y = x[0]\n}\n", "3:16", "cannot index the batch axis B");
    assertRejects(HEAD + "  output y = x[1:]\n}\n", "3:16", "cannot slice the batch axis B");
    assertRejects(HEAD + "  output y = x[:, 2]\n}\n", "3:19", "index 2 is out of range for axis 1", "-2 to 1");
    assertRejects(HEAD + "  output y = x[:, :, 1:6]\n}\n", "3:24", "slice bound 6 is out of range", "-5 to 5");
    assertRejects(HEAD + "  output y = x[:, :, ::0]\n}\n", "3:24", "slice step 0 is zero");
    assertRejects(HEAD + "  output y = x[:, 0, 0, 0]\n}\n", "3:25", "too many subscripts");
    assertRejects(HEAD + "  output y = x[..., 0, ...]\n}\n", "3:24", "only one '...'");
    assertRejects(HEAD + "  output y = x[None]\n}\n", "3:16", "new axis cannot come before the batch axis");
    assertRejects(HEAD + "  output y = x[:, x]\n}\n", "3:19", "must be an integer known at compile time");
    assertRejects(HEAD + "  output y = sum(x)[0]\n}\n", "3:20", "cannot subscript a scalar");
    assertRejects(HEAD + "  n = 2\n  output y = n[0]\n}\n", "4:15", "cannot subscript the integer 2");
  }
}
