package dev.adjoint.runtime.kernels;

/**
 * The loops around the micro-kernel (GotoBLAS/BLIS order): columns of C by nc, k by kc with
 * a packed B block, rows by mc with a packed A block (or A read in place, when the kernel
 * can: see {@link MicroKernel#readsAInPlace}), then tiles of nr columns and mr rows.
 * It computes one rectangle of C, so threads can share a product by taking disjoint
 * rectangles. The k blocking never depends on the rectangle, so neither do the results.
 */
final class BlockedGemm {
  private BlockedGemm() {}

  /** Computes rows {@code [i0, i1)} and columns {@code [j0, j1)} of the task's C; k > 0. */
  static void run(MicroKernel kernel, GemmTask t, int i0, int i1, int j0, int j1, Workspace ws) {
    if (t.m < MicroKernel.SMALL_M) {
      // Decided on the whole product, never on the rectangle, so threads cannot change it.
      kernel.rows(t, j0, j1, ws);
      return;
    }
    int mr = kernel.mr;
    int nr = kernel.nr;
    int k = t.k;
    int ldc = t.n;
    float[] c = t.c;
    int baseMode = (t.accumulate ? MicroKernel.LOAD : 0) | (t.bias != null ? MicroKernel.BIAS : 0);
    int kcMax = Math.min(kernel.kc, k);
    int ncMax = Math.min(kernel.nc, j1 - j0);
    int mcMax = Math.min(kernel.mc, i1 - i0);
    float[] packedB = ws.packedB(roundUp(ncMax, nr) * kcMax);
    boolean inPlace = kernel.readsAInPlace() && InPlaceA.suits(t);
    float[] packedA = inPlace ? null : ws.packedA(roundUp(mcMax, mr) * kcMax);
    int aRow = InPlaceA.rowStride(t);
    int aStep = InPlaceA.stepStride(t);
    float[] scratch = ws.scratch;
    for (int jc = j0; jc < j1; jc += kernel.nc) {
      int nc = Math.min(kernel.nc, j1 - jc);
      for (int pc = 0; pc < k; pc += kernel.kc) {
        int kc = Math.min(kernel.kc, k - pc);
        int mode = pc == 0 ? baseMode : MicroKernel.LOAD;
        if (t.relu && pc + kc == k) {
          mode |= MicroKernel.RELU;
        }
        Packing.packB(t, pc, kc, jc, nc, nr, packedB);
        for (int ic = i0; ic < i1; ic += kernel.mc) {
          int mc = Math.min(kernel.mc, i1 - ic);
          if (!inPlace) {
            Packing.packA(t, ic, mc, pc, kc, mr, packedA);
          }
          for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int biasOff = t.biasOffset + jc + jr;
            for (int ir = 0; ir < mc; ir += mr) {
              int cOff = t.cOffset + (ic + ir) * ldc + jc + jr;
              int rows = Math.min(mr, mc - ir);
              if (inPlace) {
                kernel.tileInPlace(kc, t.a, InPlaceA.start(t, ic + ir, pc), aRow, aStep, packedB, jr * kc, c,
                    cOff, ldc, rows, cols, mode, t.bias, biasOff, scratch);
              } else {
                kernel.tile(kc, packedA, ir * kc, packedB, jr * kc, c, cOff, ldc, rows, cols, mode,
                    t.bias, biasOff, scratch);
              }
            }
          }
        }
      }
    }
  }

  private static int roundUp(int value, int multiple) {
    return (value + multiple - 1) / multiple * multiple;
  }
}
