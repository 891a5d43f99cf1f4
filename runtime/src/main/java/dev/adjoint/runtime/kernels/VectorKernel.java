package dev.adjoint.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The micro-kernel on {@code jdk.incubator.vector}: a tile of 4 rows by 2 vectors, eight
 * accumulators updated by fused multiply-add, one broadcast of A per row and two loads of B
 * per step of k. Vectors are the widest the JIT uses natively, 512 or 256 bits (a 4x32 or
 * 4x16 tile; {@code -Dadjoint.vector.bits=256} forces the narrower). Only {@link Kernels}
 * loads this class, after checking that the module is present, so the runtime jar still
 * works on a JVM started without it.
 *
 * <p>Blocking measured on a 2-core Zen 4 (32 KB L1d, 1 MB L2 per core), 1024² single thread:
 * 512-bit with kc=512, mc=128 about 95 GFLOP/s; 256-bit best with kc=256, mc=64 (about 85).
 */
final class VectorKernel extends MicroKernel {
  /** The species of every vector kernel: 512 or 256 bits, see {@link #species()}. */
  static final VectorSpecies<Float> SPECIES = species();
  private static final VectorSpecies<Float> S = SPECIES;
  private static final int L = S.length();
  private static final int MR = 4;
  private static final int NR = 2 * L;

  VectorKernel() {
    super(MR, NR, Blocking.kc(L >= 16 ? 512 : 256), Blocking.mc(MR, L >= 16 ? 128 : 64),
        Blocking.nc(NR, 2048));
  }

  /** 512-bit vectors where the JIT uses them, else 256; {@code adjoint.vector.bits=256} caps. */
  private static VectorSpecies<Float> species() {
    String bits = System.getProperty("adjoint.vector.bits", "512");
    if (!"256".equals(bits) && FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512) {
      return FloatVector.SPECIES_512;
    }
    return FloatVector.SPECIES_256;
  }

  /** Whether the hardware runs this kernel's vectors natively (else the API emulates them slowly). */
  static boolean supported() {
    return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= S.vectorBitSize();
  }

  @Override
  boolean vectorized() {
    return true;
  }

  @Override
  String describe() {
    return "vector " + S.vectorBitSize() + "-bit " + MR + "x" + NR;
  }

