package dev.adjoint.compiler.interp;

import static dev.adjoint.compiler.interp.Fixtures.eval;
import static dev.adjoint.compiler.interp.Fixtures.input;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A softmax built from primitives, stable and naive, on extreme logits. */
class SoftmaxTest {
  private final NodeBuilder gb = Fixtures.builder();
  private final Node logits = input("z", ScalarType.F64, 3);

  private Node stableSoftmax(Node z) {
    Node shifted = gb.sub(z, gb.reduceMax(z, List.of(0), true));
    Node e = gb.exp(shifted);
    return gb.div(e, gb.sum(e, List.of(0), true));
  }

  private double[] stable(double... z) {
    return eval(stableSoftmax(logits), Map.of("z", F64Tensor.vector(z))).data();
  }

  @Test
  void equalLargeLogitsGiveExactThirds() {
    assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, stable(1000, 1000, 1000), 0.0);
  }

  @Test
  void spreadLogitsGiveOneHotWithoutNaN() {
    assertArrayEquals(new double[] {0, 0, 1}, stable(-1000, 0, 1000), 0.0);
  }

  @Test
  void ordinaryLogits() {
    double[] p = stable(1, 2, 3);
    double total = Math.exp(1) + Math.exp(2) + Math.exp(3);
    assertArrayEquals(new double[] {Math.exp(1) / total, Math.exp(2) / total, Math.exp(3) / total}, p, 1e-15);
  }

  @Test
  void theNaiveFormulaOverflowsSoTheInterpreterDoesNotHideIt() {
    Node e = gb.exp(logits);
    double[] p = eval(gb.div(e, gb.sum(e, List.of(0), true)), Map.of("z", F64Tensor.vector(1000, 1000, 1000))).data();
    assertTrue(Double.isNaN(p[0]), "exp(1000)/sum is inf/inf");
  }
}
