package dev.adjoint.data;

import static dev.adjoint.data.Specs.f32;
import static dev.adjoint.data.Specs.f64;
import static dev.adjoint.data.Specs.i32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetTest {
  @Test
  void holdsColumnsInOrderAndCopiesInAndOut() {
    float[] x = {1, 2, 3, 4, 5, 6};
    Dataset d = Dataset.builder(3).add(f32("x", 2), x).add(i32("y"), new int[] {7, 8, 9}).build();
    x[0] = 100;
    assertEquals(3, d.size());
    assertEquals(List.of("x", "y"), List.copyOf(d.columns()));
    assertEquals(f32("x", 2), d.spec("x"));
    d.f32("x")[1] = 100;
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, d.f32("x"));
    assertEquals(6, d.get("x", 2, 1));
    assertEquals(8, d.get("y", 1, 0));
    assertEquals("Dataset(3 rows: x: f32[B,2], y: i32[B])", d.toString());
  }

  @Test
  void selectTakesRowsInTheGivenOrder() {
    Dataset d = Dataset.builder(3).add(f64("w", 2, 1), new double[] {1, 2, 3, 4, 5, 6}).build();
    Dataset picked = d.select(new int[] {2, 0, 2});
    assertEquals(3, picked.size());
    assertArrayEquals(new double[] {5, 6, 1, 2, 5, 6}, picked.f64("w"));
    assertEquals(0, d.select(new int[0]).size());
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> d.select(new int[] {0, 3}));
    assertEquals("row 3 (at 1) is not a row of the data set: expected 0..2", e.getMessage());
  }

  @Test
  void misuseIsReported() {
    Dataset d = Dataset.builder(1).add(f32("x"), new float[1]).build();
    assertEquals("x: f32[B] is f32, not i32; use f32()",
        assertThrows(IllegalStateException.class, () -> d.i32("x")).getMessage());
    assertEquals("the data set has no column 'z'; it has: x",
        assertThrows(IllegalArgumentException.class, () -> d.spec("z")).getMessage());
    assertEquals("x: f32[B,2]: 3 rows of 2 values need 6 elements, got 4",
        assertThrows(IllegalArgumentException.class,
            () -> Dataset.builder(3).add(f32("x", 2), new float[4])).getMessage());
    assertEquals("x: f32[4]: the first dimension of a data column must be the batch B",
        assertThrows(IllegalArgumentException.class,
            () -> Dataset.builder(1).add(new TensorSpec("x", DType.F32, 4), new float[4])).getMessage());
    assertEquals("x: f32[B,B]: only the first dimension may be the batch B, and the others are positive",
        assertThrows(IllegalArgumentException.class, () -> Dataset.builder(1)
            .add(new TensorSpec("x", DType.F32, TensorSpec.BATCH, TensorSpec.BATCH), new float[1])).getMessage());
    assertEquals("two columns are named 'x'", assertThrows(IllegalArgumentException.class,
        () -> Dataset.builder(1).add(f32("x"), new float[1]).add(i32("x"), new int[1]).build()).getMessage());
  }
}
