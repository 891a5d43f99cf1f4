package dev.adjoint.compiler.interp;

import static dev.adjoint.compiler.interp.Fixtures.assertValues;
import static dev.adjoint.compiler.interp.Fixtures.dims;
import static dev.adjoint.compiler.interp.Fixtures.eval;
import static dev.adjoint.compiler.interp.Fixtures.input;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Shape;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** MATMUL in every flag combination against hand-computed products and a naive loop written here. */
class MatmulTest {
  private final NodeBuilder gb = Fixtures.builder();
  private final Random random = new Random(42);

  private F64Tensor randomTensor(int... shape) {
    double[] values = new double[Strides.size(shape)];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextDouble() * 2 - 1;
    }
    return F64Tensor.of(shape, values);
  }

  private F64Tensor matmul(F64Tensor a, F64Tensor b, boolean transposeA, boolean transposeB) {
    Node na = input("a", ScalarType.F64, a.shape());
    Node nb = input("b", ScalarType.F64, b.shape());
    return eval(gb.matmul(na, nb, transposeA, transposeB), Map.of("a", a, "b", b));
  }

  @Test
  void twoByTwoByHand() {
    F64Tensor a = F64Tensor.matrix(new double[] {1, 2}, new double[] {3, 4});
    F64Tensor b = F64Tensor.matrix(new double[] {5, 6}, new double[] {7, 8});
    assertValues(matmul(a, b, false, false), dims(2, 2), 19, 22, 43, 50);
    assertValues(matmul(a, b, false, true), dims(2, 2), 17, 23, 39, 53);
    assertValues(matmul(a, b, true, false), dims(2, 2), 26, 30, 38, 44);
  }

  @Test
  void plainWithRank3LeftOperand() {
    F64Tensor a = randomTensor(2, 3, 4);
    F64Tensor b = randomTensor(4, 5);
    F64Tensor out = matmul(a, b, false, false);
    assertArrayEquals(dims(2, 3, 5), out.shape());
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int n = 0; n < 5; n++) {
          double sum = 0;
          for (int p = 0; p < 4; p++) {
            sum += a.get(i, j, p) * b.get(p, n);
          }
          assertEquals(sum, out.get(i, j, n), 1e-14);
        }
      }
    }
  }

  @Test
  void transposeBWithRank3LeftOperand() {
    F64Tensor a = randomTensor(2, 3, 4);
    F64Tensor b = randomTensor(5, 4);
    F64Tensor out = matmul(a, b, false, true);
    assertArrayEquals(dims(2, 3, 5), out.shape());
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int n = 0; n < 5; n++) {
          double sum = 0;
          for (int p = 0; p < 4; p++) {
            sum += a.get(i, j, p) * b.get(n, p);
          }
          assertEquals(sum, out.get(i, j, n), 1e-14);
        }
      }
    }
  }

  @Test
  void transposeASumsOverAllLeadingDimensions() {
    F64Tensor a = randomTensor(2, 3, 4);
    F64Tensor b = randomTensor(2, 3, 5);
    F64Tensor out = matmul(a, b, true, false);
    assertArrayEquals(dims(4, 5), out.shape());
    for (int k = 0; k < 4; k++) {
      for (int n = 0; n < 5; n++) {
        double sum = 0;
        for (int i = 0; i < 2; i++) {
          for (int j = 0; j < 3; j++) {
            sum += a.get(i, j, k) * b.get(i, j, n);
          }
        }
        assertEquals(sum, out.get(k, n), 1e-14);
      }
    }
  }

  @Test
  void rank1Operands() {
    F64Tensor v = F64Tensor.vector(1, 2);
    F64Tensor m = F64Tensor.matrix(new double[] {1, 2, 3}, new double[] {4, 5, 6});
    assertValues(matmul(v, m, false, false), dims(3), 9, 12, 15);
    F64Tensor mt = F64Tensor.matrix(new double[] {1, 4}, new double[] {2, 5}, new double[] {3, 6});
    assertValues(matmul(v, mt, false, true), dims(3), 9, 12, 15);
    // aᵀ·b of two vectors (one shared row) is the outer product
    assertValues(matmul(v, F64Tensor.vector(3, 4, 5), true, false), dims(2, 3), 3, 4, 5, 6, 8, 10);
  }

  @Test
  void emptyBatch() {
    Node a = input("a", ScalarType.F64, Shape.BATCH, 2);
    Node b = input("b", ScalarType.F64, Shape.BATCH, 3);
    Node w = input("w", ScalarType.F64, 2, 3);
    Map<String, F64Tensor> in = Map.of("a", F64Tensor.zeros(0, 2), "b", F64Tensor.zeros(0, 3), "w", randomTensor(2, 3));
    assertValues(eval(gb.matmul(a, b, true, false), in), dims(2, 3), 0, 0, 0, 0, 0, 0);
    assertValues(eval(gb.matmul(a, w, false, false), in), dims(0, 3));
  }

  /** BATCH_MATMUL: each product of the batch as MATMUL computes it on that slice, in every layout. */
  @Test
  void batchedIsOneProductPerBatchIndex() {
    int[][] layouts = {{0, 0}, {1, 0}, {0, 1}};
    for (int[] flags : layouts) {
      boolean ta = flags[0] == 1;
      boolean tb = flags[1] == 1;
      F64Tensor a = randomTensor(2, 3, ta ? 4 : 5, ta ? 5 : 4);
      F64Tensor b = randomTensor(2, 3, tb ? 6 : 4, tb ? 4 : 6);
      Node na = input("a", ScalarType.F64, a.shape());
      Node nb = input("b", ScalarType.F64, b.shape());
      F64Tensor out = eval(gb.batchMatmul(na, nb, ta, tb), Map.of("a", a, "b", b));
      assertArrayEquals(dims(2, 3, 5, 6), out.shape());
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          F64Tensor one = matmul(slice(a, i, j), slice(b, i, j), ta, tb);
          for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 6; c++) {
              assertEquals(one.get(r, c), out.get(i, j, r, c), 0, "tA=" + ta + " tB=" + tb);
            }
          }
        }
      }
    }
  }

  /** The matrix at batch index (i, j) of a rank-4 tensor. */
  private static F64Tensor slice(F64Tensor t, int i, int j) {
    int rows = t.dim(2);
    int cols = t.dim(3);
    double[] values = new double[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        values[r * cols + c] = t.get(i, j, r, c);
      }
    }
    return F64Tensor.of(new int[] {rows, cols}, values);
  }
}
