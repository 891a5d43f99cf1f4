package dev.adjoint.runtime.features;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The bucket of a character n-gram: the MD5 digest of its UTF-8 bytes read as one unsigned
 * 128-bit big-endian integer, modulo the bucket count. In Python,
 * {@code int(hashlib.md5(gram.encode("utf-8")).hexdigest(), 16) % buckets}.
 *
 * <p>MD5 costs far more than the rest of featurizing, and the n-grams of a language repeat,
 * so n-grams of up to three code points (21 bits each, packed into a long) keep their bucket
 * in an open-addressing table per order, emptied when half full. Not thread-safe: one per
 * thread. Allocates nothing once made.
 */
public final class NgramHasher {
  /** Slots per order's table; emptied at half. */
  private static final int SLOTS = 1 << 15;

  private final MessageDigest md5;
  private final byte[] digest = new byte[16];
  private byte[] utf8 = new byte[16];
  private final int[] buckets;
  private final long[][] keys;
  private final int[][] values;
  private final int[] filled;

  /** A hasher into {@code buckets[k]} buckets for the k-th order. */
  public NgramHasher(int[] buckets) {
    this.buckets = buckets.clone();
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has MD5", e);
    }
    keys = new long[buckets.length][SLOTS];
    values = new int[buckets.length][SLOTS];
    filled = new int[buckets.length];
    for (long[] k : keys) {
      Arrays.fill(k, -1L);
    }
  }

  /**
   * The bucket, in [0, buckets[order]), of the n-gram {@code codePoints[from .. from + n)},
   * {@code order} the index of its order's bucket count.
   */
  public int bucket(int order, int[] codePoints, int from, int n) {
    if (n > 3) {
      return hash(order, codePoints, from, n);
    }
    long key = 0;
    for (int i = 0; i < n; i++) {
      key = key << 21 | codePoints[from + i];
    }
    long[] k = keys[order];
    int mask = SLOTS - 1;
    int slot = (int) (key ^ key >>> 29 ^ key >>> 47) * 0x9E3779B9 >>> 17 & mask;
    while (k[slot] != -1L) {
      if (k[slot] == key) {
        return values[order][slot];
      }
      slot = slot + 1 & mask;
    }
    int bucket = hash(order, codePoints, from, n);
    if (filled[order] >= SLOTS / 2) {
      Arrays.fill(k, -1L);
      filled[order] = 0;
      slot = (int) (key ^ key >>> 29 ^ key >>> 47) * 0x9E3779B9 >>> 17 & mask;
    }
    k[slot] = key;
    values[order][slot] = bucket;
    filled[order]++;
    return bucket;
  }

  /** MD5 of the n-gram's UTF-8 bytes modulo the order's bucket count, uncached. */
  int hash(int order, int[] codePoints, int from, int n) {
    if (utf8.length < 4 * n) {
      utf8 = new byte[4 * n];
    }
    int length = 0;
    for (int i = from; i < from + n; i++) {
      length = encode(codePoints[i], utf8, length);
    }
    md5.update(utf8, 0, length);
    try {
      md5.digest(digest, 0, 16);
    } catch (DigestException e) {
      throw new IllegalStateException("MD5 writes 16 bytes", e);
    }
    long m = buckets[order];
    long r = 0;
    for (byte b : digest) {
      r = (r << 8 | (b & 0xFF)) % m;
    }
    return (int) r;
  }

  /** Writes {@code cp}'s UTF-8 bytes at {@code at}; the position after them. */
  private static int encode(int cp, byte[] out, int at) {
    if (cp < 0x80) {
      out[at] = (byte) cp;
      return at + 1;
    }
    if (cp < 0x800) {
      out[at] = (byte) (0xC0 | cp >> 6);
      out[at + 1] = (byte) (0x80 | cp & 0x3F);
      return at + 2;
    }
    if (cp < 0x10000) {
      out[at] = (byte) (0xE0 | cp >> 12);
      out[at + 1] = (byte) (0x80 | cp >> 6 & 0x3F);
      out[at + 2] = (byte) (0x80 | cp & 0x3F);
      return at + 3;
    }
    out[at] = (byte) (0xF0 | cp >> 18);
    out[at + 1] = (byte) (0x80 | cp >> 12 & 0x3F);
    out[at + 2] = (byte) (0x80 | cp >> 6 & 0x3F);
    out[at + 3] = (byte) (0x80 | cp & 0x3F);
    return at + 4;
  }
}
