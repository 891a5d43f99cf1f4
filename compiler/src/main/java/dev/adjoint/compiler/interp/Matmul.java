package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Attrs;
import java.util.Arrays;

/**
 * MATMUL as documented on the op: each operand is a matrix whose rows are all its leading
 * dimensions (one row for a rank-1 operand). a[..., k] @ b[k, n] gives [..., n]; with
 * transposeB, b is [n, k]; with transposeA, a[..., k] and b[..., n] share their rows and
 * the result is aᵀ·b, [k, n]. Sums run over the inner index in ascending order from 0.
 */
final class Matmul {
  private Matmul() {}

  static F64Tensor apply(F64Tensor a, F64Tensor b, Attrs.Matmul flags) {
    if (flags.transposeA() && flags.transposeB()) {
      throw new IllegalStateException("matmul cannot transpose both operands");
    }
    return flags.transposeA() ? transposedLeft(a, b) : plain(a, b, flags.transposeB());
  }

  /**
   * BATCH_MATMUL: a[..., m, k] @ b[..., k, n] for each index of the shared leading
   * dimensions, either operand read transposed as its flag says.
   */
  static F64Tensor batched(F64Tensor a, F64Tensor b, Attrs.Matmul flags) {
    int rank = a.rank();
    int[] sa = a.shape();
    int[] sb = b.shape();
    int m = flags.transposeA() ? sa[rank - 1] : sa[rank - 2];
    int k = flags.transposeA() ? sa[rank - 2] : sa[rank - 1];
    int n = flags.transposeB() ? sb[rank - 2] : sb[rank - 1];
    int batches = Strides.size(Arrays.copyOf(sa, rank - 2));
    double[] x = a.raw();
    double[] y = b.raw();
    double[] out = new double[batches * m * n];
    for (int t = 0; t < batches; t++) {
      int aBase = t * m * k;
      int bBase = t * k * n;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double sum = 0;
          for (int p = 0; p < k; p++) {
            double left = flags.transposeA() ? x[aBase + p * m + i] : x[aBase + i * k + p];
            double right = flags.transposeB() ? y[bBase + j * k + p] : y[bBase + p * n + j];
            sum += left * right;
          }
          out[t * m * n + i * n + j] = sum;
        }
      }
    }
    int[] shape = sa.clone();
    shape[rank - 2] = m;
    shape[rank - 1] = n;
    return F64Tensor.wrap(shape, out);
  }

  /** a[rows, k] @ b[k, n], or @ b[n, k]ᵀ. */
  private static F64Tensor plain(F64Tensor a, F64Tensor b, boolean transposeB) {
    int k = a.dim(a.rank() - 1);
    int rows = leadingRows(a);
    int n = transposeB ? b.dim(0) : b.dim(1);
    int bk = transposeB ? b.dim(1) : b.dim(0);
    if (bk != k) {
      throw new IllegalStateException("matmul: inner dimensions " + k + " and " + bk + " differ");
    }
    double[] x = a.raw();
    double[] y = b.raw();
    double[] out = new double[rows * n];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
          double right = transposeB ? y[j * k + p] : y[p * n + j];
          sum += x[r * k + p] * right;
        }
        out[r * n + j] = sum;
      }
    }
    int[] shape = a.shape();
    shape[shape.length - 1] = n;
    return F64Tensor.wrap(shape, out);
  }

  /** aᵀ·b summed over the shared rows: a[rows, k], b[rows, n] give [k, n]. */
  private static F64Tensor transposedLeft(F64Tensor a, F64Tensor b) {
    int k = a.dim(a.rank() - 1);
    int n = b.dim(b.rank() - 1);
    int rows = leadingRows(a);
    if (leadingRows(b) != rows) {
      throw new IllegalStateException("matmul (aᵀ·b): operands " + a + " and " + b + " differ in rows");
    }
    double[] x = a.raw();
    double[] y = b.raw();
    double[] out = new double[k * n];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
          sum += x[r * k + i] * y[r * n + j];
        }
        out[i * n + j] = sum;
      }
    }
    return F64Tensor.wrap(new int[] {k, n}, out);
  }

  /** The product of all but the last dimension: 1 for a rank-1 tensor. */
  private static int leadingRows(F64Tensor t) {
    int[] shape = t.shape();
    return Strides.size(Arrays.copyOf(shape, shape.length - 1));
  }
}
