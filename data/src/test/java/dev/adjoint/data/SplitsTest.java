package dev.adjoint.data;

import static dev.adjoint.data.Specs.f32;
import static dev.adjoint.data.Specs.i32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitsTest {
  /** Row r has id r and x = (r, -r). */
  private static Dataset rows(int n) {
    int[] ids = IntStream.range(0, n).toArray();
    float[] x = new float[2 * n];
    for (int r = 0; r < n; r++) {
      x[2 * r] = r;
      x[2 * r + 1] = -r;
    }
    return Dataset.builder(n).add(i32("id"), ids).add(f32("x", 2), x).build();
  }

  @Test
  void partsAreDisjointCompleteAndSizedByRounding() {
    Splits s = Splits.split(rows(101), 0.7, 0.15, 0.15, 42);
    assertEquals(71, s.train().size());
    assertEquals(15, s.val().size());
    assertEquals(15, s.test().size());
    int[] all = IntStream.concat(IntStream.concat(Arrays.stream(s.train().i32("id")), Arrays.stream(s.val().i32("id"))),
        Arrays.stream(s.test().i32("id"))).sorted().toArray();
    assertArrayEquals(IntStream.range(0, 101).toArray(), all);
  }

  @Test
  void rowsStayWhole() {
    Splits s = Splits.split(rows(20), 0.5, 0.5, 0, 3);
    for (Dataset part : new Dataset[] {s.train(), s.val()}) {
      int[] ids = part.i32("id");
      float[] x = part.f32("x");
      for (int i = 0; i < ids.length; i++) {
        assertEquals(ids[i], x[2 * i]);
        assertEquals(-ids[i], x[2 * i + 1]);
      }
    }
  }

  @Test
  void reproducibleForASeedAndShuffled() {
    Splits a = Splits.split(rows(50), 0.6, 0.2, 0.2, 9);
    Splits b = Splits.split(rows(50), 0.6, 0.2, 0.2, 9);
    assertArrayEquals(a.train().i32("id"), b.train().i32("id"));
    assertArrayEquals(a.val().i32("id"), b.val().i32("id"));
    assertArrayEquals(a.test().i32("id"), b.test().i32("id"));
    assertFalse(Arrays.equals(a.train().i32("id"), Splits.split(rows(50), 0.6, 0.2, 0.2, 10).train().i32("id")));
    assertFalse(Arrays.equals(IntStream.range(0, 30).toArray(), a.train().i32("id")), "the rows are shuffled");
    assertFalse(Arrays.equals(Arrays.copyOf(Permutations.shuffled(50, 9, 0), 30), a.train().i32("id")),
        "the split's shuffle is not the first epoch's");
  }

  @Test
  void partsMayBeEmpty() {
    Splits s = Splits.split(rows(10), 1, 0, 0, 1);
    assertEquals(10, s.train().size());
    assertEquals(0, s.val().size());
    assertEquals(0, s.test().size());
    assertEquals(s.train().columns(), s.test().columns());
    Splits none = Splits.split(rows(0), 0.8, 0.2, 0, 1);
    assertEquals(0, none.train().size() + none.val().size() + none.test().size());
  }

  @Test
  void fractionsBelowOneLeaveRowsOut() {
    Splits s = Splits.split(rows(10), 0.5, 0.2, 0, 1);
    assertEquals(5, s.train().size());
    assertEquals(2, s.val().size());
    assertEquals(0, s.test().size());
  }

  @Test
  void roundingNeverMakesMoreRowsThanThereAre() {
    assertArrayEquals(new int[] {1, 0, 0}, Splits.sizes(1, 0.5, 0.5, 0));
    assertArrayEquals(new int[] {2, 0, 1}, Splits.sizes(3, 0.5, 0.1, 0.4));
    assertArrayEquals(new int[] {8, 1, 1}, Splits.sizes(10, 0.8, 0.1, 0.1));
  }

  @Test
  void theRoundingRemainderGoesToTheTestPartWhenTheFractionsAddUpToOne() {
    assertArrayEquals(new int[] {3, 3, 4}, Splits.sizes(10, 0.34, 0.33, 0.33));
    assertArrayEquals(new int[] {3, 3, 3}, Splits.sizes(10, 0.34, 0.33, 0.32), "below 1 the test part is rounded");
  }

  @Test
  void fractionsAreChecked() {
    IllegalArgumentException sum = assertThrows(IllegalArgumentException.class,
        () -> Splits.split(rows(10), 0.8, 0.2, 0.1, 1));
    assertEquals("the parts of a split add up to more than the whole data set: train 0.8 + val 0.2 + test 0.1 = "
        + (0.8 + 0.2 + 0.1), sum.getMessage());
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> Splits.split(rows(10), 0.8, -0.2, 0, 1));
    assertEquals("val must be a fraction of the data in [0, 1], got -0.2", negative.getMessage());
  }
}
