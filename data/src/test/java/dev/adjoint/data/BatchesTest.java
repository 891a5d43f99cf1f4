package dev.adjoint.data;

import static dev.adjoint.data.CsvTest.assertError;
import static dev.adjoint.data.Specs.f32;
import static dev.adjoint.data.Specs.f64;
import static dev.adjoint.data.Specs.i32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class BatchesTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** Rows r = 0..4: x = (r, 10 r), y = r, w = -r, and a column no model reads. */
  private static Dataset data() {
    return Dataset.builder(5)
        .add(f32("x", 2), new float[] {0, 0, 1, 10, 2, 20, 3, 30, 4, 40})
        .add(i32("y"), new int[] {0, 1, 2, 3, 4})
        .add(f64("w"), new double[] {0, -1, -2, -3, -4})
        .add(f32("unused"), new float[5])
        .build();
  }

  private static FakeModel model() {
    return new FakeModel(3, f32("x", 2), i32("y"), f64("w"));
  }

  @Test
  void copiesTheChosenRowsIntoEachInputRowMajor() {
    FakeModel model = model();
    int[] order = {4, 1, 3, 0, 2};
    Batches.fill(data(), order, 1, 3, model);
    assertArrayEquals(new float[] {1, 10, 3, 30, 0, 0}, model.input("x").f32());
    assertArrayEquals(new int[] {1, 3, 0}, model.input("y").i32());
    assertArrayEquals(new double[] {-1, -3, 0}, model.input("w").f64());
  }

  @Test
  void aLastPartialBatchFillsTheFirstRowsAndLeavesTheRest() {
    FakeModel model = model();
    Dataset d = data();
    int[] order = {4, 1, 3, 0, 2};
    Batches.fill(d, order, 0, 3, model);
    Batches.fill(d, order, 3, 2, model);
    assertArrayEquals(new float[] {0, 0, 2, 20, 3, 30}, model.input("x").f32());
    assertArrayEquals(new int[] {0, 2, 3}, model.input("y").i32());
    Batches.fill(d, order, 5, 0, model);
    assertArrayEquals(new int[] {0, 2, 3}, model.input("y").i32());
  }

  @Test
  void steadyStateFillingAllocatesNothing() {
    FakeModel model = model();
    Dataset d = data();
    int[] order = {4, 1, 3, 0, 2};
    long thread = Thread.currentThread().getId();
    long least = Long.MAX_VALUE;
    for (int attempt = 0; attempt < 20 && least > 0; attempt++) {
      for (int i = 0; i < 20_000; i++) {
        Batches.fill(d, order, i % 3, 3, model);
      }
      long before = THREADS.getThreadAllocatedBytes(thread);
      for (int i = 0; i < 1000; i++) {
        Batches.fill(d, order, i % 3, 3, model);
        Batches.fill(d, order, 3, 2, model);
      }
      long after = THREADS.getThreadAllocatedBytes(thread);
      least = Math.min(least, after - before);
    }
    assertEquals(0L, least);
  }

  @Test
  void theDataMustHaveEveryInputOfTheModel() {
    FakeModel model = new FakeModel(3, f32("x", 2), i32("label"));
    assertError("the data has no column for label: i32[B] of model fake; it has: x, y, w, unused",
        () -> Batches.fill(data(), new int[] {0}, 0, 1, model));
  }

  @Test
  void shapesAndDtypesMustMatch() {
    assertError("the data's column x: f32[B,2] does not fit x: f32[B,3] of model fake",
        () -> Batches.fill(data(), new int[] {0}, 0, 1, new FakeModel(3, f32("x", 3))));
    assertError("the data's column y: i32[B] does not fit y: f32[B] of model fake",
        () -> Batches.fill(data(), new int[] {0}, 0, 1, new FakeModel(3, f32("y"))));
  }

  @Test
  void batchesLargerThanTheModelsAndRowsOutsideTheDataAreRejected() {
    FakeModel model = model();
    IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
        () -> Batches.fill(data(), new int[] {0, 1, 2, 3}, 0, 4, model));
    assertEquals("count 4 is outside 0..3, the batches model fake was built for", big.getMessage());
    IndexOutOfBoundsException row = assertThrows(IndexOutOfBoundsException.class,
        () -> Batches.fill(data(), new int[] {0, 5}, 0, 2, model));
    assertEquals("order[1] = 5 is not a row of the data: expected 0..4", row.getMessage());
    IndexOutOfBoundsException range = assertThrows(IndexOutOfBoundsException.class,
        () -> Batches.fill(data(), new int[] {0, 1}, 1, 2, model));
    assertEquals("rows 1 .. 3 are outside the order's 0..2", range.getMessage());
  }
}
