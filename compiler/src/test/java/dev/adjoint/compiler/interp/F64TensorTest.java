package dev.adjoint.compiler.interp;

import static dev.adjoint.compiler.interp.Fixtures.dims;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** F64Tensor factories, access, comparison and printing. */
class F64TensorTest {
  @Test
  void factoriesAndAccess() {
    F64Tensor t = F64Tensor.of(dims(2, 3), 1, 2, 3, 4, 5, 6);
    assertEquals(6, t.size());
    assertEquals(2, t.rank());
    assertEquals(6, t.get(1, 2), 0.0);
    assertEquals(2, t.get(0, 1), 0.0);
    assertEquals(4, t.flat(3), 0.0);
    assertEquals(F64Tensor.matrix(new double[] {1, 2, 3}, new double[] {4, 5, 6}), t);
    assertArrayEquals(new double[] {0, 0}, F64Tensor.zeros(2).data(), 0.0);
    assertArrayEquals(new double[] {7, 7, 7, 7}, F64Tensor.fill(dims(2, 2), 7).data(), 0.0);
    assertEquals(3.5, F64Tensor.scalar(3.5).item(), 0.0);
    assertEquals(0, F64Tensor.scalar(1).rank());
    assertEquals(0, F64Tensor.zeros(0, 3).size());
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> F64Tensor.of(dims(2, 2), 1, 2, 3));
    assertThrows(IllegalArgumentException.class, () -> F64Tensor.zeros(-1));
    assertThrows(IllegalArgumentException.class, () -> F64Tensor.zeros(2, 2).get(1));
    assertThrows(IndexOutOfBoundsException.class, () -> F64Tensor.zeros(2, 2).get(0, 2));
  }

  @Test
  void isNotChangedThroughItsArrays() {
    double[] values = {1, 2};
    int[] shape = {2};
    F64Tensor t = F64Tensor.of(shape, values);
    values[0] = 99;
    shape[0] = 5;
    t.data()[1] = 99;
    t.shape()[0] = 7;
    assertEquals(F64Tensor.vector(1, 2), t);
  }

  @Test
  void allCloseUsesRelativeAndAbsoluteTolerance() {
    F64Tensor a = F64Tensor.vector(1, 100, Double.NaN, Double.POSITIVE_INFINITY);
    assertTrue(a.allClose(F64Tensor.vector(1 + 1e-9, 100.0001, Double.NaN, Double.POSITIVE_INFINITY), 1e-6, 0));
    assertFalse(a.allClose(F64Tensor.vector(1.1, 100, Double.NaN, Double.POSITIVE_INFINITY), 1e-6, 1e-6));
    assertFalse(a.allClose(F64Tensor.vector(1, 100, 0, Double.POSITIVE_INFINITY), 1e-6, 1e-6));
    assertFalse(a.allClose(F64Tensor.vector(1, 100, Double.NaN, Double.NEGATIVE_INFINITY), 1e-6, 1e-6));
    assertTrue(F64Tensor.vector(0).allClose(F64Tensor.vector(1e-9), 0, 1e-8));
    assertFalse(F64Tensor.vector(1, 2).allClose(F64Tensor.of(dims(1, 2), 1, 2), 1, 1));
  }

  @Test
  void equalsComparesShapeAndValues() {
    assertNotEquals(F64Tensor.vector(1, 2), F64Tensor.of(dims(1, 2), 1, 2));
    assertNotEquals(F64Tensor.vector(1, 2), F64Tensor.vector(1, 3));
    assertEquals(F64Tensor.vector(1, 2).hashCode(), F64Tensor.vector(1, 2).hashCode());
  }

  @Test
  void printsSmallTensorsInFull() {
    assertEquals("[2,2] [[1, 2], [3, 4.5]]", F64Tensor.of(dims(2, 2), 1, 2, 3, 4.5).toString());
    assertEquals("[] -2", F64Tensor.scalar(-2).toString());
    assertEquals("[0,3] []", F64Tensor.zeros(0, 3).toString());
    assertTrue(F64Tensor.zeros(100).toString().endsWith("... (100 values)]"));
  }
}
