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

/** The values and shapes of squeeze, unsqueeze (expand_dims) and flatten, and their misuse. */
class AxisValuesTest {
  private static final String HEAD = "model t {\n  input x: f64[B, 2, 1, 3]\n";
  private static final F64Tensor X = F64Tensor.of(new int[] {2, 2, 1, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);

  private static Evaluation evaluate(String outputs) {
    Graph g = graph(HEAD + outputs + "}\n");
    return run(g).input("x", X).evaluate();
  }

  @Test
  @Covers("squeeze")
  void squeezeRemovesAnAxisOfSizeOne() {
    Evaluation e = evaluate("  output a = squeeze(x, 2)\n  output b = squeeze(x, axis = -2)\n"
        + "  output c = squeeze(x)\n");
    for (String name : new String[] {"a", "b", "c"}) {
      assertValues(e.output(name), shape(2, 2, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    }
  }

  @Test
  @Covers({"unsqueeze", "expand_dims"})
  void unsqueezeAddsAnAxisOfSizeOne() {
    Graph g = graph(HEAD + "  output a = unsqueeze(x, 1)\n  output b = unsqueeze(x, -1)\n"
        + "  output c = expand_dims(x, 4)\n}\n");
    assertEquals(Shape.of(Shape.BATCH, 1, 2, 1, 3), g.outputs().get("a").shape());
    assertEquals(Shape.of(Shape.BATCH, 2, 1, 3, 1), g.outputs().get("b").shape());
    assertEquals(Shape.of(Shape.BATCH, 2, 1, 3, 1), g.outputs().get("c").shape());
    assertValues(run(g).input("x", X).output("b"), shape(2, 2, 1, 3, 1), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
  }

  @Test
  @Covers("flatten")
  void flattenMergesTheAxesAfterTheBatch() {
    Evaluation e = evaluate("  output a = flatten(x)\n  output b = flatten(x, start_axis = 2)\n"
        + "  output c = flatten(x, 1, 2)\n  output d = flatten(x, start_axis = -1)\n");
    assertValues(e.output("a"), shape(2, 6), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    assertValues(e.output("b"), shape(2, 2, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    assertValues(e.output("c"), shape(2, 2, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    assertValues(e.output("d"), shape(2, 2, 1, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
  }

  @Test
  void misuseIsReportedAtTheArgument() {
    assertRejects(HEAD + "  output y = squeeze(x, 1)\n}\n", "3:25", "axis 1 of f64[B,2,1,3] has size 2, not 1");
    assertRejects(HEAD + "  output y = squeeze(x, 0)\n}\n", "3:25", "has size B, not 1");
    assertRejects(HEAD + "  output y = squeeze(x, 4)\n}\n", "3:25", "axis 4 is out of range", "-4 to 3");
    assertRejects(HEAD + "  output y = unsqueeze(x, 0)\n}\n", "3:27", "before the batch axis B");
    assertRejects(HEAD + "  output y = unsqueeze(x, 5)\n}\n", "3:27", "axis 5 is out of range", "-5 to 4");
    assertRejects(HEAD + "  output y = flatten(x, 0)\n}\n", "3:25", "include the batch axis B");
    assertRejects(HEAD + "  output y = flatten(x, 3, 1)\n}\n", "3:25", "start_axis 3 comes after end_axis 1");
    assertRejects(HEAD + "  output y = flatten(x, end_axis = 7)\n}\n", "3:25", "end_axis 7 is out of range");
    assertRejects(HEAD + "  output y = flatten(sum(x))\n}\n", "3:22", "is a scalar");
  }
}
