package dev.adjoint.runtime.kernels;

/**
 * {@link BlockedGemm}'s loops over a B already packed ({@link PackedMatrix}): the same k
 * blocks and tiles in the same order, so every element of C is bit-identical to the plain
 * product's, but each micro-panel of B is read where the packing left it.
 */
final class PackedGemm {
  private PackedGemm() {}

  /**
   * Computes rows {@code [i0, i1)} and columns {@code [j0, j1)} of the task's C (its B fields
   * unused) from {@code b}; k > 0, at least {@link MicroKernel#SMALL_M} rows in the task, and
   * {@code j0} a multiple of the kernel's nr.
   */
  static void run(MicroKernel kernel, GemmTask t, PackedMatrix b, int i0, int i1, int j0, int j1, Workspace ws) {
    int mr = kernel.mr;
    int nr = kernel.nr;
    int k = t.k;
    int ldc = t.n;
    float[] c = t.c;
    int baseMode = t.accumulate ? MicroKernel.LOAD : 0;
    int kcMax = Math.min(kernel.kc, k);
    int mcMax = Math.min(kernel.mc, i1 - i0);
    boolean inPlace = kernel.readsAInPlace() && InPlaceA.suits(t);
    float[] packedA = inPlace ? null : ws.packedA((mcMax + mr - 1) / mr * mr * kcMax);
    int aRow = InPlaceA.rowStride(t);
    int aStep = InPlaceA.stepStride(t);
    float[] scratch = ws.scratch;
    for (int jc = j0; jc < j1; jc += kernel.nc) {
      int nc = Math.min(kernel.nc, j1 - jc);
      for (int pc = 0; pc < k; pc += kernel.kc) {
        int kc = Math.min(kernel.kc, k - pc);
        int mode = pc == 0 ? baseMode : MicroKernel.LOAD;
        for (int ic = i0; ic < i1; ic += kernel.mc) {
          int mc = Math.min(kernel.mc, i1 - ic);
          if (!inPlace) {
            Packing.packA(t, ic, mc, pc, kc, mr, packedA);
          }
          for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int panel = (jc + jr) * k + pc * nr;
            for (int ir = 0; ir < mc; ir += mr) {
              int cOff = t.cOffset + (ic + ir) * ldc + jc + jr;
              int rows = Math.min(mr, mc - ir);
              if (inPlace) {
                kernel.tileInPlace(kc, t.a, InPlaceA.start(t, ic + ir, pc), aRow, aStep, b.data, panel, c,
                    cOff, ldc, rows, cols, mode, null, 0, scratch);
              } else {
                kernel.tile(kc, packedA, ir * kc, b.data, panel, c, cOff, ldc, rows, cols, mode, null, 0, scratch);
              }
            }
          }
        }
      }
    }
  }
}
