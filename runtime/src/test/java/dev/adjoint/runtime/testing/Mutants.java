package dev.adjoint.runtime.testing;

import java.util.Arrays;
import java.util.Random;

/** Damaged copies of valid files for property tests: bytes flipped, replaced, deleted, inserted or cut off. */
public final class Mutants {
  /** Bytes a damaged text or header is likely to trip on, besides random ones. */
  private static final byte[] TRICKY = {0, '"', ',', '\n', '\r', ' ', '-', '.', 'e', '9', '(', ')', '\'', '{', '}',
      ':', '[', ']', (byte) 0x80, (byte) 0xC3, (byte) 0xE2, (byte) 0xFF, 0x7F, 0x1f, (byte) 0x8b};

  private Mutants() {}

  /** {@code valid} with one to four random changes. */
  public static byte[] of(byte[] valid, Random random) {
    byte[] out = valid.clone();
    int changes = 1 + random.nextInt(4);
    for (int i = 0; i < changes; i++) {
      out = change(out, random);
    }
    return out;
  }

  private static byte[] change(byte[] in, Random random) {
    if (in.length == 0) {
      return new byte[] {pick(random)};
    }
    int at = random.nextInt(in.length);
    switch (random.nextInt(6)) {
      case 0 -> {
        byte[] out = in.clone();
        out[at] ^= (byte) (1 << random.nextInt(8));
        return out;
      }
      case 1 -> {
        byte[] out = in.clone();
        out[at] = pick(random);
        return out;
      }
      case 2 -> {
        byte[] out = new byte[in.length - 1];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(in, at + 1, out, at, in.length - at - 1);
        return out;
      }
      case 3 -> {
        byte[] out = new byte[in.length + 1];
        System.arraycopy(in, 0, out, 0, at);
        out[at] = pick(random);
        System.arraycopy(in, at, out, at + 1, in.length - at);
        return out;
      }
      case 4 -> {
        return Arrays.copyOf(in, at);
      }
      default -> {
        byte[] out = in.clone();
        int width = Math.min(4, in.length - at);
        for (int i = 0; i < width; i++) {
          out[at + i] = (byte) (random.nextBoolean() ? 0xFF : 0x7F);
        }
        return out;
      }
    }
  }

  private static byte pick(Random random) {
    return random.nextBoolean() ? TRICKY[random.nextInt(TRICKY.length)] : (byte) random.nextInt(256);
  }
}
