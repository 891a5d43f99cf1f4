package dev.adjoint.runtime.kernels;

import java.util.Arrays;

/**
 * Copies blocks of A and B into the contiguous, zero-padded micro-panels the micro-kernel
 * streams through: A as column-major slivers of mr rows, B as row-major slivers of nr
 * columns. Packing absorbs the transposed layouts, so one micro-kernel serves all variants.
 */
final class Packing {
  private Packing() {}

  /**
   * Packs A[ic : ic+mc, pc : pc+kc] into {@code out}: sliver r holds rows {@code ic + r*mr ...},
   * element (i, p) at {@code out[r*mr*kc + p*mr + i]}, rows past mc set to zero.
   */
  static void packA(GemmTask t, int ic, int mc, int pc, int kc, int mr, float[] out) {
    float[] a = t.a;
    int full = mc / mr;
    int rest = mc - full * mr;
    if (t.transposeA) {
      // A stored k x m: storage row p holds A(., p), contiguous over i. Read each row once,
      // left to right, dealing mr floats to each sliver.
      for (int p = 0; p < kc; p++) {
        int src = t.aOffset + (pc + p) * t.m + ic;
        int dst = p * mr;
        for (int r = 0; r < full; r++) {
          int from = src + r * mr;
          int to = dst + r * mr * kc;
          for (int i = 0; i < mr; i++) {
            out[to + i] = a[from + i];
          }
        }
        if (rest > 0) {
          int edge = dst + full * mr * kc;
          System.arraycopy(a, src + full * mr, out, edge, rest);
          Arrays.fill(out, edge + rest, edge + mr, 0f);
        }
      }
      return;
    }
    for (int r = 0; r * mr < mc; r++) {
      int base = r * mr * kc;
      int rows = Math.min(mr, mc - r * mr);
      int src = t.aOffset + (ic + r * mr) * t.k + pc;
      transpose(a, src, t.k, rows, out, base, mr, kc);
    }
  }

  /**
   * Packs B[pc : pc+kc, jc : jc+nc] into {@code out}: sliver s holds columns
   * {@code jc + s*nr ...}, element (p, j) at {@code out[s*nr*kc + p*nr + j]}, columns past nc
   * set to zero.
   */
  static void packB(GemmTask t, int pc, int kc, int jc, int nc, int nr, float[] out) {
    float[] b = t.b;
    int full = nc / nr;
    int rest = nc - full * nr;
    if (!t.transposeB) {
      // B stored k x n: read each row once, left to right, dealing nr floats to each sliver.
      for (int p = 0; p < kc; p++) {
        int src = t.bOffset + (pc + p) * t.n + jc;
        int dst = p * nr;
        for (int s = 0; s < full; s++) {
          System.arraycopy(b, src + s * nr, out, dst + s * nr * kc, nr);
        }
        if (rest > 0) {
          int edge = dst + full * nr * kc;
          System.arraycopy(b, src + full * nr, out, edge, rest);
          Arrays.fill(out, edge + rest, edge + nr, 0f);
        }
      }
      return;
    }
    // B stored n x k: storage row j holds B(., j), contiguous over p.
    for (int s = 0; s * nr < nc; s++) {
      int cols = Math.min(nr, nc - s * nr);
      int src = t.bOffset + (jc + s * nr) * t.k + pc;
      transpose(b, src, t.k, cols, out, s * nr * kc, nr, kc);
    }
  }

  /**
   * Writes {@code lines} storage rows of {@code count} floats (row stride {@code stride}) as
   * the columns of a {@code count x width} row-major sliver, zero-padding columns
   * {@code lines .. width}. Four rows at a time: their reads stay in four cache lines while
   * each write fills consecutive floats, about twice as fast as one row at a time.
   */
  private static void transpose(float[] in, int src, int stride, int lines, float[] out,
      int base, int width, int count) {
    int j = 0;
    for (; j + 4 <= lines; j += 4) {
      int s0 = src + j * stride;
      int s1 = s0 + stride;
      int s2 = s1 + stride;
      int s3 = s2 + stride;
      int dst = base + j;
      for (int p = 0; p < count; p++) {
        int d = dst + p * width;
        out[d] = in[s0 + p];
        out[d + 1] = in[s1 + p];
        out[d + 2] = in[s2 + p];
        out[d + 3] = in[s3 + p];
      }
    }
    for (; j < lines; j++) {
      int s0 = src + j * stride;
      int dst = base + j;
      for (int p = 0; p < count; p++) {
        out[dst + p * width] = in[s0 + p];
      }
    }
    if (lines < width) {
      for (int p = 0; p < count; p++) {
        Arrays.fill(out, base + p * width + lines, base + (p + 1) * width, 0f);
      }
    }
  }
}
