package dev.adjoint.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link OneChannelKernel} on {@code jdk.incubator.vector}, the channels in vectors of the GEMM
 * kernel's width. Forward: eight neighbouring pixels of a row whose taps all fall inside the
 * input at once, one vector of channels each (eight independent fused multiply-add chains, so
 * the adder's latency is hidden), one filter row loaded per tap for the eight; pixels at the
 * edges one at a time over their taps inside the input (padding adds nothing). Filter gradient:
 * per tap and vector of channels, the sum over every pixel in four interleaved chains, row by
 * row of the output so that dy is read once. Channels
 * past the last whole vector are computed by scalar loops with the same operations. Only
 * {@link OneChannelKernel} loads this class, by name.
 */
final class VectorOneChannel extends OneChannelKernel {
  private static final VectorSpecies<Float> S = VectorKernel.SPECIES;
  private static final int L = S.length();
  private static final int BLOCK = 8;
  /** Each thread's running sums of {@link #filterGradient}, grown on first need and reused. */
  private static final ThreadLocal<float[][]> SUMS = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

  @Override
  int lanes() {
    return L;
  }

  @Override
  void forward(OneChannelTask t, int row0, int row1) {
    int outC = t.outC;
    int vectors = outC / L * L;
    // columns whose taps all fall inside the input, whatever the row
    int full0 = Math.min(t.outW, ceilDiv(t.padW, t.strideW));
    int full1 = Math.max(full0, Math.min(t.outW,
        Math.floorDiv(t.inW - 1 + t.padW - (t.kw - 1) * t.dilationW, t.strideW) + 1));
    for (int row = row0; row < row1; row++) {
      int b = row / t.outH;
      int hBase = row % t.outH * t.strideH - t.padH;
      int i0 = first(hBase, t.dilationH);
      int i1 = end(hBase, t.dilationH, t.kh, t.inH);
      int xSample = b * t.inH * t.inW;
      int yRow = row * t.outW * outC;
      for (int co = 0; co < vectors; co += L) {
        int ow = 0;
        for (; ow < full0; ow++) {
          pixel(t, xSample, hBase, i0, i1, ow, yRow, co);
        }
        for (; ow + BLOCK <= full1; ow += BLOCK) {
          eight(t, xSample, hBase, i0, i1, ow, yRow, co);
        }
        for (; ow < t.outW; ow++) {
          pixel(t, xSample, hBase, i0, i1, ow, yRow, co);
        }
      }
      for (int co = vectors; co < outC; co++) {
        for (int ow = 0; ow < t.outW; ow++) {
          scalarPixel(t, xSample, hBase, i0, i1, ow, yRow, co);
        }
      }
    }
  }

  /** One pixel's vector of channels at {@code co}, over its taps inside the input. */
  private static void pixel(OneChannelTask t, int xSample, int hBase, int i0, int i1, int ow, int yRow, int co) {
    int wBase = ow * t.strideW - t.padW;
    int j0 = first(wBase, t.dilationW);
    int j1 = end(wBase, t.dilationW, t.kw, t.inW);
    float[] x = t.x;
    float[] w = t.w;
    int outC = t.outC;
    int[] taps = t.tapOffsets;
    int kw = t.kw;
    int xr = xSample + hBase * t.inW + wBase;
    // one loop over the taps (a loop nest would make C2 box the accumulator); a tap left or
    // right of the input reads 0, as im2col's padding does
    FloatVector acc = FloatVector.zero(S);
    for (int p = i0 * kw; p < i1 * kw; p++) {
      int j = p % kw;
      float v = j >= j0 && j < j1 ? x[xr + taps[p]] : 0f;
      acc = FloatVector.fromArray(S, w, p * outC + co).fma(FloatVector.broadcast(S, v), acc);
    }
    store(t, acc, yRow + ow * outC + co, co);
  }

  /** Eight pixels from column {@code ow}, every tap of the kernel's width inside the input. */
  private static void eight(OneChannelTask t, int xSample, int hBase, int i0, int i1, int ow, int yRow, int co) {
    float[] x = t.x;
    float[] w = t.w;
    int outC = t.outC;
    int sw = t.strideW;
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = FloatVector.zero(S);
    FloatVector a2 = FloatVector.zero(S);
    FloatVector a3 = FloatVector.zero(S);
    FloatVector a4 = FloatVector.zero(S);
    FloatVector a5 = FloatVector.zero(S);
    FloatVector a6 = FloatVector.zero(S);
    FloatVector a7 = FloatVector.zero(S);
    int[] taps = t.tapOffsets;
    int xr = xSample + hBase * t.inW + ow * sw - t.padW;
    for (int p = i0 * t.kw; p < i1 * t.kw; p++) {
      FloatVector f = FloatVector.fromArray(S, w, p * outC + co);
      int at = xr + taps[p];
      a0 = f.fma(FloatVector.broadcast(S, x[at]), a0);
      a1 = f.fma(FloatVector.broadcast(S, x[at + sw]), a1);
      a2 = f.fma(FloatVector.broadcast(S, x[at + 2 * sw]), a2);
      a3 = f.fma(FloatVector.broadcast(S, x[at + 3 * sw]), a3);
      a4 = f.fma(FloatVector.broadcast(S, x[at + 4 * sw]), a4);
      a5 = f.fma(FloatVector.broadcast(S, x[at + 5 * sw]), a5);
      a6 = f.fma(FloatVector.broadcast(S, x[at + 6 * sw]), a6);
      a7 = f.fma(FloatVector.broadcast(S, x[at + 7 * sw]), a7);
    }
    int y = yRow + ow * outC + co;
    store(t, a0, y, co);
    store(t, a1, y + outC, co);
    store(t, a2, y + 2 * outC, co);
    store(t, a3, y + 3 * outC, co);
    store(t, a4, y + 4 * outC, co);
    store(t, a5, y + 5 * outC, co);
    store(t, a6, y + 6 * outC, co);
    store(t, a7, y + 7 * outC, co);
  }

  /** The epilogue, as the GEMM's store phase: the sum, plus the bias, then the relu. */
  private static void store(OneChannelTask t, FloatVector acc, int at, int co) {
    FloatVector v = acc;
    if (t.bias != null) {
      v = v.add(FloatVector.fromArray(S, t.bias, co));
    }
    if (t.relu) {
      v = v.max(FloatVector.zero(S));
    }
    v.intoArray(t.y, at);
  }

  /** One pixel and one channel past the vectors, with the same operations as {@link #pixel}. */
  private static void scalarPixel(OneChannelTask t, int xSample, int hBase, int i0, int i1, int ow, int yRow,
      int co) {
    int wBase = ow * t.strideW - t.padW;
    int j0 = first(wBase, t.dilationW);
    int j1 = end(wBase, t.dilationW, t.kw, t.inW);
    float sum = 0f;
    for (int i = i0; i < i1; i++) {
      int xr = xSample + (hBase + i * t.dilationH) * t.inW + wBase;
      int wr = i * t.kw * t.outC + co;
      for (int j = j0; j < j1; j++) {
        sum = Math.fma(t.w[wr + j * t.outC], t.x[xr + j * t.dilationW], sum);
      }
    }
    if (t.bias != null) {
      sum = sum + t.bias[co];
    }
    if (t.relu) {
      sum = Math.max(0f, sum);
    }
    t.y[yRow + ow * t.outC + co] = sum;
  }

  @Override
  void filterGradient(OneChannelTask t, int unit0, int unit1) {
    int blocks = t.units / (t.kh * t.kw);
    int outC = t.outC;
    float[] sums = sums((unit1 - unit0) * 4 * L);
    // rows outer, units inner: dy is read once per call, each row of it from L1 for every unit
    for (int row = 0; row < t.n * t.outH; row++) {
      int sample = row / t.outH * t.inH;
      int hBase = row % t.outH * t.strideH - t.padH;
      int yr = row * t.outW * outC;
      for (int u = unit0; u < unit1; u++) {
        int tap = u / blocks;
        int co = u % blocks * L;
        int h = hBase + tap / t.kw * t.dilationH;
        if (co + L > outC || h < 0 || h >= t.inH) {
          continue;
        }
        int jOffset = tap % t.kw * t.dilationW - t.padW;
        int ow0 = firstColumn(jOffset, t.strideW, t.outW);
        int ow1 = endColumn(jOffset, t.strideW, t.outW, t.inW, ow0);
        gradientRow(t.x, (sample + h) * t.inW + jOffset, t.strideW, t.dy, yr + co, outC, ow0, ow1, sums,
            (u - unit0) * 4 * L);
      }
    }
    for (int u = unit0; u < unit1; u++) {
      int tap = u / blocks;
      int co = u % blocks * L;
      if (co + L <= outC) {
        int at = (u - unit0) * 4 * L;
        FloatVector.fromArray(S, sums, at).add(FloatVector.fromArray(S, sums, at + L))
            .add(FloatVector.fromArray(S, sums, at + 2 * L).add(FloatVector.fromArray(S, sums, at + 3 * L)))
            .intoArray(t.dw, tap * outC + co);
      } else {
        for (int c = co; c < outC; c++) {
          gradientScalar(t, tap / t.kw, tap % t.kw, c);
        }
      }
    }
  }

  /** This thread's running sums, four vectors per unit, zeroed. */
  private static float[] sums(int size) {
    float[][] holder = SUMS.get();
    if (holder[0].length < size) {
      holder[0] = new float[size];
    }
    java.util.Arrays.fill(holder[0], 0, size, 0f);
    return holder[0];
  }

  /**
   * One output row's share of a unit of the filter gradient, added to its four running sums at
   * {@code sums[at ...]} (kept in memory between rows: vectors live across one loop only, or C2
   * boxes them).
   */
  private static void gradientRow(float[] x, int xr, int sw, float[] dy, int yr, int outC, int ow0, int ow1,
      float[] sums, int at) {
    FloatVector a0 = FloatVector.fromArray(S, sums, at);
    FloatVector a1 = FloatVector.fromArray(S, sums, at + L);
    FloatVector a2 = FloatVector.fromArray(S, sums, at + 2 * L);
    FloatVector a3 = FloatVector.fromArray(S, sums, at + 3 * L);
    int ow = ow0;
    for (; ow + 4 <= ow1; ow += 4) {
      int xi = xr + ow * sw;
      int y = yr + ow * outC;
      a0 = FloatVector.fromArray(S, dy, y).fma(FloatVector.broadcast(S, x[xi]), a0);
      a1 = FloatVector.fromArray(S, dy, y + outC).fma(FloatVector.broadcast(S, x[xi + sw]), a1);
      a2 = FloatVector.fromArray(S, dy, y + 2 * outC).fma(FloatVector.broadcast(S, x[xi + 2 * sw]), a2);
      a3 = FloatVector.fromArray(S, dy, y + 3 * outC).fma(FloatVector.broadcast(S, x[xi + 3 * sw]), a3);
    }
    a1.intoArray(sums, at + L);
    a2.intoArray(sums, at + 2 * L);
    a3.intoArray(sums, at + 3 * L);
    for (; ow < ow1; ow++) {
      a0 = FloatVector.fromArray(S, dy, yr + ow * outC).fma(FloatVector.broadcast(S, x[xr + ow * sw]), a0);
    }
    a0.intoArray(sums, at);
  }

  /** The first output column whose tap at {@code offset} from its start falls inside the input. */
  private static int firstColumn(int offset, int stride, int outW) {
    return Math.min(outW, ceilDiv(Math.max(0, -offset), stride));
  }

  /** One past the last output column whose tap at {@code offset} falls inside the input. */
  private static int endColumn(int offset, int stride, int outW, int inW, int first) {
    return Math.max(first, Math.min(outW, Math.floorDiv(inW - 1 - offset, stride) + 1));
  }

  /** One channel of dw at tap (i, j), past the vectors: one chain over the pixels. */
  private static void gradientScalar(OneChannelTask t, int i, int j, int co) {
    int outC = t.outC;
    int sw = t.strideW;
    int jOffset = j * t.dilationW - t.padW;
    int ow0 = firstColumn(jOffset, sw, t.outW);
    int ow1 = endColumn(jOffset, sw, t.outW, t.inW, ow0);
    float sum = 0f;
    for (int row = 0; row < t.n * t.outH; row++) {
      int h = row % t.outH * t.strideH - t.padH + i * t.dilationH;
      if (h < 0 || h >= t.inH) {
        continue;
      }
      int xr = (row / t.outH * t.inH + h) * t.inW + jOffset;
      int yr = row * t.outW * outC + co;
      for (int ow = ow0; ow < ow1; ow++) {
        sum = Math.fma(t.dy[yr + ow * outC], t.x[xr + ow * sw], sum);
      }
    }
    t.dw[(i * t.kw + j) * outC + co] = sum;
  }

  /** The first tap index whose position {@code base + index · dilation} is not negative. */
  private static int first(int base, int dilation) {
    return base >= 0 ? 0 : ceilDiv(-base, dilation);
  }

  /** One past the last tap index (at most {@code taps}) whose position lies below {@code size}. */
  private static int end(int base, int dilation, int taps, int size) {
    return Math.max(0, Math.min(taps, Math.floorDiv(size - 1 - base, dilation) + 1));
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
