package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The argument checks at their boundaries: an array of exactly the needed length passes and
 * one float less does not; empty slices overlap nothing; a batch's spans and strides.
 */
class GemmChecksTest {
  @Test
  void anArrayOfExactlyTheNeededLengthPasses() {
    GemmChecks.check(2, 3, 4, new float[9], 1, new float[14], 2, new float[9], 3, true,
        new float[5], 2);
    assertEquals("a is too short: m*k = 8 floats from aOffset 2 need length 10, got 9",
        message(() -> GemmChecks.check(2, 3, 4, new float[9], 2, new float[12], 0, new float[6],
            0, false, null, 0)));
    assertEquals("bias is too short: n = 3 floats from biasOffset 3 need length 6, got 5",
        message(() -> GemmChecks.check(2, 3, 4, new float[8], 0, new float[12], 0, new float[6],
            0, true, new float[5], 3)));
    assertEquals("k must not be negative, got -1",
        message(() -> GemmChecks.check(0, 0, -1, new float[0], 0, new float[0], 0, new float[0],
            0, false, null, 0)));
  }

  @Test
  void theBiasIsNotCheckedWithoutTheEpilogue() {
    GemmChecks.check(1, 1, 1, new float[1], 0, new float[1], 0, new float[1], 0, false, null, 0);
    assertThrows(NullPointerException.class, () -> GemmChecks.check(1, 1, 1, new float[1], 0,
        new float[1], 0, new float[1], 0, true, null, 0));
  }

  @Test
  void emptySlicesOverlapNothing() {
    float[] x = new float[8];
    // k = 0: A and B hold nothing, even where they start inside C
    GemmChecks.check(2, 2, 0, x, 2, x, 1, x, 0, false, null, 0);
    // m = 0: C holds nothing, even where it starts inside B
    GemmChecks.check(0, 2, 2, x, 0, x, 0, x, 2, false, null, 0);
    assertEquals("c overlaps b: the product cannot be computed in place",
        message(() -> GemmChecks.check(1, 2, 2, new float[2], 0, x, 0, x, 3, false, null, 0)));
    assertEquals("c overlaps a: the product cannot be computed in place",
        message(() -> GemmChecks.check(2, 1, 2, x, 3, new float[2], 0, x, 2, false, null, 0)));
  }

  @Test
  void aBatchNeedsItsLastProductInsideEachArray() {
    float[] a = new float[2 * 5 + 6];
    float[] b = new float[24];
    float[] c = new float[2 * 7 + 6];
    // 3 products of 2x3 by 3x3: A's slices (6 floats) every 5, B's (9) every 4, C's (6) every 7
    GemmChecks.batched(3, 2, 3, 3, a, 0, 5, b, 0, 4, c, 0, 7);
    assertEquals("c is too short: (batches-1)*cStride + m*n = 20 floats from cOffset 1 need"
        + " length 21, got 20",
        message(() -> GemmChecks.batched(3, 2, 3, 3, a, 0, 5, b, 0, 4, c, 1, 7)));
    assertEquals("a is too short: (batches-1)*aStride + m*k = 16 floats from aOffset 1 need"
        + " length 17, got 16",
        message(() -> GemmChecks.batched(3, 2, 3, 3, a, 1, 5, b, 0, 4, c, 0, 7)));
    assertEquals("b is too short: (batches-1)*bStride + k*n = 17 floats from bOffset 8 need"
        + " length 25, got 24",
        message(() -> GemmChecks.batched(3, 2, 3, 3, a, 0, 5, b, 8, 4, c, 0, 7)));
  }

  @Test
  void anEmptyBatchNeedsNoFloats() {
    float[] none = new float[0];
    GemmChecks.batched(0, 2, 3, 4, none, 0, 8, none, 0, 12, none, 0, 6);
    GemmChecks.batched(1, 0, 0, 0, none, 0, 0, none, 0, 0, none, 0, 0);
  }

  @Test
  void theProductsOfABatchMayNotOverlapInC() {
    float[] x = new float[64];
    float[] y = new float[64];
    // stride exactly m*n: adjacent products
    GemmChecks.batched(2, 2, 3, 1, x, 0, 2, x, 0, 3, y, 0, 6);
    assertEquals("cStride 5 is less than m*n = 6: the products of the batch would overlap in c",
        message(() -> GemmChecks.batched(2, 2, 3, 1, x, 0, 2, x, 0, 3, y, 0, 5)));
    // one product, or empty products, cannot overlap one another
    GemmChecks.batched(1, 2, 3, 1, x, 0, 0, x, 0, 0, y, 0, 0);
    GemmChecks.batched(3, 0, 3, 1, x, 0, 0, x, 0, 0, y, 0, 0);
  }

  @Test
  void aBatchRefusesNegativeSizesByName() {
    float[] x = new float[64];
    float[] y = new float[64];
    assertEquals("m must not be negative, got -1",
        message(() -> GemmChecks.batched(2, -1, 3, 1, x, 0, 2, x, 0, 3, y, 0, 6)));
    assertEquals("n must not be negative, got -2",
        message(() -> GemmChecks.batched(2, 2, -2, 1, x, 0, 2, x, 0, 3, y, 0, 6)));
    assertEquals("k must not be negative, got -3",
        message(() -> GemmChecks.batched(2, 2, 3, -3, x, 0, 2, x, 0, 3, y, 0, 6)));
  }

  @Test
  void aBatchMayNotOverlapItsInputsAnywhere() {
    float[] x = new float[64];
    // C's products at 20 and 30 (6 floats each), A's at 0 and 9 (2 floats each): the second
    // product's C starts right after the span of A's products
    GemmChecks.batched(2, 2, 3, 1, x, 0, 9, new float[3], 0, 0, x, 11, 10);
    assertEquals("c overlaps a: the product cannot be computed in place",
        message(() -> GemmChecks.batched(2, 2, 3, 1, x, 0, 9, new float[3], 0, 0, x, 10, 10)));
    assertEquals("c overlaps b: the product cannot be computed in place",
        message(() -> GemmChecks.batched(2, 2, 3, 1, new float[2], 0, 0, x, 30, 0, x, 0, 25)));
    assertEquals("cStride must not be negative, got -1",
        message(() -> GemmChecks.batched(2, 2, 3, 1, x, 0, 0, x, 0, 0, x, 0, -1)));
    assertEquals("aStride must not be negative, got -1",
        message(() -> GemmChecks.batched(2, 2, 3, 1, x, 0, -1, x, 0, 0, x, 0, 6)));
    assertEquals("bStride must not be negative, got -2",
        message(() -> GemmChecks.batched(2, 2, 3, 1, x, 0, 0, x, 0, -2, x, 0, 6)));
    assertEquals("batches must not be negative, got -1",
        message(() -> GemmChecks.batched(-1, 2, 3, 1, x, 0, 0, x, 0, 0, x, 0, 6)));
  }

  @Test
  void threadCounts() {
    GemmChecks.threads(1);
    assertEquals("threads must be at least 1, got 0", message(() -> GemmChecks.threads(0)));
  }

  private static String message(Executable call) {
    return assertThrows(IllegalArgumentException.class, call).getMessage();
  }
}
