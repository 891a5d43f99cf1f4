package dev.adjoint.compiler.interp;

import static dev.adjoint.compiler.interp.Fixtures.assertValues;
import static dev.adjoint.compiler.interp.Fixtures.dims;
import static dev.adjoint.compiler.interp.Fixtures.eval;
import static dev.adjoint.compiler.interp.Fixtures.input;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** REDUCE_SUM, REDUCE_MAX, ARGMAX and COUNT, with and without kept dimensions and over empty extents. */
class ReductionOpsTest {
  private final NodeBuilder gb = Fixtures.builder();
  private final Node x = input("x", ScalarType.F64, 2, 3);
  private final Map<String, F64Tensor> in = Map.of("x", F64Tensor.matrix(new double[] {1, 2, 3}, new double[] {4, 5, 6}));

  @Test
  void sumOverEachAxis() {
    assertValues(eval(gb.sum(x, List.of(0), false), in), dims(3), 5, 7, 9);
    assertValues(eval(gb.sum(x, List.of(1), true), in), dims(2, 1), 6, 15);
    assertValues(eval(gb.sumAll(x), in), dims(), 21);
  }

  @Test
  void sumOverTheMiddleAxisOfRank3() {
    Node cube = input("c", ScalarType.F64, 2, 2, 2);
    F64Tensor values = F64Tensor.of(dims(2, 2, 2), 0, 1, 2, 3, 4, 5, 6, 7);
    assertValues(eval(gb.sum(cube, List.of(1), false), Map.of("c", values)), dims(2, 2), 2, 4, 10, 12);
    assertValues(eval(gb.reduceMax(cube, List.of(0, 2), true), Map.of("c", values)), dims(1, 2, 1), 5, 7);
  }

  @Test
  void argmaxTakesTheFirstLargestAlongOneAxis() {
    Node cube = input("c", ScalarType.F64, 2, 3, 2);
    F64Tensor values = F64Tensor.of(dims(2, 3, 2), 0, 9, 7, 9, 7, 1, 5, 5, 5, 5, 5, 5);
    assertValues(eval(gb.argmax(cube, 1, false), Map.of("c", values)), dims(2, 2), 1, 0, 0, 0);
    assertValues(eval(gb.argmax(cube, 2, true), Map.of("c", values)), dims(2, 3, 1), 1, 1, 0, 0, 0, 0);
    assertValues(eval(gb.argmax(x, 0, false), in), dims(3), 1, 1, 1);
    // a NaN wins only in first place: no element is larger than it, and it is larger than none
    F64Tensor nan = F64Tensor.matrix(new double[] {Double.NaN, 1, 2}, new double[] {1, Double.NaN, 2});
    assertValues(eval(gb.argmax(x, 1, false), Map.of("x", nan)), dims(2), 0, 2);
    assertEquals(ScalarType.I32, gb.argmax(x, 1, false).dtype());
  }

  @Test
  void maxOverEachAxis() {
    assertValues(eval(gb.reduceMax(x, List.of(1), false), in), dims(2), 3, 6);
    assertValues(eval(gb.reduceMax(x, List.of(0, 1), true), in), dims(1, 1), 6);
  }

  @Test
  void maxWithNaNIsNaN() {
    Node v = input("v", ScalarType.F64, 3);
    assertValues(eval(gb.reduceMax(v, List.of(0), false), Map.of("v", F64Tensor.vector(1, Double.NaN, 3))), dims(),
        Double.NaN);
  }

  @Test
  void emptyExtentsGiveZeroSumAndMinusInfinityMax() {
    Node batch = input("b", ScalarType.F64, Shape.BATCH, 3);
    Map<String, F64Tensor> empty = Map.of("b", F64Tensor.zeros(0, 3));
    assertValues(eval(gb.sum(batch, List.of(0), false), empty), dims(3), 0, 0, 0);
    double inf = Double.NEGATIVE_INFINITY;
    assertValues(eval(gb.reduceMax(batch, List.of(0), false), empty), dims(3), inf, inf, inf);
    assertValues(eval(gb.sum(batch, List.of(1), false), empty), dims(0));
  }

  @Test
  void countIsTheElementCountAlongTheAxesButAtLeastOne() {
    assertValues(eval(gb.count(x, List.of(1)), in), dims(), 3);
    assertValues(eval(gb.count(x, List.of(0, 1)), in), dims(), 6);
    assertValues(eval(gb.count(x, List.of()), in), dims(), 1);
    Node batch = input("b", ScalarType.F64, Shape.BATCH, 3);
    assertValues(eval(gb.count(batch, List.of(0)), Map.of("b", F64Tensor.zeros(0, 3))), dims(), 1);
    assertValues(eval(gb.count(batch, List.of(0, 1)), Map.of("b", F64Tensor.zeros(5, 3))), dims(), 15);
  }
}
