package dev.adjoint.runtime.kernels;

import java.util.Objects;

/** Argument checks for the products, with messages that name the offending argument. */
final class GemmChecks {
  private GemmChecks() {}

  /**
   * Checks sizes, array extents and that C overlaps neither A nor B.
   *
   * @throws NullPointerException if an array is null ({@code bias} only when {@code withBias})
   * @throws IllegalArgumentException for a negative size or offset, an array too short, or
   *     C overlapping A or B
   */
  static void check(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset,
      float[] c, int cOffset, boolean withBias, float[] bias, int biasOffset) {
    nonNegative("m", m);
    nonNegative("n", n);
    nonNegative("k", k);
    long aSize = (long) m * k;
    long bSize = (long) k * n;
    long cSize = (long) m * n;
    extent("a", a, "aOffset", aOffset, aSize, "m*k");
    extent("b", b, "bOffset", bOffset, bSize, "k*n");
    extent("c", c, "cOffset", cOffset, cSize, "m*n");
    if (withBias) {
      extent("bias", bias, "biasOffset", biasOffset, n, "n");
    }
    disjoint("a", a, aOffset, aSize, c, cOffset, cSize);
    disjoint("b", b, bOffset, bSize, c, cOffset, cSize);
  }

  /**
   * Checks a batch of products: sizes and strides, that every product's slices lie inside
   * their arrays, that C's products do not overlap one another, and that C overlaps neither
   * A nor B anywhere in the batch.
   */
  static void batched(int batches, int m, int n, int k, float[] a, int aOffset, int aStride,
      float[] b, int bOffset, int bStride, float[] c, int cOffset, int cStride) {
    nonNegative("batches", batches);
    nonNegative("m", m);
    nonNegative("n", n);
    nonNegative("k", k);
    nonNegative("aStride", aStride);
    nonNegative("bStride", bStride);
    nonNegative("cStride", cStride);
    long last = Math.max(0, batches - 1);
    long aSize = (long) m * k;
    long bSize = (long) k * n;
    long cSize = (long) m * n;
    long aSpan = batches == 0 ? 0 : last * aStride + aSize;
    long bSpan = batches == 0 ? 0 : last * bStride + bSize;
    long cSpan = batches == 0 ? 0 : last * cStride + cSize;
    extent("a", a, "aOffset", aOffset, aSpan, "(batches-1)*aStride + m*k");
    extent("b", b, "bOffset", bOffset, bSpan, "(batches-1)*bStride + k*n");
    extent("c", c, "cOffset", cOffset, cSpan, "(batches-1)*cStride + m*n");
    if (batches > 1 && cSize > 0 && cStride < cSize) {
      throw new IllegalArgumentException("cStride " + cStride + " is less than m*n = " + cSize
          + ": the products of the batch would overlap in c");
    }
    disjoint("a", a, aOffset, aSpan, c, cOffset, cSpan);
    disjoint("b", b, bOffset, bSpan, c, cOffset, cSpan);
  }

  /** Checks a thread count. */
  static void threads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
  }

  private static void nonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, got " + value);
    }
  }

  private static void extent(String name, float[] array, String offsetName, int offset,
      long size, String sizeText) {
    Objects.requireNonNull(array, name);
    if (offset < 0) {
      throw new IllegalArgumentException(offsetName + " must not be negative, got " + offset);
    }
    if (offset + size > array.length) {
      throw new IllegalArgumentException(name + " is too short: " + sizeText + " = " + size
          + " floats from " + offsetName + " " + offset + " need length " + (offset + size)
          + ", got " + array.length);
    }
  }

  private static void disjoint(String name, float[] input, int inputOffset, long inputSize,
      float[] c, int cOffset, long cSize) {
    if (input == c && inputSize > 0 && cSize > 0
        && inputOffset < cOffset + cSize && cOffset < inputOffset + inputSize) {
      throw new IllegalArgumentException("c overlaps " + name + ": the product cannot be computed"
          + " in place");
    }
  }
}
