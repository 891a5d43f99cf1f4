package dev.adjoint.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MaxPoolArgmax} on {@code jdk.incubator.vector}: for a window wholly inside the input,
 * one vector of channels at a time, the best value and its position (an int's bits carried in
 * a float lane, never computed with) replaced by blends where a tap wins, in one loop over the window's taps (a
 * loop nest would make C2 box the vectors); windows cut by padding or the input's end, and
 * channels past the last whole vector, by scalar loops. Only {@link MaxPoolArgmax} loads this
 * class, by name.
 */
final class VectorMaxPool implements MaxPoolArgmax.Impl {
  private static final VectorSpecies<Float> S = VectorKernel.SPECIES;
  private static final int L = S.length();
  /** Each thread's offsets of a window's taps from its first, in positions: di·w + dj. */
  private static final ThreadLocal<int[][]> TAPS = ThreadLocal.withInitial(() -> new int[][] {new int[0]});

  @Override
  public void argmax(float[] x, int h, int w, int c, int kh, int kw, int sh, int sw, int ph, int pw, int ho, int wo,
      int n, int[] out) {
    int[] taps = taps(kh, kw, w);
    int vectors = c / L * L;
    int samples = n / (ho * wo * c);
    int o = 0;
    for (int s = 0; s < samples; s++) {
      int base = s * h * w * c;
      for (int oi = 0; oi < ho; oi++) {
        int r = oi * sh - ph;
        for (int oj = 0; oj < wo; oj++, o += c) {
          int q = oj * sw - pw;
          if (r < 0 || r + kh > h || q < 0 || q + kw > w) {
            for (int ch = 0; ch < c; ch++) {
              out[o + ch] = scalarWindow(x, base, w, h, c, ch, r, q, kh, kw);
            }
            continue;
          }
          int first = r * w + q;
          for (int ch = 0; ch < vectors; ch += L) {
            window(x, base + first * c + ch, c, taps, kh * kw, first, out, o + ch);
          }
          for (int ch = vectors; ch < c; ch++) {
            out[o + ch] = scalarWindow(x, base, w, h, c, ch, r, q, kh, kw);
          }
        }
      }
    }
  }

  /** A window inside the input, channels [ch, ch + L) from {@code from}: the first best's position into out. */
  private static void window(float[] x, int from, int c, int[] taps, int count, int first, int[] out, int at) {
    FloatVector best = FloatVector.fromArray(S, x, from);
    FloatVector arg = FloatVector.broadcast(S, Float.intBitsToFloat(first));
    for (int p = 1; p < count; p++) {
      FloatVector v = FloatVector.fromArray(S, x, from + taps[p] * c);
      // v wins when larger, or a NaN over a number: the first NaN propagates, as in PyTorch
      VectorMask<Float> wins = v.compare(VectorOperators.GT, best)
          .or(v.compare(VectorOperators.NE, v).and(best.compare(VectorOperators.EQ, best)));
      best = best.blend(v, wins);
      arg = arg.blend(FloatVector.broadcast(S, Float.intBitsToFloat(first + taps[p])), wins);
    }
    arg.reinterpretAsInts().intoArray(out, at);
  }

  /** One channel of a window, its taps inside the input only (-1 when none is). */
  private static int scalarWindow(float[] x, int base, int w, int h, int c, int ch, int r, int q, int kh, int kw) {
    int arg = -1;
    float best = 0f;
    for (int i = Math.max(0, r); i < Math.min(h, r + kh); i++) {
      for (int j = Math.max(0, q); j < Math.min(w, q + kw); j++) {
        float v = x[base + (i * w + j) * c + ch];
        if (arg < 0 || v > best || v != v && best == best) {
          best = v;
          arg = i * w + j;
        }
      }
    }
    return arg;
  }

  private static int[] taps(int kh, int kw, int w) {
    int[][] holder = TAPS.get();
    if (holder[0].length < kh * kw) {
      holder[0] = new int[kh * kw];
    }
    int[] taps = holder[0];
    for (int i = 0; i < kh; i++) {
      for (int j = 0; j < kw; j++) {
        taps[i * kw + j] = i * w + j;
      }
    }
    return taps;
  }
}
