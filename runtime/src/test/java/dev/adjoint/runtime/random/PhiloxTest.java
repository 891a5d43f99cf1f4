package dev.adjoint.runtime.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PhiloxTest {

  /** Known-answer vectors of Random123's kat_vectors for philox4x32_10. */
  @Test
  void matchesRandom123KnownAnswers() {
    int[] out = new int[4];
    Philox.block(0, 0, 0, 0, 0, 0, out);
    assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, out);
    Philox.block(-1, -1, -1, -1, -1, -1, out);
    assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, out);
    Philox.block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out);
    assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}, out);
  }

  @Test
  void wordAgreesWithBlock() {
    int[] out = new int[4];
    for (long index = 0; index < 64; index++) {
      Philox.block((int) (index >>> 2), 7, 11, 13, 17, 19, out);
      assertEquals(out[(int) (index & 3)], Philox.word(7, 11, 13, 17, 19, index));
    }
  }

  @Test
  void uniformIsInUnitIntervalAndMultipleOfTwoToMinus24() {
    for (long i = 0; i < 10_000; i++) {
      float u = CounterRng.uniform(42, 3, 1, i);
      assertTrue(u >= 0f && u < 1f, "u=" + u);
      float scaled = u * (1 << 24);
      assertEquals(Math.rint(scaled), scaled, 0.0);
    }
  }

  @Test
  void uniformHasTheMomentsOfUniform() {
    int n = 200_000;
    double sum = 0;
    double sumSq = 0;
    for (long i = 0; i < n; i++) {
      double u = CounterRng.uniform(1, 0, 0, i);
      sum += u;
      sumSq += u * u;
    }
    double mean = sum / n;
    double variance = sumSq / n - mean * mean;
    // standard error of the mean is sqrt(1/12/n) ~ 0.00065
    assertEquals(0.5, mean, 0.004);
    assertEquals(1.0 / 12, variance, 0.002);
  }

  @Test
  void normalHasTheMomentsOfStandardNormal() {
    int n = 100_000;
    double sum = 0;
    double sumSq = 0;
    for (long i = 0; i < n; i++) {
      double z = CounterRng.normal(5, 0, 2, i);
      sum += z;
      sumSq += z * z;
    }
    assertEquals(0.0, sum / n, 0.02);
    assertEquals(1.0, sumSq / n - (sum / n) * (sum / n), 0.03);
  }

  @Test
  void keysSeparateSeedsStepsAndStreams() {
    float base = CounterRng.uniform(1, 2, 3, 4);
    assertEquals(base, CounterRng.uniform(1, 2, 3, 4));
    assertNotEquals(base, CounterRng.uniform(2, 2, 3, 4));
    assertNotEquals(base, CounterRng.uniform(1, 3, 3, 4));
    assertNotEquals(base, CounterRng.uniform(1, 2, 4, 4));
    assertNotEquals(base, CounterRng.uniform(1, 2, 3, 5));
  }

  @Test
  void uniformsAreTheDrawsOneByOneWhereverTheyStartAndEnd() {
    long seed = 0x1234_5678_9abcL;
    for (long first : new long[] {0, 1, 3, 6, (1L << 34) - 5}) {
      for (int count : new int[] {1, 2, 5, 8, 13}) {
        float[] out = new float[count + 3];
        CounterRng.uniforms(seed, 9, 21, first, out, 2, count);
        for (int k = 0; k < out.length; k++) {
          float expected = k < 2 || k >= 2 + count ? 0 : CounterRng.uniform(seed, 9, 21, first + k - 2);
          assertEquals(expected, out[k], "first " + first + ", count " + count + ", slot " + k);
        }
      }
    }
  }

  @Test
  void boxMullerIsWhatNormalComputesFromItsTwoDraws() {
    for (long element = 0; element < 16; element++) {
      double u1 = CounterRng.uniform(5, 2, 3, 2 * element);
      double u2 = CounterRng.uniform(5, 2, 3, 2 * element + 1);
      assertEquals(CounterRng.normal(5, 2, 3, element), CounterRng.boxMuller(u1, u2));
    }
    assertEquals(0.0, CounterRng.boxMuller(0, 0.25), 1e-15);
    assertEquals(Math.sqrt(-2 * Math.log(0.5)), CounterRng.boxMuller(0.5, 0), 1e-15);
  }
}
