package dev.adjoint.runtime.kernels;

/**
 * The fallback micro-kernel in plain Java, for JVMs without {@code jdk.incubator.vector}. It
 * walks the same packed 4x16 panels as the vector kernel in four 4x4 sub-tiles, sixteen
 * scalar accumulators each (multiply then add: {@code Math.fma} is slow where the hardware
 * lacks FMA, so results agree with the vector path only within rounding).
 */
final class ScalarKernel extends MicroKernel {
  private static final int MR = 4;
  private static final int NR = 16;

  ScalarKernel() {
    super(MR, NR, Blocking.kc(256), Blocking.mc(MR, 128), Blocking.nc(NR, 2048));
  }

  @Override
  boolean vectorized() {
    return false;
  }

  @Override
  String describe() {
    return "scalar " + MR + "x" + NR;
  }

  @Override
  void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
      int rows, int cols, int mode, float[] bias, int biasOff, float[] scratch) {
    for (int j = 0; j < cols; j += 4) {
      block(kc, a, aOff, b, bOff + j, scratch, j);
    }
    storeEdge(scratch, NR, c, cOff, ldc, rows, cols, mode, bias, biasOff);
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
        dots(t, a, aOff, j0, j1, out);
      } else {
        axpys(t, a, aOff, j0, j1, out);
      }
      storeEdge(out, 0, t.c, t.cOffset + i * t.n + j0, 0, 1, j1 - j0, mode, t.bias,
          t.biasOffset + j0);
    }
  }

  /** One row of A times B stored k x n into {@code out[0 : j1-j0]}, four columns at a time. */
  private static void axpys(GemmTask t, float[] a, int aOff, int j0, int j1, float[] out) {
    float[] b = t.b;
    int n = t.n;
    int k = t.k;
    int j = j0;
    for (; j + 4 <= j1; j += 4) {
      float s0 = 0f;
      float s1 = 0f;
      float s2 = 0f;
      float s3 = 0f;
      for (int p = 0; p < k; p++) {
        float ap = a[aOff + p];
        int src = t.bOffset + p * n + j;
        s0 += ap * b[src];
        s1 += ap * b[src + 1];
        s2 += ap * b[src + 2];
        s3 += ap * b[src + 3];
      }
      out[j - j0] = s0;
      out[j + 1 - j0] = s1;
      out[j + 2 - j0] = s2;
      out[j + 3 - j0] = s3;
    }
    for (; j < j1; j++) {
      float sum = 0f;
      for (int p = 0; p < k; p++) {
        sum += a[aOff + p] * b[t.bOffset + p * n + j];
      }
      out[j - j0] = sum;
    }
  }

  /** One row of A times B stored n x k (dot products) into {@code out[0 : j1-j0]}. */
  private static void dots(GemmTask t, float[] a, int aOff, int j0, int j1, float[] out) {
    float[] b = t.b;
    int k = t.k;
    int j = j0;
    for (; j + 4 <= j1; j += 4) {
      int src = t.bOffset + j * k;
      float s0 = 0f;
      float s1 = 0f;
      float s2 = 0f;
      float s3 = 0f;
      for (int p = 0; p < k; p++) {
        float ap = a[aOff + p];
        s0 += ap * b[src + p];
        s1 += ap * b[src + k + p];
        s2 += ap * b[src + 2 * k + p];
        s3 += ap * b[src + 3 * k + p];
      }
      out[j - j0] = s0;
      out[j + 1 - j0] = s1;
      out[j + 2 - j0] = s2;
      out[j + 3 - j0] = s3;
    }
    for (; j < j1; j++) {
      int src = t.bOffset + j * k;
      float sum = 0f;
      for (int p = 0; p < k; p++) {
        sum += a[aOff + p] * b[src + p];
      }
      out[j - j0] = sum;
    }
  }

  /** A 4x4 sub-tile: columns {@code j..j+3} of the panel into {@code acc[i * NR + j]}. */
  private static void block(int kc, float[] a, int aOff, float[] b, int bOff, float[] acc, int j) {
    float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f;
    float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
    float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f;
    float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
    for (int p = 0; p < kc; p++) {
      int pa = aOff + p * MR;
      int pb = bOff + p * NR;
      float a0 = a[pa];
      float a1 = a[pa + 1];
      float a2 = a[pa + 2];
      float a3 = a[pa + 3];
      float b0 = b[pb];
      float b1 = b[pb + 1];
      float b2 = b[pb + 2];
      float b3 = b[pb + 3];
      c00 += a0 * b0;
      c01 += a0 * b1;
      c02 += a0 * b2;
      c03 += a0 * b3;
      c10 += a1 * b0;
      c11 += a1 * b1;
      c12 += a1 * b2;
      c13 += a1 * b3;
      c20 += a2 * b0;
      c21 += a2 * b1;
      c22 += a2 * b2;
      c23 += a2 * b3;
      c30 += a3 * b0;
      c31 += a3 * b1;
      c32 += a3 * b2;
      c33 += a3 * b3;
    }
    acc[j] = c00;
    acc[j + 1] = c01;
    acc[j + 2] = c02;
    acc[j + 3] = c03;
    acc[NR + j] = c10;
    acc[NR + j + 1] = c11;
    acc[NR + j + 2] = c12;
    acc[NR + j + 3] = c13;
    acc[2 * NR + j] = c20;
    acc[2 * NR + j + 1] = c21;
    acc[2 * NR + j + 2] = c22;
    acc[2 * NR + j + 3] = c23;
    acc[3 * NR + j] = c30;
    acc[3 * NR + j + 1] = c31;
    acc[3 * NR + j + 2] = c32;
    acc[3 * NR + j + 3] = c33;
  }
}
