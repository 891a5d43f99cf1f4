package dev.adjoint.runtime.ops;

/**
 * Max pooling over channels-last tensors {@code [N, h, w, c]} (1-D signals as {@code w = 1}):
 * the argmax of each window, kept for the backward pass, and the take and put by such
 * indices that make the pooled values and their gradient. An index is the flat spatial
 * position {@code row * w + col} within its sample; {@code n} counts the index elements, so
 * that the samples in use are {@code n / (positions · c)}. Nothing is allocated.
 */
public final class MaxPool {
  private MaxPool() {}

  /**
   * For each output position and channel, the flat index of the window's first maximum (a
   * NaN wins, so that it propagates as in PyTorch); padding is never chosen. The Vector API's
   * kernel ({@link dev.adjoint.runtime.kernels.MaxPoolArgmax}) computes it when present.
   */
  public static void argmax(float[] x, int h, int w, int c, int kh, int kw, int sh, int sw, int ph, int pw, int ho,
      int wo, int n, int[] out) {
    if (dev.adjoint.runtime.kernels.MaxPoolArgmax.argmax(x, h, w, c, kh, kw, sh, sw, ph, pw, ho, wo, n, out)) {
      return;
    }
    int samples = n / (ho * wo * c);
    int o = 0;
    for (int s = 0; s < samples; s++) {
      int base = s * h * w * c;
      for (int oi = 0; oi < ho; oi++) {
        for (int oj = 0; oj < wo; oj++, o += c) {
          java.util.Arrays.fill(out, o, o + c, -1);
          for (int di = 0; di < kh; di++) {
            int r = oi * sh + di - ph;
            if (r < 0 || r >= h) {
              continue;
            }
            for (int dj = 0; dj < kw; dj++) {
              int q = oj * sw + dj - pw;
              if (q < 0 || q >= w) {
                continue;
              }
              int at = r * w + q;
              int from = base + at * c;
              // channels innermost: contiguous reads; the best so far is read back at its index
              for (int ch = 0; ch < c; ch++) {
                int arg = out[o + ch];
                float v = x[from + ch];
                if (arg < 0) {
                  out[o + ch] = at;
                } else {
                  float best = x[base + arg * c + ch];
                  if (v > best || v != v && best == best) {
                    out[o + ch] = at;
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /** {@link #argmax(float[], int, int, int, int, int, int, int, int, int, int, int, int, int[])} in f64. */
  public static void argmax(double[] x, int h, int w, int c, int kh, int kw, int sh, int sw, int ph, int pw, int ho,
      int wo, int n, int[] out) {
    int samples = n / (ho * wo * c);
    int o = 0;
    for (int s = 0; s < samples; s++) {
      int base = s * h * w * c;
      for (int oi = 0; oi < ho; oi++) {
        for (int oj = 0; oj < wo; oj++) {
          for (int ch = 0; ch < c; ch++) {
            double best = 0;
            int arg = -1;
            for (int di = 0; di < kh; di++) {
              int r = oi * sh + di - ph;
              if (r < 0 || r >= h) {
                continue;
              }
              for (int dj = 0; dj < kw; dj++) {
                int q = oj * sw + dj - pw;
                if (q < 0 || q >= w) {
                  continue;
                }
                double v = x[base + (r * w + q) * c + ch];
                if (arg < 0 || v > best || v != v && best == best) {
                  best = v;
                  arg = r * w + q;
                }
              }
            }
            out[o++] = arg;
          }
        }
      }
    }
  }

  /** out[s, o, ch] = x[s, at[s, o, ch], ch] for the n elements of at: [samples, q, c] into x [samples, p, c]. */
  public static void take(float[] x, int p, int c, int[] at, int q, int n, float[] out) {
    if (!PooledSamples.take(x, p, c, at, q, n, out)) {
      take(x, p, c, at, q, out, 0, n);
    }
  }

  /** {@link #take(float[], int, int, int[], int, int, float[])} for elements [i0, i1), whole samples. */
  static void take(float[] x, int p, int c, int[] at, int q, float[] out, int i0, int i1) {
    int i = i0;
    for (int s = i0 / (q * c); i < i1; s++) {
      int base = s * p * c;
      for (int o = 0; o < q && i < i1; o++) {
        for (int ch = 0; ch < c; ch++, i++) {
          out[i] = x[base + at[i] * c + ch];
        }
      }
    }
  }


  public static void take(double[] x, int p, int c, int[] at, int q, int n, double[] out) {
    for (int i = 0; i < n; i++) {
      int s = i / (q * c);
      out[i] = x[(s * p + at[i]) * c + i % c];
    }
  }

  /** out = zeros [samples, p, c]; out[s, at[s, o, ch], ch] += updates[s, o, ch] for the n elements of at. */
  public static void put(int[] at, float[] updates, int q, int c, int n, int p, float[] out) {
    if (!PooledSamples.put(at, updates, q, c, n, p, out)) {
      put(at, updates, q, c, p, out, 0, n);
    }
  }

  /** {@link #put(int[], float[], int, int, int, int, float[])} for elements [i0, i1), whole samples. */
  static void put(int[] at, float[] updates, int q, int c, int p, float[] out, int i0, int i1) {
    int s0 = i0 / (q * c);
    java.util.Arrays.fill(out, s0 * p * c, i1 / (q * c) * p * c, 0f);
    int i = i0;
    for (int s = s0; i < i1; s++) {
      int base = s * p * c;
      for (int o = 0; o < q && i < i1; o++) {
        for (int ch = 0; ch < c; ch++, i++) {
          out[base + at[i] * c + ch] += updates[i];
        }
      }
    }
  }


  public static void put(int[] at, double[] updates, int q, int c, int n, int p, double[] out) {
    java.util.Arrays.fill(out, 0, n / (q * c) * p * c, 0.0);
    for (int i = 0; i < n; i++) {
      int s = i / (q * c);
      out[(s * p + at[i]) * c + i % c] += updates[i];
    }
  }
}