  @Override
  void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
      int rows, int cols, int mode, float[] bias, int biasOff, float[] scratch) {
    tileInPlace(kc, a, aOff, 1, MR, b, bOff, c, cOff, ldc, rows, cols, mode, bias, biasOff, scratch);
  }

  @Override
  boolean readsAInPlace() {
    return true;
  }

  @Override
  void tileInPlace(int kc, float[] a, int aOff, int aRow, int aStep, float[] b, int bOff, float[] c,
      int cOff, int ldc, int rows, int cols, int mode, float[] bias, int biasOff, float[] scratch) {
    // Rows past the last valid one read the first again: their sums are never stored.
    int a0 = aOff;
    int a1 = rows > 1 ? a0 + aRow : a0;
    int a2 = rows > 2 ? a0 + 2 * aRow : a0;
    int a3 = rows > 3 ? a0 + 3 * aRow : a0;
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S);
    FloatVector c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S);
    FloatVector c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S);
    FloatVector c31 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      int pb = bOff + p * NR;
      int pa = p * aStep;
      FloatVector b0 = FloatVector.fromArray(S, b, pb);
      FloatVector b1 = FloatVector.fromArray(S, b, pb + L);
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + pa]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      FloatVector x1 = FloatVector.broadcast(S, a[a1 + pa]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      FloatVector x2 = FloatVector.broadcast(S, a[a2 + pa]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      FloatVector x3 = FloatVector.broadcast(S, a[a3 + pa]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
    }
    c00.intoArray(scratch, 0);
    c01.intoArray(scratch, L);
    c10.intoArray(scratch, NR);
    c11.intoArray(scratch, NR + L);
    c20.intoArray(scratch, 2 * NR);
    c21.intoArray(scratch, 2 * NR + L);
    c30.intoArray(scratch, 3 * NR);
    c31.intoArray(scratch, 3 * NR + L);
    if (rows == MR && cols == NR) {
      storeFull(scratch, c, cOff, ldc, mode, bias, biasOff);
    } else {
      storeEdge(scratch, NR, c, cOff, ldc, rows, cols, mode, bias, biasOff);
    }
  }

  @Override
  void rows(GemmTask t, int j0, int j1, Workspace workspace) {
    float[] row = workspace.packedA(t.k);
    float[] out = workspace.packedB(j1 - j0);
    int mode = mode(t);
    for (int i = 0; i < t.m; i++) {
      float[] a = rowOfA(t, i, row);
      int aOff = rowOfAOffset(t, i);
      if (t.transposeB) {
        dots(t, a, aOff, j0, j1, out, workspace.scratch);
      } else {
        VectorRows.axpys(a, aOff, t.b, t.bOffset, t.n, t.k, j0, j1, out);
      }
      storeEdge(out, 0, t.c, t.cOffset + i * t.n + j0, 0, 1, j1 - j0, mode, t.bias,
          t.biasOffset + j0);
    }
  }

  /**
   * One row of A times B stored n x k (dot products of contiguous rows) into
   * {@code out[0 : j1-j0]}: two columns at a time sharing the loads of A, lanes summed in a
   * fixed order (not {@code reduceLanes}, whose order is unspecified), the k tail by
   * {@code Math.fma}.
   */
  private static void dots(GemmTask t, float[] a, int aOff, int j0, int j1, float[] out,
      float[] lanes) {
    float[] b = t.b;
    int k = t.k;
    int kv = k - k % L;
    int j = j0;
    for (; j + 2 <= j1; j += 2) {
      int src0 = t.bOffset + j * k;
      int src1 = src0 + k;
      FloatVector acc0 = FloatVector.zero(S);
      FloatVector acc1 = FloatVector.zero(S);
      for (int p = 0; p < kv; p += L) {
        FloatVector ap = FloatVector.fromArray(S, a, aOff + p);
        acc0 = ap.fma(FloatVector.fromArray(S, b, src0 + p), acc0);
        acc1 = ap.fma(FloatVector.fromArray(S, b, src1 + p), acc1);
      }
      acc0.intoArray(lanes, 0);
      acc1.intoArray(lanes, L);
      out[j - j0] = finish(lanes, 0, a, aOff, b, src0, kv, k);
      out[j + 1 - j0] = finish(lanes, L, a, aOff, b, src1, kv, k);
    }
    for (; j < j1; j++) {
      int src = t.bOffset + j * k;
      FloatVector acc = FloatVector.zero(S);
      for (int p = 0; p < kv; p += L) {
        acc = FloatVector.fromArray(S, a, aOff + p).fma(FloatVector.fromArray(S, b, src + p), acc);
      }
      acc.intoArray(lanes, 0);
      out[j - j0] = finish(lanes, 0, a, aOff, b, src, kv, k);
    }
  }

  /** {@code lanes[from : from+L]} summed in order, then the k tail {@code [kv, k)} by fma. */
  private static float finish(float[] lanes, int from, float[] a, int aOff, float[] b, int bOff,
      int kv, int k) {
    float sum = 0f;
    for (int lane = 0; lane < L; lane++) {
      sum += lanes[from + lane];
    }
    for (int p = kv; p < k; p++) {
      sum = Math.fma(a[aOff + p], b[bOff + p], sum);
    }
    return sum;
  }

  /**
   * The store phase of a full tile, from {@code acc} (row stride NR) into C: the same epilogue
   * as {@link MicroKernel#storeEdge}, lane by lane. It is kept out of {@link #tile} so that C2
   * never runs out of inlining budget there (a vector passed to a call that is not inlined is
   * boxed), at the cost of eight stores and loads that stay in L1.
   */
  private static void storeFull(float[] acc, float[] c, int cOff, int ldc, int mode,
      float[] bias, int biasOff) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector bias0 = zero;
    FloatVector bias1 = zero;
    if ((mode & BIAS) != 0) {
      bias0 = FloatVector.fromArray(S, bias, biasOff);
      bias1 = FloatVector.fromArray(S, bias, biasOff + L);
    }
    for (int i = 0; i < MR; i++) {
      int off = cOff + i * ldc;
      FloatVector x0 = FloatVector.fromArray(S, acc, i * NR);
      FloatVector x1 = FloatVector.fromArray(S, acc, i * NR + L);
      if ((mode & LOAD) != 0) {
        x0 = x0.add(FloatVector.fromArray(S, c, off));
        x1 = x1.add(FloatVector.fromArray(S, c, off + L));
      }
      if ((mode & BIAS) != 0) {
        x0 = x0.add(bias0);
        x1 = x1.add(bias1);
      }
      if ((mode & RELU) != 0) {
        // Vector operands only: the scalar overloads (max(0f)) call a virtual broadcast
        // that C2 may leave unresolved, which boxes every vector.
        x0 = x0.max(zero);
        x1 = x1.max(zero);
      }
      x0.intoArray(c, off);
      x1.intoArray(c, off + L);
    }
  }
}
