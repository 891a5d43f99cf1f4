package dev.adjoint.runtime.random;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11):
 * a counter-based generator, a keyed bijection of a 128-bit counter. The same
 * (key, counter) always gives the same bits, in any order and on any thread, which is
 * what lets the reference interpreter and generated code draw identical dropout masks.
 */
public final class Philox {
  private static final int M0 = 0xD2511F53;
  private static final int M1 = 0xCD9E8D57;
  private static final int W0 = 0x9E3779B9;
  private static final int W1 = 0xBB67AE85;

  private Philox() {}

  /** Ten rounds over counter (c0..c3) with key (k0, k1); writes four words to {@code out}. */
  public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
    for (int round = 0; round < 10; round++) {
      long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
      long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
      int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
      int n1 = (int) p1;
      int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
      int n3 = (int) p0;
      c0 = n0;
      c1 = n1;
      c2 = n2;
      c3 = n3;
      k0 += W0;
      k1 += W1;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
  }

  /** One word of a block, without allocating: word {@code index & 3} of the block at {@code index >>> 2}. */
  public static int word(int c1, int c2, int c3, int k0, int k1, long index) {
    int c0 = (int) (index >>> 2);
    int lane = (int) (index & 3);
    for (int round = 0; round < 10; round++) {
      long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
      long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
      int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
      int n1 = (int) p1;
      int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
      int n3 = (int) p0;
      c0 = n0;
      c1 = n1;
      c2 = n2;
      c3 = n3;
      k0 += W0;
      k1 += W1;
    }
    return switch (lane) {
      case 0 -> c0;
      case 1 -> c1;
      case 2 -> c2;
      default -> c3;
    };
  }
}
