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

/** RESHAPE, BROADCAST, TRANSPOSE, SLICE, PAD and CONCAT against hand-written results. */
class MovementOpsTest {
  private final NodeBuilder gb = Fixtures.builder();
  private final Node x = input("x", ScalarType.F64, 2, 3);
  private final Map<String, F64Tensor> in = Map.of("x", F64Tensor.matrix(new double[] {1, 2, 3}, new double[] {4, 5, 6}));

  @Test
  void reshapeKeepsRowMajorData() {
    assertValues(eval(gb.reshape(x, Shape.of(3, 2)), in), dims(3, 2), 1, 2, 3, 4, 5, 6);
    assertValues(eval(gb.reshape(x, Shape.of(6)), in), dims(6), 1, 2, 3, 4, 5, 6);
  }

  @Test
  void reshapeWithTheBatchDimension() {
    Node b = input("b", ScalarType.F64, Shape.BATCH, 2, 2);
    F64Tensor values = F64Tensor.of(dims(2, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8);
    assertValues(eval(gb.reshape(b, Shape.of(Shape.BATCH, 4)), Map.of("b", values)), dims(2, 4),
        1, 2, 3, 4, 5, 6, 7, 8);
  }

  @Test
  void broadcastRowToMatrix() {
    Node row = input("r", ScalarType.F64, 1, 3);
    F64Tensor out = eval(gb.broadcastTo(row, Shape.of(2, 3)), Map.of("r", F64Tensor.of(dims(1, 3), 7, 8, 9)));
    assertValues(out, dims(2, 3), 7, 8, 9, 7, 8, 9);
  }

  @Test
  void broadcastScalarToMatrix() {
    Node s = input("s", ScalarType.F64);
    assertValues(eval(gb.broadcastTo(s, Shape.of(2, 2)), Map.of("s", F64Tensor.scalar(2.5))), dims(2, 2),
        2.5, 2.5, 2.5, 2.5);
  }

  @Test
  void broadcastColumnAndMissingLeadingAxis() {
    Node col = input("c", ScalarType.F64, 2, 1);
    assertValues(eval(gb.broadcastTo(col, Shape.of(2, 3)), Map.of("c", F64Tensor.of(dims(2, 1), 1, 2))), dims(2, 3),
        1, 1, 1, 2, 2, 2);
    Node vec = input("v", ScalarType.F64, 3);
    assertValues(eval(gb.broadcastTo(vec, Shape.of(2, 3)), Map.of("v", F64Tensor.vector(1, 2, 3))), dims(2, 3),
        1, 2, 3, 1, 2, 3);
  }

  @Test
  void broadcastThroughAddOfBiasToBatch() {
    Node b = input("b", ScalarType.F64, Shape.BATCH, 2);
    Node bias = input("bias", ScalarType.F64, 2);
    F64Tensor out = eval(gb.add(b, bias), Map.of("b", F64Tensor.of(dims(3, 2), 0, 0, 1, 1, 2, 2),
        "bias", F64Tensor.vector(10, 20)));
    assertValues(out, dims(3, 2), 10, 20, 11, 21, 12, 22);
  }

  @Test
  void transposeMatrix() {
    assertValues(eval(gb.transpose(x, List.of(1, 0)), in), dims(3, 2), 1, 4, 2, 5, 3, 6);
  }

  @Test
  void transposeRank3() {
    Node cube = input("c", ScalarType.F64, 2, 3, 4);
    double[] values = new double[24];
    for (int i = 0; i < 24; i++) {
      values[i] = i;
    }
    F64Tensor t = F64Tensor.of(dims(2, 3, 4), values);
    // output axis i is input axis perm[i]: out[i, j, k] = x[j, k, i]
    F64Tensor out = eval(gb.transpose(cube, List.of(2, 0, 1)), Map.of("c", t));
    assertEquals(4, out.dim(0));
    assertEquals(2, out.dim(1));
    assertEquals(3, out.dim(2));
    assertEquals(9, out.get(1, 0, 2), 0.0); // x[0, 2, 1] = 0*12 + 2*4 + 1
    assertEquals(15, out.get(3, 1, 0), 0.0); // x[1, 0, 3] = 12 + 0 + 3
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 2; j++) {
        for (int k = 0; k < 3; k++) {
          assertEquals(t.get(j, k, i), out.get(i, j, k), 0.0);
        }
      }
    }
  }

  @Test
  void sliceAndPad() {
    assertValues(eval(gb.slice(x, 1, 1, 3), in), dims(2, 2), 2, 3, 5, 6);
    assertValues(eval(gb.slice(x, 0, 1, 2), in), dims(1, 3), 4, 5, 6);
    assertValues(eval(gb.pad(x, 1, 1, 0), in), dims(2, 4), 0, 1, 2, 3, 0, 4, 5, 6);
    assertValues(eval(gb.pad(x, 0, 0, 1), in), dims(3, 3), 1, 2, 3, 4, 5, 6, 0, 0, 0);
  }

  @Test
  void concatJoinsAlongAnyAxis() {
    Node y = input("y", ScalarType.F64, 2, 1);
    Map<String, F64Tensor> both = Map.of("x", in.get("x"), "y", F64Tensor.of(dims(2, 1), 7, 8));
    assertValues(eval(gb.concat(List.of(x, y), 1), both), dims(2, 4), 1, 2, 3, 7, 4, 5, 6, 8);
    assertValues(eval(gb.concat(List.of(y, x, y), 1), both), dims(2, 5), 7, 1, 2, 3, 7, 8, 4, 5, 6, 8);
    assertValues(eval(gb.concat(List.of(x, x), 0), in), dims(4, 3), 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6);
    assertEquals(in.get("x"), eval(gb.slice(gb.concat(List.of(y, x), 1), 1, 1, 4), both));
  }

  @Test
  void concatOfBatchedTensorsAlongAnotherAxis() {
    Node b = input("b", ScalarType.F64, Shape.BATCH, 2);
    Node c = input("c", ScalarType.F64, Shape.BATCH, 1);
    assertValues(eval(gb.concat(List.of(c, b), 1), Map.of("b", F64Tensor.of(dims(2, 2), 1, 2, 3, 4),
        "c", F64Tensor.of(dims(2, 1), 9, 8))), dims(2, 3), 9, 1, 2, 8, 3, 4);
    assertValues(eval(gb.concat(List.of(c, b), 1), Map.of("b", F64Tensor.zeros(0, 2), "c", F64Tensor.zeros(0, 1))),
        dims(0, 3));
  }

  @Test
  void stridedAndReversedSlices() {
    assertValues(eval(gb.slice(x, 1, 0, 3, 2), in), dims(2, 2), 1, 3, 4, 6);
    assertValues(eval(gb.slice(x, 1, 2, -1, -1), in), dims(2, 3), 3, 2, 1, 6, 5, 4);
    assertValues(eval(gb.slice(x, 0, 1, -1, -1), in), dims(2, 3), 4, 5, 6, 1, 2, 3);
    assertValues(eval(gb.slice(x, 1, 1, 1), in), dims(2, 0));
  }

  @Test
  void unslicePlacesAStridedSliceBackInZeros() {
    assertValues(eval(gb.unslice(x, 1, 0, 2, 6), in), dims(2, 6), 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0);
    assertValues(eval(gb.unslice(x, 1, 3, -1, 4), in), dims(2, 4), 0, 3, 2, 1, 0, 6, 5, 4);
    Node strided = gb.slice(gb.unslice(x, 0, 4, -3, 5), 0, 4, -1, -3);
    assertEquals(in.get("x"), eval(strided, in));
  }

  @Test
  void sliceUndoesPad() {
    Node padded = gb.pad(x, 1, 2, 1);
    assertValues(eval(padded, in), dims(2, 6), 0, 0, 1, 2, 3, 0, 0, 0, 4, 5, 6, 0);
    assertEquals(in.get("x"), eval(gb.slice(padded, 1, 2, 5), in));
  }

  @Test
  void padAlongAnAxisOfABatchedTensor() {
    Node b = input("b", ScalarType.F64, Shape.BATCH, 2);
    assertValues(eval(gb.pad(b, 1, 0, 1), Map.of("b", F64Tensor.of(dims(2, 2), 1, 2, 3, 4))), dims(2, 3),
        1, 2, 0, 3, 4, 0);
    assertValues(eval(gb.pad(b, 1, 0, 1), Map.of("b", F64Tensor.zeros(0, 2))), dims(0, 3));
  }
}
