package dev.adjoint.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link OneChannelKernel} on {@code jdk.incubator.vector}, the channels in vectors of the GEMM
 * kernel's width. Forward: eight neighbouring pixels of a row whose taps all fall inside the
 * input at once, one vector of channels each (eight independent fused multiply-add chains, so
 * the adder's latency is hidden), one filter row loaded per tap for the eight; pixels at the
 * edges one at a time over their taps inside the input (padding adds nothing). Filter gradient:
 * per tap and vector of channels, the sum over the pixels in the order and blocks in which the
 * im2col product sums them (one chain per block of {@link OneChannelTask#depth} pixels, the
 * blocks then added in order), so that it gives the GEMM's bits; four units' chains run
 * interleaved to hide the adder's latency, row by row of the output so that dy is read once.
 * Channels past the last whole vector are computed by scalar loops with the same operations.
 * Only {@link OneChannelKernel} loads this class, by name.
 */
final class VectorOneChannel extends OneChannelKernel {
  private static final VectorSpecies<Float> S = VectorKernel.SPECIES;
  private static final int L = S.length();
  private static final int BLOCK = 8;
  /** Each thread's sums of {@link #filterGradient}, grown on first need and reused. */
  private static final ThreadLocal<GradientScratch> GRADIENT = ThreadLocal.withInitial(GradientScratch::new);

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
    // the block sums of every unit, then their totals (this thread's units only are used)
    int totals = t.units * L;
    GradientScratch g = GRADIENT.get().zeroed(2 * totals);
    int rows = t.n * t.outH;
    int outW = t.outW;
    long pixels = (long) rows * outW;
    long boundary = t.depth; // the pixel at which the current block ends
    boolean first = true;
    // rows outer, units inner: dy is read once per call, each row of it from L1 for every unit
    for (int row = 0; row < rows; row++) {
      long p0 = (long) row * outW;
      for (int s = 0; s < outW; ) {
        int e = (int) Math.min(outW, boundary - p0);
        gradientSegment(t, g, row, s, e, unit0, unit1);
        if (p0 + e == boundary) {
          addBlocks(g.sums, totals, first);
          first = false;
          boundary += t.depth;
        }
        s = e;
      }
    }
    if (pixels % t.depth != 0) {
      addBlocks(g.sums, totals, first);
    }
    for (int u = unit0; u < unit1; u++) {
      int co = t.unitField(u, OneChannelTask.CHANNEL);
      System.arraycopy(g.sums, totals + u * L, t.dw, t.unitField(u, OneChannelTask.TAP) * t.outC + co,
          Math.min(L, t.outC - co));
    }
  }

  /**
   * Output columns {@code [s, e)} of one row, within one block of pixels, added to the block
   * sums of units {@code [unit0, unit1)}: whole vectors four units at a time (four chains, so the
   * adder's latency is hidden), channels past the last whole vector one chain each.
   */
  private static void gradientSegment(OneChannelTask t, GradientScratch g, int row, int s, int e, int unit0,
      int unit1) {
    int sample = row / t.outH * t.inH;
    int hBase = row % t.outH * t.strideH - t.padH;
    int yr = row * t.outW * t.outC;
    int ready = 0;
    for (int u = unit0; u < unit1; u++) {
      int h = hBase + t.unitField(u, OneChannelTask.TAP_ROW);
      if (h < 0 || h >= t.inH) {
        continue;
      }
      int from = Math.max(s, t.unitField(u, OneChannelTask.FIRST));
      int to = Math.min(e, t.unitField(u, OneChannelTask.END));
      int co = t.unitField(u, OneChannelTask.CHANNEL);
      int xr = (sample + h) * t.inW + t.unitField(u, OneChannelTask.TAP_COLUMN);
      int at = u * L;
      if (co + L > t.outC) {
        for (int c = co; c < t.outC; c++) {
          scalarChain(t.x, xr, t.strideW, t.dy, yr + c, t.outC, from, to, g.sums, at + c - co);
        }
        continue;
      }
      g.x[ready] = xr;
      g.y[ready] = yr + co;
      g.from[ready] = from;
      g.to[ready] = to;
      g.at[ready] = at;
      if (++ready == 4) {
        four(t, g);
        ready = 0;
      }
    }
    for (int i = 0; i < ready; i++) {
      chain(t.x, g.x[i], t.strideW, t.dy, g.y[i], t.outC, g.from[i], g.to[i], g.sums, g.at[i]);
    }
  }

  /**
   * The four units gathered in {@code g}: each alone over its own first and last columns, the
   * four together over the columns they share (none when their columns are apart), so every
   * chain still runs in column order.
   */
  private static void four(OneChannelTask t, GradientScratch g) {
    int lo = Math.max(Math.max(g.from[0], g.from[1]), Math.max(g.from[2], g.from[3]));
    int hi = Math.max(lo, Math.min(Math.min(g.to[0], g.to[1]), Math.min(g.to[2], g.to[3])));
    for (int i = 0; i < 4; i++) {
      chain(t.x, g.x[i], t.strideW, t.dy, g.y[i], t.outC, g.from[i], Math.min(lo, g.to[i]), g.sums, g.at[i]);
    }
    fourChains(t.x, t.strideW, t.dy, t.outC, lo, hi, g);
    for (int i = 0; i < 4; i++) {
      chain(t.x, g.x[i], t.strideW, t.dy, g.y[i], t.outC, hi, g.to[i], g.sums, g.at[i]);
    }
  }

  /** Columns {@code [from, to)} of the four units in {@code g}, one chain each, interleaved. */
  private static void fourChains(float[] x, int sw, float[] dy, int outC, int from, int to, GradientScratch g) {
    float[] sums = g.sums;
    int x0 = g.x[0];
    int x1 = g.x[1];
    int x2 = g.x[2];
    int x3 = g.x[3];
    int y0 = g.y[0];
    int y1 = g.y[1];
    int y2 = g.y[2];
    int y3 = g.y[3];
    FloatVector a0 = FloatVector.fromArray(S, sums, g.at[0]);
    FloatVector a1 = FloatVector.fromArray(S, sums, g.at[1]);
    FloatVector a2 = FloatVector.fromArray(S, sums, g.at[2]);
    FloatVector a3 = FloatVector.fromArray(S, sums, g.at[3]);
    for (int ow = from; ow < to; ow++) {
      int xi = ow * sw;
      int yi = ow * outC;
      a0 = FloatVector.fromArray(S, dy, y0 + yi).fma(FloatVector.broadcast(S, x[x0 + xi]), a0);
      a1 = FloatVector.fromArray(S, dy, y1 + yi).fma(FloatVector.broadcast(S, x[x1 + xi]), a1);
      a2 = FloatVector.fromArray(S, dy, y2 + yi).fma(FloatVector.broadcast(S, x[x2 + xi]), a2);
      a3 = FloatVector.fromArray(S, dy, y3 + yi).fma(FloatVector.broadcast(S, x[x3 + xi]), a3);
    }
    a0.intoArray(sums, g.at[0]);
    a1.intoArray(sums, g.at[1]);
    a2.intoArray(sums, g.at[2]);
    a3.intoArray(sums, g.at[3]);
  }

  /** Columns {@code [from, to)} of one unit added to its block sum at {@code sums[at]}: one chain. */
  private static void chain(float[] x, int xr, int sw, float[] dy, int yr, int outC, int from, int to,
      float[] sums, int at) {
    FloatVector a = FloatVector.fromArray(S, sums, at);
    for (int ow = from; ow < to; ow++) {
      a = FloatVector.fromArray(S, dy, yr + ow * outC).fma(FloatVector.broadcast(S, x[xr + ow * sw]), a);
    }
    a.intoArray(sums, at);
  }

  /** One channel past the vectors: {@link #chain}'s operations on one lane. */
  private static void scalarChain(float[] x, int xr, int sw, float[] dy, int yr, int outC, int from, int to,
      float[] sums, int at) {
    float a = sums[at];
    for (int ow = from; ow < to; ow++) {
      a = Math.fma(dy[yr + ow * outC], x[xr + ow * sw], a);
    }
    sums[at] = a;
  }

  /**
   * At the end of a block of pixels, as the GEMM stores a k block: each total (at {@code
   * totals} past its block sum) becomes the block sum (the first block) or the total plus it,
   * and the block sums start again from zero (other threads' units, all zero here, alike).
   */
  private static void addBlocks(float[] sums, int totals, boolean first) {
    for (int i = 0; i < totals; i++) {
      sums[totals + i] = first ? sums[i] : sums[totals + i] + sums[i];
      sums[i] = 0f;
    }
  }

  /** One thread's block sums and totals, and the four units {@link #four} works on. */
  private static final class GradientScratch {
    float[] sums = new float[0];
    final int[] x = new int[4];
    final int[] y = new int[4];
    final int[] from = new int[4];
    final int[] to = new int[4];
    final int[] at = new int[4];

    /** This scratch with at least {@code size} sums, zeroed. */
    GradientScratch zeroed(int size) {
      if (sums.length < size) {
        sums = new float[size];
      }
      java.util.Arrays.fill(sums, 0, size, 0f);
      return this;
    }
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
