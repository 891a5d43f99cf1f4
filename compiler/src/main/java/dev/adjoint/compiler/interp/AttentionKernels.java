package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Attrs;
import java.util.Arrays;
import java.util.List;

/**
 * ATTENTION in f64 by direct loops: for each leading index, softmax(masked(scale·q·kᵀ))·v,
 * a masked score (mask 0, or a key after its query when causal) replaced by -1e30 as the
 * runtime kernel does. Sums run over ascending indices.
 */
final class AttentionKernels {
  private static final double MASKED = -1e30;

  private AttentionKernels() {}

  static F64Tensor attention(List<F64Tensor> in, Attrs.Attention attrs) {
    F64Tensor q = in.get(0);
    int rank = q.rank();
    int tq = q.dim(rank - 2);
    int d = q.dim(rank - 1);
    int tk = in.get(1).dim(rank - 2);
    int dv = in.get(2).dim(rank - 1);
    int heads = Strides.size(Arrays.copyOf(q.shape(), rank - 2));
    double[] qs = q.raw();
    double[] ks = in.get(1).raw();
    double[] vs = in.get(2).raw();
    double[] mask = in.size() > 3 ? in.get(3).raw() : null;
    int maskStride = mask == null || in.get(3).rank() == 2 ? 0 : tq * tk;
    double[] out = new double[heads * tq * dv];
    double[] row = new double[tk];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < tq; i++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < tk; j++) {
          boolean kept = (!attrs.causal() || j <= i) && (mask == null || mask[h * maskStride + i * tk + j] != 0);
          double dot = 0;
          for (int c = 0; c < d; c++) {
            dot += qs[(h * tq + i) * d + c] * ks[(h * tk + j) * d + c];
          }
          row[j] = kept ? dot * attrs.scale() : MASKED;
          max = Math.max(max, row[j]);
        }
        double sum = 0;
        for (int j = 0; j < tk; j++) {
          row[j] = Math.exp(row[j] - max);
          sum += row[j];
        }
        for (int c = 0; c < dv; c++) {
          double acc = 0;
          for (int j = 0; j < tk; j++) {
            acc += row[j] / sum * vs[(h * tk + j) * dv + c];
          }
          out[(h * tq + i) * dv + c] = acc;
        }
      }
    }
    int[] shape = q.shape().clone();
    shape[rank - 1] = dv;
    return F64Tensor.wrap(shape, out);
  }
}
