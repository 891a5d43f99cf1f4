package dev.adjoint.compiler.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Shared helpers for the interpreter tests: source nodes, one-output graphs and value assertions. */
final class Fixtures {
  static final SourceSpan SPAN = SourceSpan.synthetic("test");

  private Fixtures() {}

  static NodeBuilder builder() {
    return NodeBuilder.start(SPAN, 0);
  }

  static Node input(String name, ScalarType dtype, int... dims) {
    return Node.of(Op.INPUT, List.of(), new Attrs.Input(name, dtype, Shape.of(dims), false, 0, List.of()), SPAN);
  }

  static Node param(String name, int... dims) {
    return Node.of(Op.PARAM, List.of(),
        new Attrs.Param(name, ScalarType.F64, Shape.of(dims), Init.of(Init.Kind.ZEROS), ParamRole.WEIGHT), SPAN);
  }

  static Node state(String name, double initial, int... dims) {
    return Node.of(Op.STATE, List.of(), new Attrs.State(name, ScalarType.F64, Shape.of(dims), initial), SPAN);
  }

  /** A graph whose only output "y" is {@code node}, declaring the given sources. */
  static Graph graphOf(Node output, Node... sources) {
    Graph.Builder b = Graph.builder("test", SPAN);
    for (Node s : sources) {
      if (s.op() == Op.INPUT) {
        b.input(s);
      } else if (s.op() == Op.PARAM) {
        b.param(s);
      } else if (s.op() == Op.STATE) {
        b.state(s);
      } else {
        throw new IllegalArgumentException("not a source: " + s);
      }
    }
    return b.output("y", output).build();
  }

  /** The value of {@code node} given input values by name (training mode, seed 0, step 0). */
  static F64Tensor eval(Node node, Map<String, F64Tensor> inputs) {
    return new Interpreter(graphOf(node)).evaluate(Feed.of(inputs, Map.of())).output("y");
  }

  /**
   * Asserts shape and values: each within 1e-14 relative of the expectation, an expected 0 or
   * infinity exactly, an expected NaN as NaN.
   */
  static void assertValues(F64Tensor actual, int[] shape, double... expected) {
    assertArrayEquals(shape, actual.shape(), () -> "shape of " + actual);
    assertEquals(expected.length, actual.size(), () -> "size of " + actual);
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual.flat(i);
      String where = "element " + i + " of " + actual + ", expected " + Arrays.toString(expected);
      if (Double.isNaN(e)) {
        assertTrue(Double.isNaN(a), where);
      } else if (e == 0 || Double.isInfinite(e)) {
        assertEquals(e, a, 0.0, where);
      } else {
        assertEquals(e, a, 1e-14 * Math.abs(e), where);
      }
    }
  }

  static int[] dims(int... dims) {
    return dims;
  }
}
