package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Attrs;

/**
 * POOL_ARGMAX, SPATIAL_TAKE and SPATIAL_PUT over channels-last {@code [B, S..., C]} tensors,
 * with indices (flat spatial positions within a sample) held as doubles.
 */
final class PoolKernels {
  private PoolKernels() {}

  /** The flat spatial index of each window's first maximum per channel; a NaN wins, padding never does. */
  static F64Tensor argmax(F64Tensor x, Attrs.Pool w) {
    int[] s = x.shape();
    boolean two = w.kernel().size() == 2;
    int h = s[1];
    int wd = two ? s[2] : 1;
    int c = s[s.length - 1];
    int kh = w.kernel().get(0);
    int kw = two ? w.kernel().get(1) : 1;
    int sh = w.stride().get(0);
    int sw = two ? w.stride().get(1) : 1;
    int ph = w.padding().get(0);
    int pw = two ? w.padding().get(1) : 0;
    int ho = w.outputSize(0, h);
    int wo = two ? w.outputSize(1, wd) : 1;
    int[] shape = s.clone();
    shape[1] = ho;
    if (two) {
      shape[2] = wo;
    }
    double[] v = x.raw();
    double[] out = new double[s[0] * ho * wo * c];
    int o = 0;
    for (int b = 0; b < s[0]; b++) {
      for (int oi = 0; oi < ho; oi++) {
        for (int oj = 0; oj < wo; oj++) {
          for (int ch = 0; ch < c; ch++) {
            double best = 0;
            int arg = -1;
            for (int di = 0; di < kh; di++) {
              for (int dj = 0; dj < kw; dj++) {
                int r = oi * sh + di - ph;
                int q = oj * sw + dj - pw;
                if (r < 0 || r >= h || q < 0 || q >= wd) {
                  continue;
                }
                double e = v[((b * h + r) * wd + q) * c + ch];
                if (arg < 0 || e > best || Double.isNaN(e) && !Double.isNaN(best)) {
                  best = e;
                  arg = r * wd + q;
                }
              }
            }
            out[o++] = arg;
          }
        }
      }
    }
    return F64Tensor.wrap(shape, out);
  }

  /** out[b, o, ch] = x[b, at[b, o, ch], ch]. */
  static F64Tensor take(F64Tensor x, F64Tensor at) {
    int c = x.dim(x.rank() - 1);
    int p = x.size() / Math.max(1, x.dim(0)) / c;
    int q = at.size() / Math.max(1, at.dim(0)) / c;
    double[] v = x.raw();
    double[] out = new double[at.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v[((i / (q * c)) * p + index(at.flat(i), p)) * c + i % c];
    }
    return F64Tensor.wrap(at.shape(), out);
  }

  /** zeros of {@code target}, with out[b, at[b, o, ch], ch] += updates[b, o, ch]. */
  static F64Tensor put(F64Tensor at, F64Tensor updates, int[] target) {
    int c = target[target.length - 1];
    int size = 1;
    for (int d : target) {
      size *= d;
    }
    int p = size / Math.max(1, target[0]) / c;
    int q = at.size() / Math.max(1, at.dim(0)) / c;
    double[] u = updates.raw();
    double[] out = new double[size];
    for (int i = 0; i < u.length; i++) {
      out[((i / (q * c)) * p + index(at.flat(i), p)) * c + i % c] += u[i];
    }
    return F64Tensor.wrap(target.clone(), out);
  }

  private static int index(double v, int positions) {
    if (v != Math.rint(v) || v < 0 || v >= positions) {
      throw new IllegalArgumentException("spatial index " + v + " is outside [0, " + positions + ")");
    }
    return (int) v;
  }
}
