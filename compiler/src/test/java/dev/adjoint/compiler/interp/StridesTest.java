package dev.adjoint.compiler.interp;

import static dev.adjoint.compiler.interp.Fixtures.dims;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Row-major strides, sizes, offsets and the multi-index odometer. */
class StridesTest {
  @Test
  void stridesAndSizes() {
    assertArrayEquals(dims(12, 4, 1), Strides.of(dims(2, 3, 4)));
    assertArrayEquals(dims(), Strides.of(dims()));
    assertEquals(24, Strides.size(dims(2, 3, 4)));
    assertEquals(1, Strides.size(dims()));
    assertEquals(0, Strides.size(dims(2, 0)));
    assertThrows(IllegalArgumentException.class, () -> Strides.size(dims(1 << 16, 1 << 16)));
  }

  @Test
  void flatAndUnravelAreInverse() {
    int[] shape = dims(2, 3, 4);
    assertEquals(13, Strides.flat(dims(1, 0, 1), Strides.of(shape)));
    assertArrayEquals(dims(1, 0, 1), Strides.unravel(13, shape));
    for (int i = 0; i < 24; i++) {
      assertEquals(i, Strides.flat(Strides.unravel(i, shape), Strides.of(shape)));
    }
  }

  @Test
  void nextVisitsEveryIndexInRowMajorOrder() {
    int[] shape = dims(2, 2);
    int[] index = new int[2];
    List<String> seen = new ArrayList<>();
    do {
      seen.add(index[0] + "," + index[1]);
    } while (Strides.next(index, shape));
    assertEquals(List.of("0,0", "0,1", "1,0", "1,1"), seen);
    assertArrayEquals(dims(0, 0), index);
    assertFalse(Strides.next(new int[0], dims()));
  }
}
