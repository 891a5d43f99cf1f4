package dev.adjoint.compiler.interp;

import java.util.Arrays;

/**
 * BAG_SUM and BAG_SUM_GRAD in f64, as the ops they replace compute them: the gathered rows
 * weighted and summed over the bag axis, and the bag's gradient weighted and scattered.
 */
final class BagKernels {
  private BagKernels() {}

  /** bag_sum(table[N, D], ids[..., L], weights[..., L] or null) gives [..., D]. */
  static F64Tensor sum(F64Tensor table, F64Tensor ids, F64Tensor weights) {
    int width = table.dim(1);
    int places = ids.dim(ids.rank() - 1);
    int bags = ids.size() / Math.max(places, 1);
    double[] rows = IndexingKernels.gather(table, ids).raw();
    double[] out = new double[bags * width];
    for (int p = 0; p < ids.size(); p++) {
      double w = weights == null ? 1 : weights.flat(p);
      int o = p / places * width;
      for (int j = 0; j < width; j++) {
        out[o + j] += rows[p * width + j] * w;
      }
    }
    return F64Tensor.wrap(bagShape(ids, width), out);
  }

  /** bag_sum_grad(ids[..., L], dy[..., D], weights[..., L] or null) into zeros of {@code target} [N, D]. */
  static F64Tensor gradient(F64Tensor ids, F64Tensor dy, F64Tensor weights, int[] target) {
    int width = target[1];
    int places = ids.dim(ids.rank() - 1);
    double[] g = dy.raw();
    double[] updates = new double[ids.size() * width];
    for (int p = 0; p < ids.size(); p++) {
      double w = weights == null ? 1 : weights.flat(p);
      int o = p / places * width;
      for (int j = 0; j < width; j++) {
        updates[p * width + j] = g[o + j] * w;
      }
    }
    int[] shape = Arrays.copyOf(ids.shape(), ids.rank() + 1);
    shape[ids.rank()] = width;
    return IndexingKernels.scatterAdd(ids, F64Tensor.wrap(shape, updates), target);
  }

  private static int[] bagShape(F64Tensor ids, int width) {
    int[] shape = Arrays.copyOf(ids.shape(), ids.rank());
    shape[ids.rank() - 1] = width;
    return shape;
  }
}
