package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Empty products and rejected arguments. */
class GemmArgumentsTest {
  private final float[] a = {1, 2, 3, 4, 5, 6};
  private final float[] b = {1, 2, 3, 4, 5, 6};

  @Test
  void emptyRowsOrColumnsLeaveCUnchanged() {
    for (GemmEngine engine : TestEngines.all()) {
      float[] c = {9, 9, 9};
      engine.multiply(false, false, 0, 3, 2, a, 0, b, 0, c, 0, false);
      engine.multiply(false, false, 3, 0, 2, a, 0, b, 0, c, 0, false);
      engine.multiplyBias(false, false, 0, 3, 2, a, 0, b, 0, c, 0, b, 0, true);
      assertArrayEquals(new float[] {9, 9, 9}, c);
    }
  }

  @Test
  void emptySharedDimensionGivesZeroOrLeavesAccumulatedC() {
    for (GemmEngine engine : TestEngines.all()) {
      float[] c = {9, 9, 9, 9, 9};
      engine.multiply(false, true, 2, 2, 0, new float[0], 0, new float[0], 0, c, 1, true);
      assertArrayEquals(new float[] {9, 9, 9, 9, 9}, c);
      engine.multiply(true, false, 2, 2, 0, new float[0], 0, new float[0], 0, c, 1, false);
      assertArrayEquals(new float[] {9, 0, 0, 0, 0}, c);
      float[] bias = {-1, 2};
      engine.multiplyBias(false, false, 2, 2, 0, a, 0, b, 0, c, 1, bias, 0, false);
      assertArrayEquals(new float[] {9, -1, 2, -1, 2}, c);
      engine.multiplyBias(false, false, 2, 2, 0, a, 0, b, 0, c, 1, bias, 0, true);
      assertArrayEquals(new float[] {9, 0, 2, 0, 2}, c);
    }
  }

  @Test
  void negativeSizesAreRejectedByName() {
    float[] c = new float[9];
    expect("m", () -> Gemm.multiply(false, false, -1, 2, 2, a, 0, b, 0, c, 0, false));
    expect("n", () -> Gemm.multiply(false, false, 2, -1, 2, a, 0, b, 0, c, 0, false));
    expect("k", () -> Gemm.multiply(false, false, 2, 2, -3, a, 0, b, 0, c, 0, false));
  }

  @Test
  void shortArraysAndBadOffsetsAreRejectedByName() {
    float[] c = new float[4];
    expect("a", () -> Gemm.multiply(false, false, 2, 2, 4, a, 0, new float[8], 0, c, 0, false));
    expect("b", () -> Gemm.multiply(false, false, 2, 2, 3, a, 0, b, 1, c, 0, false));
    expect("c", () -> Gemm.multiply(false, false, 2, 2, 3, a, 0, b, 0, c, 1, false));
    expect("aOffset", () -> Gemm.multiply(false, false, 1, 1, 1, a, -1, b, 0, c, 0, false));
    expect("bOffset", () -> Gemm.multiply(false, false, 1, 1, 1, a, 0, b, -2, c, 0, false));
    expect("cOffset", () -> Gemm.multiply(false, false, 1, 1, 1, a, 0, b, 0, c, -1, false));
    expect("bias", () -> Gemm.multiplyBias(false, false, 2, 2, 3, a, 0, b, 0, c, 0,
        new float[3], 2, false));
    expect("biasOffset", () -> Gemm.multiplyBias(false, false, 2, 2, 3, a, 0, b, 0, c, 0,
        new float[3], -1, false));
  }

  @Test
  void hugeSizesDoNotOverflowTheChecks() {
    expect("a", () -> Gemm.multiply(false, false, 1 << 20, 1, 1 << 20, a, 0, b, 0, new float[9],
        0, false));
  }

  @Test
  void cOverlappingAnInputIsRejected() {
    float[] x = new float[20];
    expect("c overlaps a", () -> Gemm.multiply(false, false, 2, 2, 2, x, 0, b, 0, x, 3, false));
    expect("c overlaps b", () -> Gemm.multiply(false, false, 2, 2, 2, a, 0, x, 6, x, 3, false));
    Gemm.multiply(false, false, 2, 2, 2, x, 0, b, 0, x, 4, false);
    // c just before an input, sharing no element, is fine; one element more is an overlap
    Gemm.multiply(false, false, 2, 2, 2, a, 0, x, 4, x, 0, false);
    expect("c overlaps b", () -> Gemm.multiply(false, false, 2, 2, 2, a, 0, x, 3, x, 0, false));
    expect("c overlaps a", () -> Gemm.multiply(false, false, 2, 2, 2, x, 7, b, 0, x, 4, false));
    Gemm.multiply(false, false, 2, 2, 2, x, 8, b, 0, x, 4, false);
    // with k = 0 the inputs hold nothing, so they overlap nothing: c is zeroed
    float[] y = {5, 5, 5, 5};
    Gemm.multiply(false, false, 2, 2, 0, y, 0, y, 0, y, 0, false);
    assertArrayEquals(new float[4], y);
  }

  @Test
  void nullArraysAreRejectedByName() {
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> Gemm.multiply(false, false, 1, 1, 1, a, 0, null, 0, new float[1], 0, false));
    assertEquals("b", e.getMessage());
  }

  @Test
  void closedEngineRefusesWork() {
    GemmEngine engine = GemmEngine.create(2);
    engine.close();
    engine.close();
    assertThrows(IllegalStateException.class,
        () -> engine.multiply(false, false, 1, 1, 1, a, 0, b, 0, new float[1], 0, false));
    Gemm.engine().close();
    float[] c = new float[1];
    Gemm.multiply(false, false, 1, 1, 1, a, 0, b, 0, c, 0, false);
    assertEquals(1f, c[0]);
  }

  @Test
  void threadCountMustBePositive() {
    expect("threads", () -> GemmEngine.create(0));
  }

  private static void expect(String name, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().matches(Pattern.quote(name) + "\\b.*"),
        () -> "message should start with " + name + ": " + e.getMessage());
  }
}
