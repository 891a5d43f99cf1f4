package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A product over a B packed once ({@link GemmEngine#multiplyPacked}) is bit for bit the plain
 * product of its source, on every test engine (the 2-thread ones split every shape), for
 * both layouts of B, with and without accumulation, with edge slivers and several k blocks,
 * and below 4 rows (where the source is read directly); the packing is reused across calls
 * with different A, and refilled when B changes.
 */
class PackedMatrixTest {
  static List<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    int[][] shapes = {{32, 1024, 256}, {32, 256, 1024}, {37, 301, 529}, {4, 17, 3}, {3, 301, 529}, {1, 5, 7},
        {130, 20, 600}};
    for (int engine = 0; engine < TestEngines.all().size(); engine++) {
      for (int[] shape : shapes) {
        for (String variant : new String[] {"NN", "NT", "TN", "TT"}) {
          cases.add(Arguments.of(engine, variant, shape[0], shape[1], shape[2]));
        }
      }
    }
    return cases;
  }

  // engines by index: JUnit closes AutoCloseable arguments, and these are shared
  @ParameterizedTest(name = "engine {0} {1} m={2} n={3} k={4}")
  @MethodSource("cases")
  void packedProductIsThePlainProductBitForBit(int index, String variant, int m, int n, int k) {
    GemmEngine engine = TestEngines.all().get(index);
    boolean ta = variant.charAt(0) == 'T';
    boolean tb = variant.charAt(1) == 'T';
    Random random = new Random(m + 31L * n + 17L * k);
    float[] b = Reference.random(random, 0, k * n + 3, 0);
    PackedMatrix packed = engine.packed(k, n);
    assertFalse(packed.packed());
    engine.pack(packed, tb, b, 3);
    assertTrue(packed.packed());
    assertEquals(k, packed.k());
    assertEquals(n, packed.n());
    for (int call = 0; call < 2; call++) {
      float[] a = Reference.random(random, 0, m * k + 5, 0);
      float[] c0 = Reference.random(random, 0, m * n + 2, 0);
      for (boolean accumulate : new boolean[] {false, true}) {
        float[] expected = c0.clone();
        engine.multiply(ta, tb, m, n, k, a, 5, b, 3, expected, 2, accumulate);
        float[] actual = c0.clone();
        engine.multiplyPacked(ta, m, a, 5, packed, actual, 2, accumulate);
        assertArrayEquals(expected, actual, engine + " call " + call + " accumulate " + accumulate);
      }
    }
    float[] changed = b.clone();
    changed[3] += 1f;
    changed[changed.length - 1] -= 2f;
    engine.pack(packed, tb, changed, 3);
    float[] a = Reference.random(random, 0, m * k, 0);
    float[] expected = new float[m * n];
    engine.multiply(ta, tb, m, n, k, a, 0, changed, 3, expected, 0, false);
    float[] actual = new float[m * n];
    engine.multiplyPacked(ta, m, a, 0, packed, actual, 0, false);
    assertArrayEquals(expected, actual, engine + " after packing a changed B");
    Reference.check("packed " + variant, ta, tb, m, n, k, a, 0, changed, 3, new float[m * n], actual, 0, false, null, 0,
        false);
  }

  @Test
  void extremeValuesPassThroughAsInThePlainProduct() {
    float[] b = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, 0f, 1e-30f, 3e38f, -1f, Float.NaN,
        Float.POSITIVE_INFINITY, 2f, -0f, 1f};
    float[] a = new float[5 * 3];
    for (int i = 0; i < a.length; i++) {
      a[i] = i % 2 == 0 ? 1e20f : -1e-20f;
    }
    for (GemmEngine engine : TestEngines.all()) {
      PackedMatrix packed = engine.packed(3, 4);
      engine.pack(packed, false, b, 0);
      float[] expected = new float[5 * 4];
      engine.multiply(false, false, 5, 4, 3, a, 0, b, 0, expected, 0, false);
      float[] actual = new float[5 * 4];
      engine.multiplyPacked(false, 5, a, 0, packed, actual, 0, false);
      assertArrayEquals(expected, actual, engine.toString());
    }
  }

  @Test
  void misuseIsRefusedWithAMessage() {
    GemmEngine engine = TestEngines.all().get(0);
    PackedMatrix packed = engine.packed(4, 6);
    float[] c = new float[8 * 6];
    IllegalStateException unpacked = assertThrows(IllegalStateException.class,
        () -> engine.multiplyPacked(false, 8, new float[32], 0, packed, c, 0, false));
    assertTrue(unpacked.getMessage().contains("before it was packed"), unpacked.getMessage());
    IllegalArgumentException shortB = assertThrows(IllegalArgumentException.class,
        () -> engine.pack(packed, false, new float[23], 0));
    assertTrue(shortB.getMessage().contains("23 floats"), shortB.getMessage());
    assertThrows(IllegalArgumentException.class, () -> engine.pack(packed, false, new float[24], -1));
    assertThrows(NullPointerException.class, () -> engine.pack(packed, false, null, 0));
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> engine.packed(0, 3));
    assertTrue(empty.getMessage().contains("k = 0"), empty.getMessage());
    assertThrows(IllegalArgumentException.class, () -> engine.packed(3, 0));
    engine.pack(packed, false, new float[24], 0);
    IllegalArgumentException shortA = assertThrows(IllegalArgumentException.class,
        () -> engine.multiplyPacked(false, 8, new float[31], 0, packed, c, 0, false));
    assertTrue(shortA.getMessage().startsWith("a is too short"), shortA.getMessage());
    for (GemmEngine other : TestEngines.all()) {
      if (other.packed(1, 1).nr != packed.nr) {
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
            () -> other.multiplyPacked(false, 8, new float[32], 0, packed, c, 0, false));
        assertTrue(foreign.getMessage().contains("slivers of"), foreign.getMessage());
      }
    }
  }

  @Test
  void aSteadyPackedProductAllocatesNothing() {
    GemmEngine engine = TestEngines.all().get(0);
    Random random = new Random(3);
    float[] b = Reference.random(random, 0, 256 * 1024, 0);
    float[] a = Reference.random(random, 0, 32 * 256, 0);
    float[] c = new float[32 * 1024];
    PackedMatrix packed = engine.packed(256, 1024);
    for (int i = 0; i < 200; i++) {
      engine.pack(packed, true, b, 0);
      engine.multiplyPacked(false, 32, a, 0, packed, c, 0, false);
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long least = Long.MAX_VALUE;
    for (int attempt = 0; attempt < 5; attempt++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 20; i++) {
        engine.pack(packed, true, b, 0);
        engine.multiplyPacked(false, 32, a, 0, packed, c, 0, false);
      }
      least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
    }
    assertEquals(0, least);
  }
}
