package dev.adjoint.runtime.ops;

/**
 * Matrix products in f64, for models declared in f64 (gradient checks, numerics studies):
 * the same three layouts as the f32 kernels, written as plain loops in an order that reads
 * rows contiguously. f32 models use {@code dev.adjoint.runtime.kernels.Gemm}.
 */
public final class DoubleGemm {
  private DoubleGemm() {}

  /** A batch of such products, operand i starting at its offset plus i times its stride. */
  public static void multiplyBatched(boolean transposeA, boolean transposeB, int batches, int m, int n, int k,
      double[] a, int aOffset, int aStride, double[] b, int bOffset, int bStride, double[] c, int cOffset, int cStride,
      boolean accumulate) {
    for (int i = 0; i < batches; i++) {
      multiply(transposeA, transposeB, m, n, k, a, aOffset + i * aStride, b, bOffset + i * bStride, c,
          cOffset + i * cStride, accumulate);
    }
  }

  /**
   * C[m,n] (=|+=) op(A)·op(B): plain A[m,k]·B[k,n]; transposeB A[m,k]·B[n,k]ᵀ; transposeA
   * A[k,m]ᵀ·B[k,n].
   */
  public static void multiply(boolean transposeA, boolean transposeB, int m, int n, int k, double[] a, int aOffset,
      double[] b, int bOffset, double[] c, int cOffset, boolean accumulate) {
    if (!accumulate) {
      java.util.Arrays.fill(c, cOffset, cOffset + m * n, 0.0);
    }
    if (transposeA) {
      for (int p = 0; p < k; p++) {
        for (int i = 0; i < m; i++) {
          double av = a[aOffset + p * m + i];
          int row = cOffset + i * n;
          int bRow = bOffset + p * n;
          for (int j = 0; j < n; j++) {
            c[row + j] += av * b[bRow + j];
          }
        }
      }
    } else if (transposeB) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double sum = 0;
          int aRow = aOffset + i * k;
          int bRow = bOffset + j * k;
          for (int p = 0; p < k; p++) {
            sum += a[aRow + p] * b[bRow + p];
          }
          c[cOffset + i * n + j] += sum;
        }
      }
    } else {
      for (int i = 0; i < m; i++) {
        int row = cOffset + i * n;
        for (int p = 0; p < k; p++) {
          double av = a[aOffset + i * k + p];
          int bRow = bOffset + p * n;
          for (int j = 0; j < n; j++) {
            c[row + j] += av * b[bRow + j];
          }
        }
      }
    }
  }
}
