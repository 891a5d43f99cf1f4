package dev.adjoint.compiler.autodiff;

import static dev.adjoint.compiler.autodiff.GradientChecker.ANY;

import dev.adjoint.compiler.autodiff.GradientChecker.GraphContext;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * ATTENTION's derivative rule builds only differentiable ops: the squared norms of its
 * three cotangents, differentiated again in reverse and forward mode, agree with finite
 * differences (second order), with each kind of mask.
 */
class AttentionSecondOrderTest {

  @TestFactory
  Stream<DynamicTest> gradientsThroughAttentionDifferentiateAgain() {
    List<DynamicTest> tests = new ArrayList<>();
    for (int t : new int[] {1, 2, 7}) {
      for (String kind : List.of("none", "causal", "mask")) {
        String name = "second order, " + kind + ", T=" + t;
        tests.add(DynamicTest.dynamicTest(name, () -> GradientChecker.check(name,
            List.of(Shape.of(2, t, 3), Shape.of(2, t, 3), Shape.of(2, t, 2)), ANY, c -> squaredCotangents(c, t, kind),
            name.hashCode())));
      }
    }
    return tests.stream();
  }

  private static Node squaredCotangents(GraphContext c, int t, String kind) {
    NodeBuilder b = c.b();
    List<Node> inputs = new ArrayList<>(List.of(c.p(0), c.p(1), c.p(2)));
    if (kind.equals("mask")) {
      double[] values = new double[t * t];
      for (int i = 0; i < values.length; i++) {
        values[i] = i % 3 == 1 ? 0 : 1;
      }
      inputs.add(c.fixed("mask", ScalarType.F64, F64Tensor.of(new int[] {t, t}, values)));
    }
    Node out = b.node(Op.ATTENTION, inputs, new Attrs.Attention(0.8, kind.equals("causal")));
    Node weights = c.fixed("w", ScalarType.F64, ramp(out.shape()));
    Map<Node, Node> g = ReverseMode.gradients(b, b.sumAll(b.mul(out, weights)), List.of(c.p(0), c.p(1), c.p(2)));
    Node total = null;
    for (Node p : List.of(c.p(0), c.p(1), c.p(2))) {
      Node term = b.sumAll(b.mul(g.get(p), g.get(p)));
      total = total == null ? term : b.add(total, term);
    }
    return total;
  }

  private static F64Tensor ramp(Shape shape) {
    int[] dims = shape.dims();
    int size = 1;
    for (int d : dims) {
      size *= d;
    }
    double[] values = new double[size];
    for (int i = 0; i < size; i++) {
      values[i] = Math.sin(1.3 * i + 0.4);
    }
    return F64Tensor.of(dims, values);
  }
}
